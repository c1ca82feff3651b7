// The listing of one folder: a virtual list (only the rows on screen exist in the DOM, so 10,000 files scroll as
// smoothly as 10) or a virtual grid of thumbnails, sorting, and selection by mouse and keyboard.
import { t } from './strings.js';
import { el, fmtSize, fmtDate, fmtDuration, unq, extOf } from './util.js';

const ROW_H = 34; // px; must match .lv-row in app.css
const PIC = 150; // px, a grid card's picture at zoom 1; the card adds the gaps around it and the name under it
const cardSize = (zoom) => { const pic = Math.round(PIC * zoom); return { pic, cw: pic + 18, ch: pic + 46 }; };
export const ZOOMS = [0.6, 0.8, 1, 1.25, 1.6, 2];
const OVERSCAN = 8;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

// Sorting 10,000 names with the collator costs ~50 ms on a quiet machine; a folder whose names are all printable
// ASCII sorts by a key made once per name and compared with <, in the collator's order for those characters: case
// ignored, numbers by value (leading zeros ignored), punctuation before digits before letters.
const ASCII = /^[\x20-\x7e]*$/;
const PUNCT = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$';
const RANK = new Map([...PUNCT].map((c, i) => [c, String.fromCharCode(1 + i)]));
// key characters stay below 256 (V8 compares such one-byte strings fastest): punctuation 1-33, a run of digits as
// '<' then its length then the digits, letters as themselves
const DIGITS = '<';
function sortKey(name) {
  let k = '';
  const s = name.toLowerCase();
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      let j = i;
      while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
      let z = i;
      while (z < j - 1 && s.charCodeAt(z) === 48) z++;
      k += DIGITS + String.fromCharCode(61 + Math.min(j - z, 190)) + s.slice(z, j);
      i = j;
    } else {
      k += c >= 97 && c <= 122 ? s[i] : RANK.get(s[i]) ?? s[i];
      i++;
    }
  }
  return k;
}
const byKey = (x, y) => (x < y ? -1 : x > y ? 1 : 0);

// what sortKey makes of one character code (lowercase letters and punctuation; digits are handled as runs)
const CODE = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c).toLowerCase();
  CODE[c] = ch >= 'a' && ch <= 'z' ? ch.charCodeAt(0) : RANK.has(ch) ? RANK.get(ch).charCodeAt(0) : c;
}
const isDigit = (c) => c >= 48 && c <= 57;

/** byKey(sortKey(a), sortKey(b)) without making either key: printable-ASCII names only. */
function cmpAscii(a, b) {
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    const x = a.charCodeAt(i), y = b.charCodeAt(j);
    if (isDigit(x) && isDigit(y)) {
      let ei = i, ej = j;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      let zi = i, zj = j;
      while (zi < ei - 1 && a.charCodeAt(zi) === 48) zi++;
      while (zj < ej - 1 && b.charCodeAt(zj) === 48) zj++;
      const li = Math.min(ei - zi, 190), lj = Math.min(ej - zj, 190);
      if (li !== lj) return li < lj ? -1 : 1;
      for (let k = 0; k < ei - zi && k < ej - zj; k++) {
        const d = a.charCodeAt(zi + k) - b.charCodeAt(zj + k);
        if (d) return d < 0 ? -1 : 1;
      }
      if (ei - zi !== ej - zj) return ei - zi < ej - zj ? -1 : 1;
      i = ei;
      j = ej;
      continue;
    }
    const cx = isDigit(x) ? 60 : CODE[x], cy = isDigit(y) ? 60 : CODE[y];
    if (cx !== cy) return cx < cy ? -1 : 1;
    i++;
    j++;
  }
  return i < a.length ? 1 : j < b.length ? -1 : 0;
}

/** Folders first, then names in sortKey order, already (printable-ASCII names only). */
function inOrder(items) {
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1], b = items[i];
    if (a.dir !== b.dir ? !a.dir : cmpAscii(a.name, b.name) > 0) return false;
  }
  return true;
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

/**
 * An up2k upload in progress reserves its name with an empty placeholder and writes into NAME.PARTIAL (.NAME.PARTIAL
 * with --dotpart; spec §2, notes): the pair is shown as one row, marked as still uploading, with the size it will have.
 */
function markPartials(out) {
  if (!out.some((it) => !it.dir && it.name.endsWith('.PARTIAL'))) return out;
  const files = new Map();
  for (const it of out) if (!it.dir) files.set(it.name, it);
  const parts = new Set();
  for (const it of out) {
    if (it.dir || !it.name.endsWith('.PARTIAL')) continue;
    let base = it.name.slice(0, -'.PARTIAL'.length);
    if (!files.has(base) && base.startsWith('.')) base = base.slice(1);
    const holder = files.get(base);
    if (holder && holder !== it && !holder.sz) {
      holder.partial = true;
      holder.sz = it.sz;
      parts.add(it);
    }
  }
  return parts.size ? out.filter((it) => !parts.has(it)) : out;
}

/** Turns ?ls JSON into one array of entries. */
export function entriesOf(ls) {
  const out = [];
  for (const d of ls.dirs || []) {
    const name = unq(d.href.replace(/\/$/, '').split('?')[0]);
    out.push({ name, href: d.href, dir: true, sz: d.sz, ts: d.ts, ext: '', tags: d.tags || {} });
  }
  for (const f of ls.files || []) {
    const name = unq(f.href.split('?')[0]);
    out.push({ name, href: f.href, dir: false, sz: f.sz, ts: f.ts, ext: f.ext === '%' ? '' : (f.ext || extOf(name)), tags: f.tags || {} });
  }
  return markPartials(out);
}

/** Tag columns worth showing: the index's keys except the folder file-count. */
export function tagColumns(ls) {
  return (ls.taglist || []).filter((k) => k !== '.files');
}

function tagText(k, v) {
  if (v === undefined || v === null || v === '') return '';
  if (k === '.up_at') return fmtDate(v);
  if (k === '.dur') return fmtDuration(v);
  if (k === '.bpm' || k === '.q') return String(Math.round(v));
  return String(v);
}

function tagLabel(k) {
  const s = t('col.tag.' + k);
  return s === 'col.tag.' + k ? k.replace(/^\./, '') : s;
}

const ICON_DIR = '<svg class="ico" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h4.2l2 2h8.8A1.5 1.5 0 0 1 21 8.5v9A1.5 1.5 0 0 1 19.5 19h-15A1.5 1.5 0 0 1 3 17.5z"/></svg>';
const ICON_FILE = '<svg class="ico" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 3h8l5 5v12a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1z"/><path class="fold" d="M14 3v5h5"/></svg>';

export class ListingView extends EventTarget {
  constructor(host) {
    super();
    this.host = host;
    this.items = [];
    this.tags = [];
    this.sort = { key: 'name', desc: false };
    this.dirsFirst = true;
    this.grid = false;
    this.thumbs = true;
    this.zoom = 1; // grid card size (shift+A/D)
    this.selectMode = false; // grid: a click on a picture selects instead of opening (S)
    this.sel = new Set(); // names
    this.cursor = -1;
    this.anchor = -1;
    this.cut = new Set(); // names shown dimmed (cut, not yet pasted)
    this.scroller = el('div.lv', { tabindex: '0', role: 'grid', 'aria-label': 'files' });
    this.head = el('div.lv-head', { role: 'row' });
    this.body = el('div.lv-body');
    this.emptyMsg = el('div.lv-empty');
    // the folder's .prologue.html above the list, .epilogue.html and README.md under it (copyparty's places)
    this.pre = el('div.lv-docs.pre');
    this.post = el('div.lv-docs.post');
    this.scroller.append(this.pre, this.head, this.body, this.emptyMsg, this.post);
    host.append(this.scroller);
    this.pending = false;
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.head.addEventListener('click', (e) => this.onHead(e));
    this.body.addEventListener('click', (e) => this.onClick(e));
    this.body.addEventListener('dblclick', (e) => this.onDbl(e));
  }

  /** Shows a folder's entries; keeps sort and view; clears the selection unless keep is set. */
  set(items, tags, keepSel) {
    this.items = items;
    this.tags = tags;
    if (!keepSel) {
      this.sel.clear();
      this.cursor = -1;
      this.anchor = -1;
      this.scroller.scrollTop = 0;
    } else {
      const names = new Set(items.map((i) => i.name));
      for (const n of [...this.sel]) if (!names.has(n)) this.sel.delete(n);
    }
    this.applySort();
    this.renderHead();
    this.render(true);
    this.emit('select');
  }

  setEmptyText(s) { this.emptyMsg.textContent = s; }

  /**
   * The folder's documents from ?ls: logues as sandboxed iframes (their HTML may be anyone's upload: no scripts, no
   * same-origin), the readme as the server's rendering (Markdig, raw HTML off, links allow-listed).
   */
  setDocs(ls) {
    const [pro, epi] = ls.logues || [];
    const logue = (html, id) => el('iframe.logue', { sandbox: '', title: id, srcdoc: html, dataset: { doc: id } });
    this.pre.replaceChildren(...(pro ? [logue(pro, 'prologue')] : []));
    const post = [];
    if (epi) post.push(logue(epi, 'epilogue'));
    if (ls.readme_html) {
      const art = el('article.md.readme', { dataset: { doc: 'readme' } });
      art.innerHTML = ls.readme_html;
      post.push(art);
    }
    this.post.replaceChildren(...post);
  }

  applySort() {
    const { key, desc } = this.sort;
    const d = desc ? -1 : 1;
    const fast = this.items.every((i) => ASCII.test(i.name) && ASCII.test(i.ext));
    // the server sends a folder's entries folders first, by name: then there is nothing to sort (one pass to check,
    // where building 10,000 keys and sorting them took ~50-100 ms of the first page load)
    this.sortSkipped = fast && key === 'name' && !desc && this.dirsFirst && inOrder(this.items);
    if (this.sortSkipped) return;
    if (fast) for (const i of this.items) { i.key ??= sortKey(i.name); i.extKey ??= sortKey(i.ext); }
    const byName = fast ? (a, b) => byKey(a.key, b.key) : (a, b) => collator.compare(a.name, b.name);
    const byExt = fast ? (a, b) => byKey(a.extKey, b.extKey) : (a, b) => collator.compare(a.ext, b.ext);
    let cmp;
    if (key === 'size') cmp = (a, b) => (a.sz - b.sz) * d || byName(a, b);
    else if (key === 'date') cmp = (a, b) => (a.ts - b.ts) * d || byName(a, b);
    else if (key === 'ext') cmp = (a, b) => byExt(a, b) * d || byName(a, b);
    else if (key.startsWith('tag:')) {
      const k = key.slice(4);
      cmp = (a, b) => {
        const x = a.tags[k], y = b.tags[k];
        if (x === y) return byName(a, b);
        if (x === undefined) return 1;
        if (y === undefined) return -1;
        return (typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y))) * d;
      };
    } else cmp = (a, b) => byName(a, b) * d;
    const cur = this.items[this.cursor]?.name;
    this.items.sort(this.dirsFirst ? (a, b) => (b.dir - a.dir) || cmp(a, b) : cmp);
    if (cur !== undefined) this.cursor = this.items.findIndex((i) => i.name === cur);
  }

  setSort(key, desc) {
    this.sort = { key, desc };
    this.applySort();
    this.renderHead();
    this.render(true);
    this.emit('sort');
  }

  columns() {
    return [['name', t('col.name')], ['size', t('col.size')], ['ext', t('col.ext')], ['date', t('col.date')],
      ...this.tags.map((k) => ['tag:' + k, tagLabel(k)])];
  }

  renderHead() {
    this.scroller.classList.toggle('grid', this.grid);
    this.scroller.classList.toggle('selmode', this.grid && this.selectMode);
    const { pic, cw, ch } = cardSize(this.zoom);
    this.scroller.style.setProperty('--card-w', cw - 8 + 'px');
    this.scroller.style.setProperty('--card-h', ch - 8 + 'px');
    this.scroller.style.setProperty('--pic', pic + 'px');
    const cols = this.columns();
    this.scroller.style.setProperty('--cols', '2.2em minmax(12em, 1fr) 7em 5em 10.5em' + ' 8em'.repeat(this.tags.length));
    this.head.innerHTML = '<span class="c-chk"><input type="checkbox" aria-label="' + esc(t('fm.selectall')) + '"></span>' + cols.map(([k, label]) => {
      const on = this.sort.key === k;
      const arrow = on ? (this.sort.desc ? ' ↓' : ' ↑') : '';
      return `<button class="c-${esc(k.replace(':', '-').replace('.', ''))}${on ? ' sorted' : ''}" data-sort="${esc(k)}" role="columnheader" aria-sort="${on ? (this.sort.desc ? 'descending' : 'ascending') : 'none'}">${esc(label)}${arrow}</button>`;
    }).join('');
  }

  onHead(e) {
    if (e.target.matches('input[type=checkbox]')) {
      this.selectAll(e.target.checked);
      return;
    }
    const b = e.target.closest('[data-sort]');
    if (!b) return;
    const k = b.dataset.sort;
    this.setSort(k, this.sort.key === k ? !this.sort.desc : (k === 'size' || k === 'date'));
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.render(false); });
  }

  geometry() {
    if (!this.grid) return { per: 1, rh: ROW_H, rows: this.items.length };
    const w = this.body.clientWidth || this.scroller.clientWidth || 800;
    const { cw, ch } = cardSize(this.zoom);
    const per = Math.max(1, Math.floor(w / cw));
    return { per, rh: ch, cw, rows: Math.ceil(this.items.length / per) };
  }

  /** Draws the rows (or rows of cards) that are on screen. */
  render(force) {
    const g = this.geometry();
    const top = Math.max(0, this.scroller.scrollTop - this.body.offsetTop);
    const h = this.scroller.clientHeight || 800;
    const first = Math.max(0, Math.floor(top / g.rh) - OVERSCAN);
    const last = Math.min(g.rows, Math.ceil((top + h) / g.rh) + OVERSCAN);
    const key = `${first}:${last}:${g.per}:${this.grid}`;
    if (!force && key === this.lastKey) return;
    this.lastKey = key;
    this.body.style.height = g.rows * g.rh + 'px';
    this.emptyMsg.hidden = this.items.length > 0;
    const out = [];
    if (this.grid) {
      for (let r = first; r < last; r++) {
        for (let c = 0; c < g.per; c++) {
          const i = r * g.per + c;
          if (i >= this.items.length) break;
          out.push(this.cardHtml(this.items[i], i, r * g.rh, c * g.cw));
        }
      }
    } else {
      for (let i = first; i < last; i++) out.push(this.rowHtml(this.items[i], i, i * g.rh));
    }
    this.body.innerHTML = out.join('');
    if (this.grid && this.thumbs) {
      for (const img of this.body.querySelectorAll('img')) {
        img.addEventListener('error', () => img.replaceWith(this.iconFor(img.dataset.ext)), { once: true });
      }
    }
    const allBox = this.head.querySelector('input');
    if (allBox) allBox.checked = this.items.length > 0 && this.sel.size === this.items.length;
  }

  iconFor(ext) {
    const s = el('span.bigico');
    s.innerHTML = ICON_FILE + `<span class="icoext">${esc((ext || '').slice(0, 5))}</span>`;
    return s;
  }

  cls(it, i) {
    return (this.sel.has(it.name) ? ' sel' : '') + (i === this.cursor ? ' cur' : '') + (this.cut.has(it.name) ? ' cutting' : '') + (it.dir ? ' dir' : '')
      + (it.partial ? ' partial' : '');
  }

  rowHtml(it, i, y) {
    const checked = this.sel.has(it.name) ? ' checked' : '';
    let s = `<div class="lv-row${this.cls(it, i)}" role="row" data-i="${i}" style="transform:translateY(${y}px)">`
      + `<span class="c-chk"><input type="checkbox" tabindex="-1" aria-label="select"${checked}></span>`
      + `<span class="c-name"><a href="${esc(it.href)}" tabindex="-1">${it.dir ? ICON_DIR : ICON_FILE}<span class="nm">${esc(it.name)}${it.dir ? '/' : ''}</span></a>`
      + (it.partial ? `<span class="upl" title="${esc(t('list.uploading.tip'))}">${esc(t('list.uploading'))}</span>` : '') + '</span>'
      + `<span class="c-size">${it.dir && !it.sz ? '' : fmtSize(it.sz)}</span>`
      + `<span class="c-ext">${it.dir ? t('list.folder') : esc(it.ext)}</span>`
      + `<span class="c-date">${fmtDate(it.ts)}</span>`;
    for (const k of this.tags) s += `<span class="c-tag">${esc(tagText(k, it.tags[k]))}</span>`;
    return s + '</div>';
  }

  cardHtml(it, i, y, x) {
    let pic;
    if (it.dir) pic = `<span class="bigico dir">${ICON_DIR}</span>`;
    else if (this.thumbs) pic = `<img loading="lazy" decoding="async" alt="" data-ext="${esc(it.ext)}" src="${esc(it.href)}${it.href.includes('?') ? '&' : '?'}th">`;
    else pic = `<span class="bigico">${ICON_FILE}<span class="icoext">${esc(it.ext.slice(0, 5))}</span></span>`;
    return `<div class="card${this.cls(it, i)}" data-i="${i}" style="transform:translate(${x}px,${y}px)">`
      + `<a class="pic" href="${esc(it.href)}" tabindex="-1">${pic}</a>`
      + `<label class="cname"><input type="checkbox" tabindex="-1"${this.sel.has(it.name) ? ' checked' : ''}><span title="${esc(it.name)}">${esc(it.name)}</span></label>`
      + (it.partial ? `<span class="upl" title="${esc(t('list.uploading.tip'))}">${esc(t('list.uploading'))}</span>` : '') + '</div>';
  }

  emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  itemAt(e) {
    const r = e.target.closest('[data-i]');
    return r ? +r.dataset.i : -1;
  }

  onClick(e) {
    const i = this.itemAt(e);
    if (i < 0) return;
    const it = this.items[i];
    const link = e.target.closest('a');
    if (link && this.grid && this.selectMode) {
      // select mode (S in the grid): the picture selects, as a tap does in a phone's gallery
      e.preventDefault();
      this.toggle(i, e.shiftKey);
      return;
    }
    if (link && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      // a plain click on a name opens it; folders stay inside the page
      this.cursor = i;
      if (it.dir) {
        e.preventDefault();
        this.emit('open', it);
      } else {
        this.emit('openfile', { item: it, event: e });
      }
      return;
    }
    if (link) e.preventDefault();
    if (e.target.matches('input[type=checkbox]')) {
      this.toggle(i, e.shiftKey);
      return;
    }
    if (e.target.closest('label')) e.preventDefault();
    if (e.shiftKey && this.anchor >= 0) this.range(this.anchor, i, true);
    else if (e.ctrlKey || e.metaKey || this.sel.size > 1 || (this.sel.size === 1 && !this.sel.has(it.name))) {
      if (e.ctrlKey || e.metaKey) this.toggle(i);
      else { this.sel.clear(); this.sel.add(it.name); this.anchor = i; }
    } else this.toggle(i);
    this.cursor = i;
    this.render(true);
    this.emit('select');
  }

  onDbl(e) {
    const i = this.itemAt(e);
    if (i < 0 || e.target.closest('a') || e.target.matches('input')) return;
    this.open(i);
  }

  open(i) {
    const it = this.items[i];
    if (!it) return;
    if (it.dir) this.emit('open', it);
    else this.emit('openfile', { item: it });
  }

  toggle(i, shift) {
    if (shift && this.anchor >= 0) return this.range(this.anchor, i, true);
    const n = this.items[i].name;
    if (this.sel.has(n)) this.sel.delete(n);
    else this.sel.add(n);
    this.anchor = i;
    this.cursor = i;
    this.render(true);
    this.emit('select');
  }

  range(a, b, on) {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    for (let k = lo; k <= hi; k++) {
      if (on) this.sel.add(this.items[k].name);
      else this.sel.delete(this.items[k].name);
    }
    this.render(true);
    this.emit('select');
  }

  selectAll(on) {
    if (on === undefined) on = this.sel.size !== this.items.length;
    this.sel.clear();
    if (on) for (const it of this.items) this.sel.add(it.name);
    this.render(true);
    this.emit('select');
  }

  selectNames(names) {
    this.sel = new Set(names);
    const i = this.items.findIndex((x) => this.sel.has(x.name));
    if (i >= 0) { this.cursor = i; this.scrollTo(i); }
    this.render(true);
    this.emit('select');
  }

  selected() { return this.items.filter((i) => this.sel.has(i.name)); }

  /** Moves the keyboard cursor by delta rows (grid: delta is in cards); shift selects on the way. */
  moveCursor(delta, shift, scrollOnly) {
    if (!this.items.length) return;
    if (scrollOnly) {
      this.scroller.scrollTop += delta * this.geometry().rh;
    }
    const from = this.cursor < 0 ? (delta > 0 ? -1 : this.items.length) : this.cursor;
    const to = Math.max(0, Math.min(this.items.length - 1, from + delta));
    if (shift) {
      if (this.anchor < 0) this.anchor = Math.max(0, from);
      this.sel.clear();
      this.range(this.anchor, to, true);
    } else this.anchor = to;
    this.cursor = to;
    this.scrollTo(to);
    this.render(true);
  }

  toggleCursor() {
    if (this.cursor >= 0) this.toggle(this.cursor);
  }

  scrollTo(i) {
    const g = this.geometry();
    const y = Math.floor(i / g.per) * g.rh + this.body.offsetTop;
    const s = this.scroller;
    const headH = this.grid ? 0 : this.head.offsetHeight;
    if (y - headH < s.scrollTop) s.scrollTop = y - headH;
    else if (y + g.rh > s.scrollTop + s.clientHeight) s.scrollTop = y + g.rh - s.clientHeight;
  }

  gridStep() { return this.geometry().per; }

  setView(grid, thumbs) {
    this.grid = grid;
    this.thumbs = thumbs;
    this.renderHead();
    this.render(true);
  }

  /** Grid card size, one step bigger (+1) or smaller (-1); keeps the cursor's card on screen. */
  zoomBy(step) {
    const i = Math.max(0, Math.min(ZOOMS.length - 1, ZOOMS.indexOf(this.zoom) + step));
    this.setZoom(ZOOMS[i]);
  }

  setZoom(z) {
    this.zoom = ZOOMS.includes(z) ? z : 1;
    this.renderHead();
    this.render(true);
    if (this.cursor >= 0) this.scrollTo(this.cursor);
  }

  setSelectMode(on) {
    this.selectMode = on;
    this.renderHead();
  }
}
