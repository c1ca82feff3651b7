// The web UI's entry point. The server's HTML page works without JavaScript; this module takes it over: a
// single-page browser (history, breadcrumbs, folder tree, virtual listing), the file manager, and the panels
// (upload, search, my uploads, settings) loaded when first opened.
import { api } from './api.js';
import { t } from './strings.js';
import { el, fmtSize, q, segments, store } from './util.js';
import { ListingView, entriesOf, tagColumns } from './browse.js';
import { TreePane } from './tree.js';
import * as fm from './fileops.js';
import { askPassword, show, toast } from './dialog.js';
import { grabDrop } from './upload/drop.js';
import { installMediaViewers } from '../media/index.js';

const SVG = {
  tree: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 6h16M4 12h16M4 18h16"/></svg>',
};

class App {
  constructor() {
    this.dir = decodeURI(location.pathname).endsWith('/') ? location.pathname : location.pathname + '/';
    this.ls = null;
    this.perms = [];
    this.user = '*';
    this.srvName = 'home';
    this.panel = null;
    this.panels = {};
    this.loadSeq = 0;
  }

  start() {
    this.srvName = document.body.dataset.srv || 'home';
    applyTheme();
    this.build();
    this.view.sort = store.get('sort', { key: 'name', desc: false });
    this.view.dirsFirst = store.get('dirsfirst', true);
    this.view.zoom = store.get('gridzoom', 1);
    this.view.setView(store.get('grid', false), store.get('thumbs', true));
    this.setNavWidth(store.get('navw', 16), true);
    this.tree.dots = this.view.dots = store.get('dots', false);
    // on a phone the tree covers the listing: it starts closed there, and closes when the window gets narrow
    const narrow = matchMedia('(max-width: 700px)');
    this.setNavpane(!narrow.matches && store.get('navpane', true), true);
    narrow.addEventListener('change', () => { if (narrow.matches) this.setNavpane(false, true); });
    this.narrow = narrow;
    window.addEventListener('popstate', () => this.go(location.pathname, false));
    document.addEventListener('keydown', (e) => this.onKey(e));
    window.addEventListener('sp-clip', () => this.updateToolbar());
    this.go(this.dir, false, true, firstListing);
    const tab = new URLSearchParams(location.search).get('tab');
    if (tab) this.openPanel(tab);
    // the uploader takes drops anywhere on the page
    let dragDepth = 0;
    document.addEventListener('dragenter', (e) => {
      if (!e.dataTransfer?.types?.includes('Files')) return;
      dragDepth++;
      document.documentElement.classList.add('dragging');
      if (this.panel !== 'upload' && this.can('write')) this.openPanel('upload');
    });
    document.addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; document.documentElement.classList.remove('dragging'); } });
    document.addEventListener('dragover', (e) => { if (e.dataTransfer?.types?.includes('Files')) e.preventDefault(); });
    document.addEventListener('drop', async (e) => {
      dragDepth = 0;
      document.documentElement.classList.remove('dragging');
      if (!e.dataTransfer?.types?.includes('Files')) return;
      e.preventDefault();
      // the drop's contents must be read before anything is awaited: the browser empties them after this handler
      const grabbed = grabDrop(e.dataTransfer);
      const up = await this.openPanel('upload');
      up.drop(grabbed);
    });
  }

  can(p) { return this.perms.includes(p); }

  build() {
    // the server's no-JavaScript stylesheet gives way to ours in the same frame as the page is replaced
    for (const l of document.querySelectorAll('link[rel=stylesheet]')) if (l.href.endsWith('/browser.css')) l.disabled = true;
    const b = (cls, label, on, title, extra) => el('button.' + cls, { type: 'button', onclick: on, title, ...extra }, label);
    this.crumbs = el('nav.crumbs', { 'aria-label': 'path' });
    this.tabBtns = {};
    const tabs = el('div.tabs', { role: 'tablist' }, ['upload', 'search', 'unpost', 'settings'].map((k) => {
      const x = b('tab', t('tab.' + k), () => this.openPanel(this.panel === k ? null : k), undefined, { role: 'tab', 'aria-selected': 'false', dataset: { tab: k } });
      this.tabBtns[k] = x;
      return x;
    }));
    this.who = el('div.who');
    const treeBtn = el('button.treebtn', { type: 'button', title: t('top.tree.tip'), 'aria-label': t('top.tree'), onclick: () => this.setNavpane(!this.navOpen) });
    treeBtn.innerHTML = SVG.tree;
    const top = el('header.topbar', null, treeBtn, this.crumbs, tabs, this.who);
    this.nav = el('aside.navpane', { 'aria-label': t('top.tree') });
    this.panelHost = el('section.panel', { hidden: true });
    this.toolbar = el('div.toolbar', { role: 'toolbar' });
    this.listHost = el('div.listing');
    this.status = el('footer.status');
    const main = el('main.main', null, this.panelHost, this.toolbar, this.listHost, this.status);
    this.root = el('div.app', null, top, el('div.layout', null, this.nav, main));
    // the server's page may still be arriving (the module is async): ours goes in front, theirs is hidden by CSS
    // and removed once parsed
    document.body.prepend(this.root);
    document.body.classList.add('sp');
    const dropServerPage = () => { for (const n of [...document.body.children]) if (n !== this.root && !n.matches('dialog, .toasts')) n.remove(); };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', dropServerPage);
    else dropServerPage();
    this.view = new ListingView(this.listHost);
    this.tree = new TreePane(this.nav, (url) => {
      if (this.narrow?.matches) this.setNavpane(false, true);
      this.go(url);
    });
    this.view.addEventListener('open', (e) => this.go(this.dir + e.detail.href.split('?')[0]));
    this.view.addEventListener('openfile', (e) => this.openFile(e.detail));
    this.view.addEventListener('select', () => this.updateToolbar());
    this.view.addEventListener('sort', () => store.set('sort', this.view.sort));
    this.crumbs.addEventListener('click', (e) => {
      const a = e.target.closest('a');
      if (a && !e.ctrlKey && !e.metaKey) { e.preventDefault(); this.go(a.getAttribute('href')); }
    });
  }

  /** The tree's width in em (A/D, or drag its edge). */
  setNavWidth(em, quiet) {
    this.navW = Math.max(8, Math.min(48, em));
    this.nav.style.width = this.navW + 'em';
    if (!quiet) store.set('navw', this.navW);
  }

  setNavpane(on, auto) {
    this.navOpen = on;
    this.root.classList.toggle('nav-open', on);
    if (!auto) store.set('navpane', on);
    if (on && this.ls) this.tree.show(this.dir);
  }

  /** Opens the folder at url (absolute path); push adds a history entry. */
  async go(url, push = true, first = false, early = null) {
    if (!url.endsWith('/')) url += '/';
    const seq = ++this.loadSeq;
    this.root.classList.add('loading');
    let ls;
    try {
      ls = await (early ?? api.ls(url, this.view.dots));
    } catch (e) {
      this.root.classList.remove('loading');
      if (e.status === 403 || e.status === 404 || e.status === 401) this.showError(url, e);
      else toast(t('list.error', e.message), 'err');
      return;
    }
    if (seq !== this.loadSeq) return;
    const changed = url !== this.dir;
    this.dir = url;
    if (push && (changed || first)) history.pushState(null, '', url);
    this.root.classList.remove('loading');
    this.show(ls, !changed && !first);
    if (this.navOpen) this.tree.show(url);
    if (changed || first) document.title = segments(url).pop() || this.srvName;
    this.dispatch('dirchange');
  }

  showError(url, e) {
    this.dir = url;
    this.ls = null;
    this.perms = [];
    this.renderCrumbs();
    this.view.set([], [], false);
    this.view.setEmptyText(t('list.error', e.message));
    this.updateToolbar();
    this.renderWho();
  }

  show(ls, keepSel, selectNames) {
    this.ls = ls;
    this.perms = ls.perms || [];
    this.user = ls.acct || '*';
    this.renderCrumbs();
    this.renderWho();
    this.view.set(entriesOf(ls), tagColumns(ls), keepSel);
    this.view.setDocs(ls);
    const noRead = !this.can('read');
    this.view.setEmptyText(noRead ? t('list.noread') : this.can('write') ? t('list.emptyup') : t('list.empty'));
    if (selectNames) this.view.selectNames(selectNames);
    const clip = fm.clipboard.get();
    this.view.cut = clip && clip.mode === 'cut' && clip.dir === this.dir ? new Set(clip.items.map((i) => i.name)) : new Set();
    this.view.render(true);
    this.updateToolbar();
    if (!this.root.dataset.ready) performance.mark('sp-ready');
    this.root.dataset.ready = '1';
  }

  /** Reloads the open folder, keeping the selection (or selecting names). */
  async refresh(selectNames) {
    try {
      const ls = await api.ls(this.dir, this.view.dots);
      this.show(ls, true, selectNames);
      if (this.navOpen) this.tree.show(this.dir);
    } catch (e) {
      toast(t('list.error', e.message), 'err');
    }
  }

  renderCrumbs() {
    const segs = segments(this.dir);
    const parts = [el('a.home', { href: '/', text: this.srvName })];
    let acc = '/';
    for (const s of segs) {
      acc += q(s) + '/';
      parts.push(el('span.sep', { text: '/', 'aria-hidden': 'true' }), el('a', { href: acc, text: s }));
    }
    parts[parts.length - 1].setAttribute('aria-current', 'page');
    this.crumbs.replaceChildren(...parts);
  }

  renderWho() {
    if (this.user === '*') {
      this.who.replaceChildren(el('button.login', { type: 'button', onclick: () => this.login(), text: t('top.login') }));
    } else {
      // the name opens the control panel (/?h): volumes and letters, and for admins scan, relay and reload
      this.who.replaceChildren(el('a.user', { href: '/?h', text: this.user, title: t('top.user', this.user) }),
        el('button.logout', { type: 'button', onclick: () => this.logout(), text: t('top.logout') }));
    }
    this.tabBtns.upload.hidden = !this.can('write');
  }

  async login() {
    const pw = await askPassword();
    if (pw === null) return;
    const before = this.user;
    try {
      await api.login(this.dir, pw);
    } catch (e) {
      // the server answers a wrong password with 403 (and a strike towards --ban-pw)
      toast(e.status === 403 ? t('login.bad') : e.message, 'err');
      return;
    }
    await this.refresh();
    if (this.user === '*' || this.user === before) toast(t('login.bad'), 'err');
  }

  async logout() {
    try { await api.logout(this.dir); } catch { /* the cookie is dropped anyway */ }
    // cookies set on the server's reply: re-read the folder as whoever we are now
    await this.go(this.dir, false);
  }

  openFile({ item, event }) {
    // the media helper's viewers (gallery, player, markdown) plug in here: cancel the event to take over
    const ev = new CustomEvent('sp-openfile', { cancelable: true, detail: { item, dir: this.dir, app: this } });
    if (!window.dispatchEvent(ev)) event?.preventDefault();
    else if (!event) location.href = this.dir + item.href; // from the keyboard: open it as the link would
  }

  /** The buttons above the listing follow the selection and the permissions. */
  updateToolbar() {
    const sel = this.view.selected();
    const n = sel.length;
    const clip = fm.clipboard.get();
    const B = (label, fn, opts = {}) => el('button', { type: 'button', onclick: fn, title: opts.title, disabled: opts.off, class: opts.cls }, label);
    const left = [];
    if (this.can('write')) {
      left.push(B(t('fm.newfolder'), () => fm.mkdir(this)), B(t('fm.newfile'), () => fm.newDoc(this)),
        B(t('fm.msg'), () => fm.message(this), { cls: 'quiet', title: t('fm.msg.tip') }));
    }
    if (clip && clip.items?.length && this.can('write')) {
      left.push(B(t('fm.paste', clip.items.length), () => fm.paste(this), { cls: 'paste', title: t('fm.paste.tip', clip.items.length) }));
    }
    const mid = [];
    if (n) {
      const size = sel.reduce((s, i) => s + (i.sz || 0), 0);
      mid.push(el('span.selinfo', { text: t('list.selected', n, fmtSize(size)) }));
      const fmt = store.get('arc', 'zip').split('=')[0];
      if (this.can('read')) mid.push(B(t('fm.download'), () => fm.download(this), { title: t('fm.download.tip', fmt) }));
      if (this.can('move')) mid.push(B(t('fm.cut'), () => fm.cut(this)));
      if (this.can('read')) mid.push(B(t('fm.copy'), () => fm.cut(this, true)));
      if (this.can('move')) mid.push(B(t('fm.rename'), () => fm.rename(this)));
      if (this.can('delete')) mid.push(B(t('fm.delete'), () => fm.remove(this), { cls: 'danger' }));
      mid.push(B(t('fm.clear'), () => this.view.selectAll(false), { cls: 'quiet' }));
    }
    const view = el('div.viewsw', { role: 'group', title: t('view.tip') },
      B(t('view.list'), () => this.setView(false), { cls: this.view.grid ? '' : 'on' }),
      B(t('view.grid'), () => this.setView(true), { cls: this.view.grid ? 'on' : '' }));
    const selMode = this.view.grid && B(t('view.select'), () => { this.view.setSelectMode(!this.view.selectMode); this.updateToolbar(); },
      { cls: 'selmode' + (this.view.selectMode ? ' on' : ''), title: t('view.select.tip') });
    this.toolbar.replaceChildren(el('div.tb-left', null, left), el('div.tb-mid', null, mid), el('div.tb-right', null, selMode, view));
    // the status line: what is here, or what is selected
    if (this.ls) {
      const items = this.view.items;
      const dirs = items.filter((i) => i.dir).length;
      const bytes = items.reduce((s, i) => s + (i.dir ? 0 : i.sz || 0), 0);
      const info = el('span.srvinf');
      info.innerHTML = this.ls.srvinf ? '<span>' + this.ls.srvinf + '</span>' : '';
      this.status.replaceChildren(el('span', { text: t('list.summary', dirs, items.length - dirs, fmtSize(bytes)) }), info);
    } else this.status.replaceChildren();
  }

  setView(grid, thumbs = this.view.thumbs) {
    store.set('grid', grid);
    store.set('thumbs', thumbs);
    this.view.setView(grid, thumbs);
    this.updateToolbar();
  }

  /** Opens a panel (upload, search, unpost, settings) above the listing, or closes it (null). */
  async openPanel(name) {
    for (const [k, btn] of Object.entries(this.tabBtns)) {
      btn.classList.toggle('on', k === name);
      btn.setAttribute('aria-selected', String(k === name));
    }
    this.panel = name;
    if (!name) {
      this.panelHost.hidden = true;
      this.view.scroller.focus();
      return null;
    }
    let p = this.panels[name];
    if (!p) {
      const mod = await import(`./${name === 'upload' ? 'upload/panel' : name}.js`);
      p = this.panels[name] = new mod.Panel(this);
    }
    if (this.panel !== name) return p;
    this.panelHost.replaceChildren(p.root);
    this.panelHost.hidden = false;
    this.panelHost.dataset.panel = name;
    p.shown?.();
    return p;
  }

  dispatch(type) {
    for (const p of Object.values(this.panels)) p.on?.(type);
  }

  onKey(e) {
    const tgt = e.target;
    if (tgt.closest?.('input, textarea, select, [contenteditable], dialog')) {
      if (e.key === 'Escape' && tgt.closest('.panel') && !tgt.closest('dialog')) tgt.blur();
      return;
    }
    if (document.querySelector('dialog[open]')) return;
    const k = e.key;
    const ctrl = e.ctrlKey || e.metaKey;
    const v = this.view;
    const step = v.grid ? v.gridStep() : 1;
    let done = true;
    if (k === 'ArrowDown') v.moveCursor(step, e.shiftKey, ctrl);
    else if (k === 'ArrowUp') v.moveCursor(-step, e.shiftKey, ctrl);
    else if (k === 'ArrowRight' && v.grid) v.moveCursor(1, e.shiftKey);
    else if (k === 'ArrowLeft' && v.grid) v.moveCursor(-1, e.shiftKey);
    else if (k === 'PageDown') v.moveCursor(Math.floor(v.scroller.clientHeight / v.geometry().rh) * step, e.shiftKey);
    else if (k === 'PageUp') v.moveCursor(-Math.floor(v.scroller.clientHeight / v.geometry().rh) * step, e.shiftKey);
    else if (k === 'Home' && !ctrl) v.moveCursor(-v.items.length, e.shiftKey);
    else if (k === 'End' && !ctrl) v.moveCursor(v.items.length, e.shiftKey);
    else if (k === ' ') v.toggleCursor();
    else if (k === 'Enter') v.open(v.cursor);
    else if (ctrl && k.toLowerCase() === 'a') v.selectAll();
    else if (ctrl && k.toLowerCase() === 'x') fm.cut(this);
    else if (ctrl && k.toLowerCase() === 'c' && !String(window.getSelection())) fm.cut(this, true);
    else if (ctrl && k.toLowerCase() === 'v') fm.paste(this);
    else if ((ctrl && k.toLowerCase() === 'k') || k === 'Delete') fm.remove(this);
    else if (k === 'F2') fm.rename(this);
    else if (ctrl || e.altKey) done = false;
    else if (k === 'Escape') {
      if (this.panel) this.openPanel(null);
      else v.selectAll(false);
    } else if (k === 'Backspace' || k === 'm' || k === 'M') this.up();
    else if (k === 'b' || k === 'B') this.setNavpane(!this.navOpen);
    // copyparty's keys: shift+A/D zooms the grid; A/D (navpane open) makes the tree narrower or wider
    else if (v.grid && e.shiftKey && (k === 'A' || k === 'D')) { v.zoomBy(k === 'D' ? 1 : -1); store.set('gridzoom', v.zoom); }
    else if (this.navOpen && (k === 'a' || k === 'd')) this.setNavWidth(this.navW + (k === 'd' ? 2 : -2));
    else if (v.grid && (k === 's' || k === 'S')) { v.setSelectMode(!v.selectMode); this.updateToolbar(); }
    else if (k === 'g' || k === 'G') this.setView(!v.grid);
    else if (k === 't' || k === 'T') this.setView(v.grid, !v.thumbs);
    else if (k === 'i' || k === 'I' || k === 'k' || k === 'K') this.sibling(k.toLowerCase() === 'i' ? -1 : 1);
    else if (k === 'y' || k === 'Y') fm.download(this);
    else if (k === 'u' || k === 'U') { if (this.can('write')) this.openPanel('upload'); }
    else if (k === '/') this.openPanel('search');
    else if (k === '?') this.help();
    else done = false;
    if (done) e.preventDefault();
  }

  up() {
    const segs = this.dir.split('/').filter(Boolean);
    if (!segs.length) return;
    const child = segs.pop();
    const parent = '/' + segs.map((s) => s + '/').join('');
    this.go(parent).then(() => this.view.selectNames([decodeURIComponent(child)]));
  }

  async sibling(delta) {
    const segs = this.dir.split('/').filter(Boolean);
    if (!segs.length) return;
    const me = decodeURIComponent(segs.pop());
    const parent = '/' + segs.map((s) => s + '/').join('');
    let names;
    try { names = await api.subdirs(parent, this.view.dots); } catch { return; }
    const i = names.indexOf(me);
    const next = names[i + delta];
    if (i >= 0 && next !== undefined) this.go(parent + q(next) + '/');
  }

  help() {
    const rows = t('help.keys').map(([key, what]) => el('tr', null, el('th', null, el('kbd', { text: key })), el('td', { text: what })));
    show(t('help.title'), el('table.keys', null, el('tbody', null, rows)));
  }
}

export function applyTheme() {
  const th = store.get('theme', 'auto');
  if (th === 'auto') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.dataset.theme = th;
}

function loadCss() {
  const href = new URL('../css/app.css', import.meta.url).href;
  if (![...document.querySelectorAll('link[rel=stylesheet]')].some((l) => l.href === href)) {
    document.head.append(el('link', { rel: 'stylesheet', href }));
  }
}

/**
 * The server puts the folder's ?ls JSON into its page (script#ls0, before this module's script element, so already
 * parsed): the first listing needs no second request. It is used once, and only if it was made with the same
 * dotfile setting as ours.
 */
function embeddedListing(dots) {
  const s = document.getElementById('ls0');
  if (!s) return null;
  s.remove(); // the text is not needed again (it can be a megabyte)
  if ((s.dataset.dots === '1') !== dots) return null;
  try { return JSON.parse(s.textContent); } catch { return null; }
}

performance.mark('sp-start');
const here = location.pathname.endsWith('/') ? location.pathname : location.pathname + '/';
const dots = store.get('dots', false);
const embedded = embeddedListing(dots);
const firstListing = embedded ? Promise.resolve(embedded) : api.ls(here, dots);
firstListing.catch(() => { /* go() reports it */ });
loadCss();
// the gallery, players and markdown viewer take over opening the files they know (see ../media/index.js)
installMediaViewers();
const app = new App();
window.sp = app; // for the media viewers and for tests
if (document.body) app.start();
else document.addEventListener('DOMContentLoaded', () => app.start());
