// One up2k chunk hash (spec §2.2): SHA-512 over the chunk's bytes, first 33 bytes, base64url (44 chars). Shared by the
// hashing workers (big files) and the page itself (single-chunk files, no worker round trip).
import { sha512 } from './sha512.js';

/** crypto.subtle where the page is a secure context; browsers hide it on plain http to a network address. */
export const subtle = self.isSecureContext && self.crypto && self.crypto.subtle;

function b64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The chunk hash of buf (an ArrayBuffer); forceJs uses our SHA-512 even where subtle exists (tests, ?jshash). */
export async function chunkHash(buf, forceJs) {
  const digest = subtle && !forceJs ? new Uint8Array(await subtle.digest('SHA-512', buf)) : sha512(new Uint8Array(buf));
  return b64url(digest.subarray(0, 33));
}
