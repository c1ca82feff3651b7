// SHA-512 (FIPS 180-4) in plain JavaScript, for pages that are not a secure context (plain http on a LAN address),
// where browsers hide crypto.subtle. 64-bit words are kept as pairs of 32-bit halves (hi, lo).
// The constants are the standard ones: fractional parts of the cube roots (K) and square roots (IV) of the first primes.

const K = new Int32Array([
    0x428a2f98, 0xd728ae22, 0x71374491, 0x23ef65cd, 0xb5c0fbcf, 0xec4d3b2f, 0xe9b5dba5, 0x8189dbbc,
    0x3956c25b, 0xf348b538, 0x59f111f1, 0xb605d019, 0x923f82a4, 0xaf194f9b, 0xab1c5ed5, 0xda6d8118,
    0xd807aa98, 0xa3030242, 0x12835b01, 0x45706fbe, 0x243185be, 0x4ee4b28c, 0x550c7dc3, 0xd5ffb4e2,
    0x72be5d74, 0xf27b896f, 0x80deb1fe, 0x3b1696b1, 0x9bdc06a7, 0x25c71235, 0xc19bf174, 0xcf692694,
    0xe49b69c1, 0x9ef14ad2, 0xefbe4786, 0x384f25e3, 0x0fc19dc6, 0x8b8cd5b5, 0x240ca1cc, 0x77ac9c65,
    0x2de92c6f, 0x592b0275, 0x4a7484aa, 0x6ea6e483, 0x5cb0a9dc, 0xbd41fbd4, 0x76f988da, 0x831153b5,
    0x983e5152, 0xee66dfab, 0xa831c66d, 0x2db43210, 0xb00327c8, 0x98fb213f, 0xbf597fc7, 0xbeef0ee4,
    0xc6e00bf3, 0x3da88fc2, 0xd5a79147, 0x930aa725, 0x06ca6351, 0xe003826f, 0x14292967, 0x0a0e6e70,
    0x27b70a85, 0x46d22ffc, 0x2e1b2138, 0x5c26c926, 0x4d2c6dfc, 0x5ac42aed, 0x53380d13, 0x9d95b3df,
    0x650a7354, 0x8baf63de, 0x766a0abb, 0x3c77b2a8, 0x81c2c92e, 0x47edaee6, 0x92722c85, 0x1482353b,
    0xa2bfe8a1, 0x4cf10364, 0xa81a664b, 0xbc423001, 0xc24b8b70, 0xd0f89791, 0xc76c51a3, 0x0654be30,
    0xd192e819, 0xd6ef5218, 0xd6990624, 0x5565a910, 0xf40e3585, 0x5771202a, 0x106aa070, 0x32bbd1b8,
    0x19a4c116, 0xb8d2d0c8, 0x1e376c08, 0x5141ab53, 0x2748774c, 0xdf8eeb99, 0x34b0bcb5, 0xe19b48a8,
    0x391c0cb3, 0xc5c95a63, 0x4ed8aa4a, 0xe3418acb, 0x5b9cca4f, 0x7763e373, 0x682e6ff3, 0xd6b2b8a3,
    0x748f82ee, 0x5defb2fc, 0x78a5636f, 0x43172f60, 0x84c87814, 0xa1f0ab72, 0x8cc70208, 0x1a6439ec,
    0x90befffa, 0x23631e28, 0xa4506ceb, 0xde82bde9, 0xbef9a3f7, 0xb2c67915, 0xc67178f2, 0xe372532b,
    0xca273ece, 0xea26619c, 0xd186b8c7, 0x21c0c207, 0xeada7dd6, 0xcde0eb1e, 0xf57d4f7f, 0xee6ed178,
    0x06f067aa, 0x72176fba, 0x0a637dc5, 0xa2c898a6, 0x113f9804, 0xbef90dae, 0x1b710b35, 0x131c471b,
    0x28db77f5, 0x23047d84, 0x32caab7b, 0x40c72493, 0x3c9ebe0a, 0x15c9bebc, 0x431d67c4, 0x9c100d4c,
    0x4cc5d4be, 0xcb3e42b6, 0x597f299c, 0xfc657e2a, 0x5fcb6fab, 0x3ad6faec, 0x6c44198c, 0x4a475817,
]);

const IV = [
    0x6a09e667, 0xf3bcc908, 0xbb67ae85, 0x84caa73b, 0x3c6ef372, 0xfe94f82b, 0xa54ff53a, 0x5f1d36f1, 0x510e527f, 0xade682d1, 0x9b05688c, 0x2b3e6c1f, 0x1f83d9ab, 0xfb41bd6b, 0x5be0cd19, 0x137e2179,
];

const W = new Int32Array(160);

/** Hashes whole 128-byte blocks of `b` starting at `off` into the state `H` (Int32Array of 16). */
function blocks(H, b, off, end) {
  let h0h = H[0], h0l = H[1], h1h = H[2], h1l = H[3], h2h = H[4], h2l = H[5], h3h = H[6], h3l = H[7];
  let h4h = H[8], h4l = H[9], h5h = H[10], h5l = H[11], h6h = H[12], h6l = H[13], h7h = H[14], h7l = H[15];
  for (; off < end; off += 128) {
    for (let i = 0; i < 32; i++) {
      const p = off + i * 4;
      W[i] = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
    }
    for (let i = 32; i < 160; i += 2) {
      // gamma0 = rotr1 ^ rotr8 ^ shr7 of W[t-15]
      let xh = W[i - 30], xl = W[i - 29];
      const g0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
      const g0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
      // gamma1 = rotr19 ^ rotr61 ^ shr6 of W[t-2]
      xh = W[i - 4]; xl = W[i - 3];
      const g1h = ((xh >>> 19) | (xl << 13)) ^ ((xl >>> 29) | (xh << 3)) ^ (xh >>> 6);
      const g1l = ((xl >>> 19) | (xh << 13)) ^ ((xh >>> 29) | (xl << 3)) ^ ((xl >>> 6) | (xh << 26));
      const lo = (g1l >>> 0) + (W[i - 13] >>> 0) + (g0l >>> 0) + (W[i - 31] >>> 0);
      W[i] = (g1h + W[i - 14] + g0h + W[i - 32] + ((lo / 4294967296) | 0)) | 0;
      W[i + 1] = lo | 0;
    }
    let ah = h0h, al = h0l, bh = h1h, bl = h1l, ch = h2h, cl = h2l, dh = h3h, dl = h3l;
    let eh = h4h, el = h4l, fh = h5h, fl = h5l, gh = h6h, gl = h6l, hh = h7h, hl = h7l;
    for (let i = 0; i < 160; i += 2) {
      // Sigma1(e) = rotr14 ^ rotr18 ^ rotr41
      const s1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
      const s1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
      const chh = (eh & fh) ^ (~eh & gh), chl = (el & fl) ^ (~el & gl);
      const t1l = (hl >>> 0) + (s1l >>> 0) + (chl >>> 0) + (K[i + 1] >>> 0) + (W[i + 1] >>> 0);
      const t1h = (hh + s1h + chh + K[i] + W[i] + ((t1l / 4294967296) | 0)) | 0;
      // Sigma0(a) = rotr28 ^ rotr34 ^ rotr39
      const s0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
      const s0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
      const mjh = (ah & bh) ^ (ah & ch) ^ (bh & ch), mjl = (al & bl) ^ (al & cl) ^ (bl & cl);
      const t2l = (s0l >>> 0) + (mjl >>> 0);
      const t2h = s0h + mjh + ((t2l / 4294967296) | 0);
      hh = gh; hl = gl; gh = fh; gl = fl; fh = eh; fl = el;
      let x = (dl >>> 0) + (t1l >>> 0);
      eh = (dh + t1h + ((x / 4294967296) | 0)) | 0; el = x | 0;
      dh = ch; dl = cl; ch = bh; cl = bl; bh = ah; bl = al;
      x = (t1l >>> 0) + (t2l >>> 0);
      ah = (t1h + t2h + ((x / 4294967296) | 0)) | 0; al = x | 0;
    }
    let x;
    x = (h0l >>> 0) + (al >>> 0); h0h = (h0h + ah + ((x / 4294967296) | 0)) | 0; h0l = x | 0;
    x = (h1l >>> 0) + (bl >>> 0); h1h = (h1h + bh + ((x / 4294967296) | 0)) | 0; h1l = x | 0;
    x = (h2l >>> 0) + (cl >>> 0); h2h = (h2h + ch + ((x / 4294967296) | 0)) | 0; h2l = x | 0;
    x = (h3l >>> 0) + (dl >>> 0); h3h = (h3h + dh + ((x / 4294967296) | 0)) | 0; h3l = x | 0;
    x = (h4l >>> 0) + (el >>> 0); h4h = (h4h + eh + ((x / 4294967296) | 0)) | 0; h4l = x | 0;
    x = (h5l >>> 0) + (fl >>> 0); h5h = (h5h + fh + ((x / 4294967296) | 0)) | 0; h5l = x | 0;
    x = (h6l >>> 0) + (gl >>> 0); h6h = (h6h + gh + ((x / 4294967296) | 0)) | 0; h6l = x | 0;
    x = (h7l >>> 0) + (hl >>> 0); h7h = (h7h + hh + ((x / 4294967296) | 0)) | 0; h7l = x | 0;
  }
  H[0] = h0h; H[1] = h0l; H[2] = h1h; H[3] = h1l; H[4] = h2h; H[5] = h2l; H[6] = h3h; H[7] = h3l;
  H[8] = h4h; H[9] = h4l; H[10] = h5h; H[11] = h5l; H[12] = h6h; H[13] = h6l; H[14] = h7h; H[15] = h7l;
}

/** SHA-512 of `data` (a Uint8Array); returns the 64-byte digest. */
export function sha512(data) {
  const H = new Int32Array(IV);
  const len = data.length;
  const full = len - (len % 128);
  blocks(H, data, 0, full);
  // the tail: the rest, 0x80, zeros, then the length in bits as a 128-bit big-endian number
  const rest = len - full;
  const tail = new Uint8Array(rest < 112 ? 128 : 256);
  tail.set(data.subarray(full));
  tail[rest] = 0x80;
  const bits = len * 8;
  const dv = new DataView(tail.buffer);
  dv.setUint32(tail.length - 8, Math.floor(bits / 4294967296));
  dv.setUint32(tail.length - 4, bits >>> 0);
  blocks(H, tail, 0, tail.length);
  const out = new Uint8Array(64);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 16; i++) ov.setInt32(i * 4, H[i]);
  return out;
}
