// The up2k uploader (copyparty's protocol, spec §2): hash each file in chunks (in the page or in Web Workers),
// handshake with the folder, send the chunks the server still needs (several in flight, adjacent ones stitched into
// one POST), then handshake again until nothing is missing. A reload or a lost connection loses nothing: the same file hashed again
// gives the same chunk hashes, and the server's answer lists only what is still missing.

import { chunkHash, subtle } from './chunkhash.js';

/** The chunk size for a file size (spec §2.3): 1 MiB up to 256 chunks, then ×1.5 and ×4/3 in turn; ≥ 32 MiB up to 4096. */
export function chunkSize(size) {
  let cs = 1024 * 1024;
  let step = 512 * 1024;
  for (;;) {
    for (let phase = 0; phase < 2; phase++) {
      const n = size <= 0 ? 0 : Math.ceil(size / cs);
      if (n <= 256 || (cs >= 32 * 1024 * 1024 && n <= 4096)) return cs;
      cs += step;
    }
    step *= 2;
  }
}

/** X-Up2k-Hash for stitched chunks: "H1,N,P2P3…" with N = clamp(192 / count, 2, 9) leading characters each (1.13.8). */
export function hashHeader(hashes) {
  if (hashes.length === 1) return hashes[0];
  const n = Math.min(9, Math.max(2, Math.floor(192 / hashes.length)));
  return hashes[0] + ',' + n + ',' + hashes.slice(1).map((h) => h.slice(0, n)).join('');
}

const STITCH = 64 * 1024 * 1024; // as copyparty's browser client (u2sz 1,64,96): POSTs of up to 64 MiB
const MAX_TRIES = 6;
const MAX_HANDSHAKES = 16; // u2c gives up after 32; a browser user can retry by hand
const ONE_CHUNK = 1024 * 1024; // the smallest chunk size: every file up to 1 MiB is one chunk
const PAGE_JS_MAX = 64 * 1024; // without crypto.subtle the page hashes only tiny files itself (our SHA-512 blocks)
const SMALL_AT_ONCE = 8; // single-chunk files read and hashed at once in the page
const AHEAD = 48; // files hashed ahead of the uploads: enough to keep every connection busy, not 2,000 reservations

class HashPool {
  constructor(n, forceJs) {
    this.workers = [];
    this.idle = [];
    this.waiting = [];
    this.tasks = new Map();
    this.seq = 0;
    this.kind = subtle && !forceJs ? 'subtle' : 'js';
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL('./hashworker.js', import.meta.url), { type: 'module' });
      w.onmessage = (e) => this.done(w, e.data);
      w.onerror = (e) => { this.kind = 'broken'; console.error('hash worker', e.message); };
      this.workers.push(w);
      // two chunks per worker: while one is hashed, the next is read (a worker's onmessage is async, so they overlap)
      this.idle.push(w, w);
    }
    this.forceJs = forceJs;
  }

  done(w, m) {
    if (m.ready) { if (!this.forceJs) this.kind = m.kind; return; }
    const task = this.tasks.get(m.id);
    this.tasks.delete(m.id);
    if (m.error) task.reject(new Error(m.error));
    else task.resolve(m.hash);
    const next = this.waiting.shift();
    if (next) this.run(w, next);
    else this.idle.push(w);
  }

  run(w, task) {
    this.tasks.set(task.id, task);
    w.postMessage({ id: task.id, file: task.file, off: task.off, len: task.len, forceJs: this.forceJs });
  }

  hash(file, off, len) {
    return new Promise((resolve, reject) => {
      const task = { id: ++this.seq, file, off, len, resolve, reject };
      const w = this.idle.pop();
      if (w) this.run(w, task);
      else this.waiting.push(task);
    });
  }

  close() { for (const w of this.workers) w.terminate(); }
}

let jobSeq = 0;

/**
 * The uploader. Four stages, each with its own limit, so a slow one never holds another's slots: hashing (single-chunk
 * files in the page, several at once, as copyparty's up2k.js does; bigger files chunk by chunk in a worker pool),
 * handshakes, and chunk POSTs. Hashing stays ahead of sending, but not far: 2,000 small files must not all be
 * hashed and reserved on the server before the first is sent.
 */
export class Uploader extends EventTarget {
  constructor({ conns = 4, hashers = 2, forceJs = false } = {}) {
    super();
    this.conns = conns;
    this.hashers = hashers;
    this.forceJs = forceJs;
    this.jobs = [];
    this.queued = 0; // jobs in state 'queued'
    this.nextQueued = 0; // no queued job before this index
    this.slices = []; // {job, hashes, off, len, tries}
    this.active = 0; // POSTs in flight
    this.hashingSmall = 0; // single-chunk files being hashed in the page
    this.hashingBig = 0; // files being hashed by the workers
    this.handshakes = []; // files waiting for a handshake (after hashing, and after their last chunk)
    this.shaking = 0; // handshakes in flight
    this.sleeping = 0; // files or chunks waiting to try again
    this.pool = null;
    this.bytesSent = 0; // confirmed chunk bytes this session (for speed)
    this.t0 = 0;
  }

  get hashKind() { return this.pool ? this.pool.kind : (subtle && !this.forceJs ? 'subtle' : 'js'); }

  /** Queues files: [{file, rel}] where rel is the path below dir ("a/b/c.txt"); dir is the folder URL (ends in /). */
  add(list, dir, search) {
    const added = [];
    const now = performance.now();
    for (const { file, rel } of list) {
      const parts = (rel || file.name).split('/').filter(Boolean);
      const name = parts.pop();
      const sub = parts.map(encodeURIComponent).join('/');
      const job = {
        id: ++jobSeq, file, name, rel: rel || file.name, dir: dir + (sub ? sub + '/' : ''), size: file.size,
        lmod: file.lastModified / 1000, search: !!search, state: 'queued', hashed: 0, sent: 0, inflight: new Map(),
        hashes: null, cs: chunkSize(file.size), need: null, wark: '', purl: '', srvName: '', hits: null, err: '', handshakes: 0,
        buf: null, t: { queued: now },
      };
      this.jobs.push(job);
      added.push(job);
    }
    this.queued += added.length;
    if (!this.t0) this.t0 = now;
    this.changed();
    this.pump();
    return added;
  }

  changed(job) { this.dispatchEvent(new CustomEvent('change', { detail: job })); }

  busy() {
    return this.queued + this.hashingSmall + this.hashingBig + this.shaking + this.active + this.sleeping
      + this.handshakes.length + this.slices.length > 0;
  }

  /** Files hashed and not yet through the protocol: what hashing may run ahead of. */
  inPipe() { return this.handshakes.length + this.shaking + this.slices.length + this.active + this.hashingSmall + this.hashingBig; }

  /** In the page: single-chunk files, where subtle hashes them off the main thread anyway (or they are tiny). */
  inPage(job) { return job.size <= ONE_CHUNK && (this.hashKind === 'subtle' || job.size <= PAGE_JS_MAX); }

  pump() {
    while (this.queued > 0 && this.inPipe() < AHEAD) {
      while (this.nextQueued < this.jobs.length && this.jobs[this.nextQueued].state !== 'queued') this.nextQueued++;
      const job = this.jobs[this.nextQueued];
      if (!job) break;
      const small = this.inPage(job);
      if (small ? this.hashingSmall >= SMALL_AT_ONCE : this.hashingBig >= this.hashers) break;
      this.queued--;
      job.state = 'hashing';
      job.t.hash = performance.now();
      if (small) {
        this.hashingSmall++;
        this.hashSmall(job).finally(() => { this.hashingSmall--; this.pump(); });
      } else {
        this.pool ??= new HashPool(this.hashers, this.forceJs);
        this.hashingBig++;
        this.hashFile(job).finally(() => { this.hashingBig--; this.pump(); });
      }
    }
    // a handshake slot more than the connections: while one waits for its answer, the next is already on its way
    while (this.shaking < this.conns + 2 && this.handshakes.length) {
      const job = this.handshakes.shift();
      this.shaking++;
      this.handshake(job).finally(() => { this.shaking--; this.pump(); });
    }
    while (this.active < this.conns && this.slices.length) {
      const s = this.slices.shift();
      this.active++;
      this.send(s).finally(() => { this.active--; this.pump(); });
    }
    if (!this.busy()) this.dispatchEvent(new Event('idle'));
  }

  /** A single-chunk file: read once, hashed here; the bytes are kept for the POST (no second read). */
  async hashSmall(job) {
    try {
      const buf = job.size ? await job.file.arrayBuffer() : null;
      job.hashes = buf ? [await chunkHash(buf, this.forceJs)] : [];
      job.buf = job.search ? null : buf;
    } catch (e) {
      return this.fail(job, 'could not read the file: ' + e.message);
    }
    job.hashed = job.size;
    this.hashed(job);
  }

  async hashFile(job) {
    this.changed(job);
    const n = job.size === 0 ? 0 : Math.ceil(job.size / job.cs);
    const hashes = new Array(n);
    try {
      await Promise.all(Array.from({ length: n }, async (_, i) => {
        const off = i * job.cs;
        const len = Math.min(job.cs, job.size - off);
        hashes[i] = await this.pool.hash(job.file, off, len);
        job.hashed += len;
        if (n > 8) this.changed(job);
      }));
    } catch (e) {
      return this.fail(job, 'could not read the file: ' + e.message);
    }
    job.hashes = hashes;
    this.hashed(job);
  }

  hashed(job) {
    job.t.hashed = performance.now();
    job.state = 'handshake';
    this.handshakes.push(job);
    this.changed(job);
  }

  async handshake(job) {
    job.state = 'handshake';
    job.handshakes++;
    this.changed(job);
    const body = { name: job.name, size: job.size, lmod: job.lmod, hash: job.hashes };
    if (job.search) body.srch = 1;
    let res, text;
    for (let attempt = 0; ; attempt++) {
      try {
        // text/plain as copyparty's browser client: a "simple" request, no CORS preflight
        res = await fetch(job.dir, { method: 'POST', headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: JSON.stringify(body), credentials: 'same-origin' });
        text = await res.text();
      } catch (e) {
        res = null;
        text = e.message;
      }
      // busy server or lost connection: wait and ask again (copyparty answers 503 while it rescans)
      if ((!res || res.status === 503 || res.status === 502 || res.status === 504) && attempt < MAX_TRIES) {
        job.err = 'server busy, retrying';
        this.changed(job);
        await this.nap(1000 * 2 ** Math.min(attempt, 4));
        continue;
      }
      break;
    }
    job.err = '';
    if (!res || !res.ok) {
      const msg = clean(text);
      // the same file is being uploaded elsewhere: try again in a while (as u2c treats 422)
      if (res && res.status === 422 && /partial upload exists|source file busy/.test(msg) && job.handshakes < MAX_HANDSHAKES) {
        job.state = 'busy-wait';
        job.err = msg;
        this.changed(job);
        await this.nap(5000);
        this.handshakes.push(job);
        return;
      }
      return this.fail(job, msg || 'no answer');
    }
    const r = JSON.parse(text);
    if (job.search) {
      job.hits = r.hits || [];
      this.finish(job, 'done');
      return;
    }
    job.srvName = r.name;
    job.purl = r.purl;
    job.wark = r.wark;
    const need = r.hash || [];
    if (!need.length) {
      // nothing missing: either the server already had it all (a dupe, or an upload finished before a reload), or we are done
      this.finish(job, job.sent > 0 || job.handshakes > 1 || job.size === 0 ? 'ok' : 'done');
      return;
    }
    if (job.handshakes > MAX_HANDSHAKES) return this.fail(job, 'the server keeps asking for the same chunks');
    job.state = 'uploading';
    job.t.send ??= performance.now();
    // bytes the server already has count as sent, so a resumed file shows where it stands
    const needSet = new Set(need);
    let missing = 0;
    for (let i = 0; i < job.hashes.length; i++) if (needSet.has(job.hashes[i])) missing += Math.min(job.cs, job.size - i * job.cs);
    job.sent = job.size - missing;
    this.plan(job, need);
    this.changed(job);
  }

  /** Cuts the needed chunks into POSTs: adjacent chunks stitched up to 64 MiB, but spread over the connections. */
  plan(job, need) {
    const first = new Map();
    job.hashes.forEach((h, i) => { if (!first.has(h)) first.set(h, i); });
    const maxJoin = Math.max(1, Math.min(Math.floor(STITCH / job.cs), Math.ceil(need.length / this.conns)));
    job.pending = 0;
    for (let i = 0; i < need.length;) {
      const idx = first.get(need[i]);
      const off = idx * job.cs;
      let len = Math.min(job.cs, job.size - off);
      let n = 1;
      while (n < maxJoin && i + n < need.length && first.get(need[i + n]) * job.cs === off + len) {
        len += Math.min(job.cs, job.size - (off + len));
        n++;
      }
      this.slices.push({ job, hashes: need.slice(i, i + n), off, len, tries: 0 });
      job.pending++;
      i += n;
    }
  }

  async send(s) {
    const { job } = s;
    const headers = { 'X-Up2k-Hash': hashHeader(s.hashes), 'X-Up2k-Wark': job.wark, 'Content-Type': 'application/octet-stream' };
    let ok, msg, left;
    if (job.buf) {
      // a single-chunk file whose bytes are already here: fetch, no progress events to feed
      try {
        const res = await fetch(job.purl, { method: 'POST', headers, body: job.buf, credentials: 'same-origin' });
        const body = await res.text();
        // a chunk the server already has is fine (it may have arrived before a lost connection dropped the answer)
        ok = res.status === 200 || /already got that/.test(body);
        msg = clean(body) || 'HTTP ' + res.status;
        left = res.status === 200 ? res.headers.get('X-Up2k-Left') : null;
      } catch (e) {
        ok = false;
        msg = 'connection lost';
      }
    } else {
      [ok, msg, left] = await this.xhr(s, headers);
    }
    job.inflight.delete(s);
    if (!ok) return this.retry(s, msg);
    job.sent += s.len;
    this.bytesSent += s.len;
    job.pending--;
    // our server says how many chunks the file still needs: none = complete and in place, the answer the final
    // handshake would give; copyparty does not say, and then the final handshake confirms (spec §2.8)
    if (left === '0') job.complete = true;
    this.changed(job);
    if (job.pending === 0) {
      job.buf = null;
      if (job.complete) this.finish(job, 'ok');
      else this.handshakes.unshift(job); // first in line, so finished files leave the pipe soonest
    }
  }

  /** A slice of a bigger file: XMLHttpRequest for its upload progress; the body is a slice of the File (no copy). */
  xhr(s, headers) {
    const { job } = s;
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open('POST', job.purl);
      for (const [k, v] of Object.entries(headers)) x.setRequestHeader(k, v);
      x.upload.onprogress = (e) => { job.inflight.set(s, e.loaded); this.progress(); };
      x.onload = () => {
        const body = x.responseText || '';
        resolve([x.status === 200 || /already got that/.test(body), clean(body) || 'HTTP ' + x.status,
          x.status === 200 ? x.getResponseHeader('X-Up2k-Left') : null]);
      };
      x.onerror = () => resolve([false, 'connection lost']);
      x.ontimeout = () => resolve([false, 'timed out']);
      x.send(job.file.slice(s.off, s.off + s.len));
    });
  }

  async retry(s, msg) {
    const { job } = s;
    if (++s.tries > MAX_TRIES) {
      job.pending--;
      if (job.pending === 0) {
        // ask the server what it still needs; that replans or finishes the file
        job.err = msg;
        this.handshakes.push(job);
      }
      return;
    }
    job.err = msg + ', retrying';
    this.changed(job);
    await this.nap(500 * 2 ** Math.min(s.tries, 5));
    job.err = '';
    this.slices.unshift(s);
  }

  /** Waits, counted as busy (a file between tries is still on its way). */
  async nap(ms) {
    this.sleeping++;
    try { await sleep(ms); } finally { this.sleeping--; }
  }

  finish(job, state) {
    job.state = state;
    job.t.done = performance.now();
    job.buf = null;
    job.inflight.clear();
    this.changed(job);
  }

  fail(job, msg) {
    job.err = msg;
    this.finish(job, 'ng');
  }

  progress() {
    const now = performance.now();
    if (now - (this.lastProgress || 0) < 200) return;
    this.lastProgress = now;
    this.changed();
  }

  /** Totals for the summary line and the favicon. */
  totals() {
    let files = 0, filesDone = 0, bytes = 0, bytesDone = 0, hashed = 0;
    for (const j of this.jobs) {
      files++;
      bytes += j.size;
      hashed += j.state === 'queued' ? 0 : j.state === 'hashing' ? j.hashed : j.size;
      if (j.state === 'ok' || j.state === 'done' || j.state === 'ng') {
        filesDone++;
        bytesDone += j.size;
      } else {
        let inflight = 0;
        for (const v of j.inflight.values()) inflight += v;
        bytesDone += Math.min(j.size, j.sent + inflight);
      }
    }
    return { files, filesDone, bytes, bytesDone, hashed };
  }

  clearFinished() {
    this.jobs = this.jobs.filter((j) => !(j.state === 'ok' || j.state === 'done'));
    this.nextQueued = 0;
    this.changed();
  }
}

export function stateGroup(j) {
  if (j.state === 'ok') return 'ok';
  if (j.state === 'done') return 'done';
  if (j.state === 'ng') return 'ng';
  if (j.state === 'queued') return 'queued';
  return 'busy';
}

function clean(s) {
  return String(s || '').replace(/<[^>]+>/g, '').split(/\r?\nURL:/)[0].trim();
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
