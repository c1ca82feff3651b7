// Hashes one up2k chunk per message for the uploader's worker pool (files of more than one chunk).
import { chunkHash, subtle } from './chunkhash.js';

self.onmessage = async (e) => {
  const { id, file, off, len, forceJs } = e.data;
  try {
    const buf = await file.slice(off, off + len).arrayBuffer();
    self.postMessage({ id, hash: await chunkHash(buf, forceJs) });
  } catch (err) {
    self.postMessage({ id, error: String(err && err.message || err) });
  }
};

self.postMessage({ ready: true, kind: subtle ? 'subtle' : 'js' });
