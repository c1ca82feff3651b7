// Small helpers shared by the modules: DOM building, formatting, URL paths.

/** Creates an element: el('div.cls#id', {attr: v, onclick: f}, children…) */
export function el(spec, attrs, ...kids) {
  const m = /^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const e = document.createElement((m && m[1]) || 'div');
  if (m && m[2]) {
    for (const p of m[2].match(/[.#][\w-]+/g)) {
      if (p[0] === '.') e.classList.add(p.slice(1));
      else e.id = p.slice(1);
    }
  }
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'text') e.textContent = v;
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? '' : v);
    }
  }
  for (const k of kids.flat()) {
    if (k !== null && k !== undefined && k !== false) e.append(k);
  }
  return e;
}

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB" */
export function fmtSize(n) {
  if (n === undefined || n === null || n < 0) return '';
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? String(v) : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)) + ' ' + units[i];
}

/** unix seconds → "2024-05-01 13:37" in local time */
export function fmtDate(ts) {
  if (!ts) return '';
  const d = new Date(ts * 1000);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** seconds → "1:02:03" / "2:03" */
export function fmtDuration(s) {
  if (!isFinite(s) || s < 0) return '–';
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), x = s % 60;
  return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(x).padStart(2, '0');
}

/** Decodes one URL path segment (href from ?ls is URL-quoted). */
export function unq(s) {
  try { return decodeURIComponent(s); } catch { return s; }
}

/** Quotes a name for a URL path (keeps it readable: only what must be escaped). */
export function q(s) {
  return encodeURIComponent(s).replace(/%2C/g, ',').replace(/%40/g, '@').replace(/%3A/g, ':');
}

/** Quotes each segment of a slash-separated path. */
export function qpath(p) {
  return p.split('/').map(q).join('/');
}

/** "/a/b%20c/" → ["a", "b c"] */
export function segments(urlPath) {
  return urlPath.split('/').filter(Boolean).map(unq);
}

/** The extension of a name, lowercase, without the dot; "" when there is none. */
export function extOf(name) {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(i + 1).toLowerCase() : '';
}

export function debounce(fn, ms) {
  let h = 0;
  return (...a) => { clearTimeout(h); h = setTimeout(() => fn(...a), ms); };
}

/** Reads or writes a setting kept in localStorage (JSON), with a default. */
export const store = {
  get(k, dflt) {
    try {
      const v = localStorage.getItem('sp-' + k);
      return v === null ? dflt : JSON.parse(v);
    } catch { return dflt; }
  },
  set(k, v) {
    try { localStorage.setItem('sp-' + k, JSON.stringify(v)); } catch { /* private mode: settings last for this page */ }
  },
  del(k) {
    try { localStorage.removeItem('sp-' + k); } catch { /* ignore */ }
  },
};
