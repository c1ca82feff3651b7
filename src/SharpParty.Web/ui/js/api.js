// The server's HTTP API as the UI uses it (copyparty's, spec §3): one function per request, errors as exceptions
// with the server's one-line reason.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The server answers errors as "<pre>reason\r\nURL: …": keep the reason. */
async function reason(res) {
  let s = '';
  try { s = await res.text(); } catch { /* the body went away */ }
  s = s.replace(/<[^>]+>/g, '').split(/\r?\nURL:/)[0].trim();
  return s || `${res.status} ${res.statusText}`;
}

async function call(url, init) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin', ...init });
  } catch (e) {
    throw new ApiError(0, 'the server did not answer (' + e.message + ')');
  }
  if (!res.ok) throw new ApiError(res.status, await reason(res));
  return res;
}

function form(fields) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

/** Destination for ?move= / ?copy=: a decoded absolute path, quoted per segment. */
function qdst(path) {
  return path.split('/').map(encodeURIComponent).join('/');
}

export const api = {
  /** GET folder?ls: {dirs, files, taglist, perms, acct, srvinf, …} (spec §3.3) */
  async ls(dir, dots) {
    const r = await call(dir + '?ls' + (dots ? '&dots' : ''), { headers: { Accept: 'application/json' } });
    return r.json();
  },
  /** GET folder?tree=. : the subfolders of one folder {a:[names]} */
  async subdirs(dir, dots) {
    const r = await call(dir + '?tree=.' + (dots ? '&dots' : ''));
    return (await r.json()).a || [];
  },
  /** GET folder?tree : root down to this folder {"k<seg>": {...}, a: [...]} */
  async tree(dir, dots) {
    const r = await call(dir + '?tree' + (dots ? '&dots' : ''));
    return r.json();
  },
  /** POST src?move=/dst (rename or move; spec §3.5) */
  async move(srcUrl, dstPath) {
    return (await call(srcUrl + '?move=' + qdst(dstPath), { method: 'POST' })).text();
  },
  async copy(srcUrl, dstPath) {
    return (await call(srcUrl + '?copy=' + qdst(dstPath), { method: 'POST' })).text();
  },
  /** POST /?delete with a JSON list of decoded absolute paths */
  async del(paths) {
    return (await call('/?delete', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(paths) })).text();
  },
  async mkdir(dir, name) {
    return call(dir, { method: 'POST', body: form({ act: 'mkdir', name }), redirect: 'manual' });
  },
  /** act=new_md: an empty document; the answer's Location is its editor (name?edit). 409 if the name is taken. */
  async newDoc(dir, name) {
    const r = await call(dir, { method: 'POST', body: form({ act: 'new_md', name }), redirect: 'manual' });
    return r.headers.get('Location');
  },
  async login(dir, pw) {
    return call(dir, { method: 'POST', body: form({ act: 'login', cppwd: pw }) });
  },
  async logout(dir) {
    return call(dir, { method: 'POST', body: form({ act: 'logout' }) });
  },
  async msg(dir, text) {
    return call(dir, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'msg=' + encodeURIComponent(text) });
  },
  /** POST /?srch {q, n} → {hits:[{rp, sz, ts, tags}], tag_order, trunc} */
  async search(qry, n) {
    const r = await call('/?srch', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ q: qry, n }) });
    return r.json();
  },
  /** GET /?ups → {u: unfinished [{at, vp, pd, sz}], c: recent [{at, vp, sz}]} */
  async ups(filter) {
    const r = await call('/?ups' + (filter ? '&filter=' + encodeURIComponent(filter) : ''));
    return r.json();
  },
  async unpost(paths) {
    return (await call('/?delete&unpost&lim=' + paths.length, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(paths) })).text();
  },
};
