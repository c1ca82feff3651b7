// Hashes one up2k chunk per message (spec §2.2): SHA-512 over the chunk's bytes, first 33 bytes, base64url (44 chars).
// crypto.subtle where the page is a secure context; our own SHA-512 elsewhere (browsers hide subtle on plain http).
import { sha512 } from './sha512.js';

const subtle = self.isSecureContext && self.crypto && self.crypto.subtle;

function b64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

self.onmessage = async (e) => {
  const { id, file, off, len, forceJs } = e.data;
  try {
    const buf = await file.slice(off, off + len).arrayBuffer();
    const digest = subtle && !forceJs ? new Uint8Array(await subtle.digest('SHA-512', buf)) : sha512(new Uint8Array(buf));
    self.postMessage({ id, hash: b64url(digest.subarray(0, 33)) });
  } catch (err) {
    self.postMessage({ id, error: String(err && err.message || err) });
  }
};

self.postMessage({ ready: true, kind: subtle ? 'subtle' : 'js' });
