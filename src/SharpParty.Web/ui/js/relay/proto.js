// p2p-copy's wire protocol in the browser (shared/spec/p2p-copy-relay.md §1.3): hello, manifest, per file a header,
// [seq u64 BE | chain 32 | payload] frames and file_eof, then eof. SHA-256 and AES-GCM (32-byte IVs from a SHA-256
// chain) are WebCrypto; Argon2id is hash-wasm's (WebCrypto has none); zstd frames are decoded with fzstd. The page
// never compresses what it sends (p2p-copy's --compress off: allowed, the sender decides per file).

const te = new TextEncoder();
const td = new TextDecoder();
export const CHUNK = 1 << 20;

export const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
export const unhex = (s) => new Uint8Array(s.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
export const sha256 = async (b) => new Uint8Array(await crypto.subtle.digest('SHA-256', b));
const cat = (a, b) => { const o = new Uint8Array(a.length + b.length); o.set(a); o.set(b, a.length); return o; };

/** Argon2id t=3, m=32 MiB, p=8, 32 bytes, as p2p-copy's security.py */
const argon2 = (code, salt) => globalThis.hashwasm.argon2id({
  password: code, salt: te.encode(salt), parallelism: 8, iterations: 3, memorySize: 32768, hashLength: 32, outputType: 'binary',
});

/** chain_i = sha256(chain_{i-1} || x), chain_{-1} empty: the checksum of frames and the nonce chain alike */
export class Chain {
  constructor() { this.prev = new Uint8Array(0); }
  async next(x) { this.prev = await sha256(cat(this.prev, x)); return this.prev; }
}

/** The hello hash, and with encryption the AES key with its nonce chain (one order for both directions). */
export class Secret {
  static async of(code, encrypt) {
    const s = new Secret();
    if (!encrypt) { s.hello = hex(await sha256(te.encode(code))); return s; }
    const [h, k] = await Promise.all([argon2(code, 'code_hash used for hello-match'), argon2(code, 'cipher used for E2E-encryption')]);
    s.hello = hex(h);
    s.key = await crypto.subtle.importKey('raw', k, 'AES-GCM', false, ['encrypt', 'decrypt']);
    s.nonces = new Chain();
    return s;
  }
  async seed(r) { await this.nonces.next(r); }
  async encrypt(plain) {
    const iv = await this.nonces.next(new Uint8Array(0));
    return new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 128 }, this.key, plain));
  }
  async decrypt(sealed) {
    const iv = await this.nonces.next(new Uint8Array(0));
    try {
      return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, tagLength: 128 }, this.key, sealed));
    } catch { throw new Error('a message failed to decrypt (a different code?)'); }
  }
}

/** A WebSocket with an awaitable queue of whole messages (strings or Uint8Array). */
export class Conn {
  static open(url) {
    return new Promise((ok, fail) => {
      const c = new Conn();
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      c.ws = ws; c.q = []; c.waiters = []; c.closed = null;
      ws.onmessage = (e) => c.push(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
      ws.onclose = (e) => { c.closed = `${e.code} ${e.reason}`.trim(); c.push(null); };
      ws.onopen = () => ok(c);
      ws.onerror = () => fail(new Error('cannot connect to the relay'));
    });
  }
  push(m) { const w = this.waiters.shift(); if (w) w(m); else this.q.push(m); }
  recv() { return this.q.length ? Promise.resolve(this.q.shift()) : new Promise((ok) => this.waiters.push(ok)); }
  async recvJson(what) {
    const m = await this.recv();
    if (m === null) throw new Error(`the relay closed the connection (${this.closed}) while waiting for ${what}`);
    if (typeof m !== 'string') throw new Error(`expected ${what}, got binary data`);
    return JSON.parse(m);
  }
  /** sends, waiting while more than 8 MiB are queued in the browser (backpressure) */
  async send(m) {
    while (this.ws.bufferedAmount > (8 << 20)) await new Promise((ok) => setTimeout(ok, 5));
    if (this.ws.readyState !== WebSocket.OPEN) throw new Error(`the relay closed the connection (${this.closed})`);
    this.ws.send(m);
  }
  sendJson(o) { return this.send(JSON.stringify(o)); }
  async drainAndClose() {
    while (this.ws.bufferedAmount > 0 && this.ws.readyState === WebSocket.OPEN) await new Promise((ok) => setTimeout(ok, 10));
    this.ws.close(1000);
  }
}

const frame = (seq, chain, payload) => {
  const f = new Uint8Array(40 + payload.length);
  new DataView(f.buffer).setBigUint64(0, BigInt(seq));
  f.set(chain, 8);
  f.set(payload, 40);
  return f;
};

/** files: [{path, file}]; progress(doneBytes, totalBytes, path) */
export async function send(url, code, encrypt, files, progress) {
  const secret = await Secret.of(code, encrypt);
  const conn = await Conn.open(url);
  await conn.sendJson({ type: 'hello', code_hash_hex: secret.hello, role: 'sender' });
  const ready = await conn.recvJson('the receiver');
  if (ready.type !== 'ready') throw new Error('unexpected message after hello');
  const total = files.reduce((a, f) => a + f.file.size, 0);
  const manifest = { type: 'manifest', resume: false, entries: files.map((f) => ({ path: f.path, size: f.file.size })) };
  if (encrypt) {
    const r = crypto.getRandomValues(new Uint8Array(32));
    await secret.seed(r);
    const hidden = await secret.encrypt(te.encode(JSON.stringify(manifest)));
    await conn.sendJson({ type: 'enc_manifest', nonce: hex(r), hidden_manifest: hex(hidden) });
  } else {
    await conn.sendJson(manifest);
  }
  let done = 0;
  for (const { path, file } of files) {
    const header = { type: 'file', path, size: file.size, compression: 'none', append_from: 0 };
    if (encrypt) await conn.sendJson({ type: 'enc_file', hidden_file: hex(await secret.encrypt(te.encode(JSON.stringify(header)))) });
    else await conn.sendJson(header);
    const chain = new Chain();
    let seq = 0;
    let off = 0;
    do { // an empty file is still one empty frame
      const raw = new Uint8Array(await file.slice(off, off + CHUNK).arrayBuffer());
      const c = await chain.next(raw);
      await conn.send(frame(seq++, c, encrypt ? await secret.encrypt(raw) : raw));
      off += raw.length;
      done += raw.length;
      progress(done, total, path);
    } while (off < file.size);
    await conn.sendJson({ type: 'file_eof' });
  }
  await conn.sendJson({ type: 'eof' });
  await conn.drainAndClose();
}

/** Returns [{path, blob}] as they arrived; onFile(path, blob) for each. */
export async function receive(url, code, encrypt, progress, onFile) {
  const secret = await Secret.of(code, encrypt);
  const conn = await Conn.open(url);
  await conn.sendJson({ type: 'hello', code_hash_hex: secret.hello, role: 'receiver' });
  const open = async (o, key) => JSON.parse(td.decode(await secret.decrypt(unhex(o[key]))));
  let m = await conn.recvJson('the sender');
  if (m.type === 'enc_manifest' && encrypt) {
    await secret.seed(unhex(m.nonce));
    m = await open(m, 'hidden_manifest');
  } else if (m.type === 'enc_manifest' || (encrypt && m.type === 'manifest')) {
    throw new Error(`the sender ${encrypt ? 'does not' : 'does'} encrypt; both sides must agree`);
  }
  if (m.type !== 'manifest') throw new Error('expected a manifest');
  if (m.resume) { // nothing here to resume from: an empty report
    const rm = { type: 'receiver_manifest', entries: [] };
    if (encrypt) await conn.sendJson({ type: 'enc_receiver_manifest', hidden_manifest: hex(await secret.encrypt(te.encode(JSON.stringify(rm)))) });
    else await conn.sendJson(rm);
  }
  const total = m.entries.reduce((a, e) => a + e.size, 0);
  const got = [];
  let done = 0;
  let cur = null;
  for (;;) {
    const msg = await conn.recv();
    if (msg === null) throw new Error(`the connection ended before the transfer was complete (${conn.closed})`);
    if (typeof msg !== 'string') {
      if (!cur) throw new Error('data without an open file');
      const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
      if (msg.length < 40 || dv.getBigUint64(0) !== BigInt(cur.seq)) throw new Error(`${cur.path}: sequence mismatch`);
      cur.seq++;
      let x = msg.subarray(40);
      if (encrypt) x = await secret.decrypt(x);
      const c = await cur.chain.next(x);
      if (hex(c) !== hex(msg.subarray(8, 40))) throw new Error(`${cur.path}: chained checksum mismatch`);
      if (cur.zstd) x = globalThis.fzstd.decompress(x);
      cur.parts.push(x);
      cur.n += x.length;
      done += x.length;
      progress(done, total, cur.path);
      continue;
    }
    let o = JSON.parse(msg);
    if (o.type === 'enc_file' && encrypt) o = await open(o, 'hidden_file');
    if (o.type === 'file') {
      if ((o.append_from ?? 0) !== 0) throw new Error(`${o.path}: a resumed file (the page keeps nothing to resume)`);
      cur = { path: o.path, size: o.size, zstd: o.compression === 'zstd', chain: new Chain(), seq: 0, parts: [], n: 0 };
    } else if (o.type === 'file_eof') {
      if (!cur) throw new Error('file_eof without an open file');
      if (cur.n !== cur.size) throw new Error(`${cur.path}: size mismatch, got ${cur.n} of ${cur.size} bytes`);
      const blob = new Blob(cur.parts);
      got.push({ path: cur.path, blob });
      await onFile(cur.path, blob);
      cur = null;
    } else if (o.type === 'eof') {
      conn.ws.close(1000);
      return got;
    } else if (o.type !== 'x_caps') {
      throw new Error(`unexpected control message: ${o.type}`);
    }
  }
}
