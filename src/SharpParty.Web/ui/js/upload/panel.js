// The upload panel: drop zone and pickers, upload or find-on-server mode, per-file and total progress with speed
// and ETA, the lists (uploaded, already there, failed, busy, waiting), the tab's favicon as a progress ring, and
// the basic (multipart) uploader for browsers or networks where up2k does not work.
import { t } from '../strings.js';
import { el, fmtSize, fmtDuration, store, unq } from '../util.js';
import { Uploader, stateGroup } from './up2k.js';
import { walk } from './drop.js';

const GROUPS = ['all', 'ok', 'done', 'ng', 'busy', 'queued'];
const SHOW_MAX = 100; // rows drawn in the list (redrawn 4 times a second); the counts cover everything

export class Panel {
  constructor(app) {
    this.app = app;
    this.filter = 'all';
    this.mode = 'up';
    const hc = navigator.hardwareConcurrency || 2;
    this.up = new Uploader({
      conns: store.get('conns', 4),
      hashers: store.get('hashers', Math.max(1, Math.min(4, hc))),
      forceJs: new URLSearchParams(location.search).has('jshash'),
    });
    this.up.addEventListener('change', () => this.schedule());
    this.up.addEventListener('idle', () => this.finished());
    this.build();
    window.addEventListener('beforeunload', (e) => {
      if (this.up.busy() && !this.up.jobs.every((j) => j.search)) { e.preventDefault(); e.returnValue = t('up.leave'); }
    });
  }

  build() {
    const seg = (mode, label) => el('button', { type: 'button', class: this.mode === mode ? 'on' : '', dataset: { mode }, onclick: () => this.setMode(mode), text: label });
    this.modeSw = el('div.viewsw', { role: 'group', title: t('up.mode.tip') }, seg('up', t('up.mode.up')), seg('search', t('up.mode.search')));
    this.into = el('span.hint');
    this.picker = el('input', { type: 'file', multiple: true, hidden: true, onchange: () => this.picked(this.picker) });
    this.dirPicker = el('input', { type: 'file', multiple: true, hidden: true, webkitdirectory: true, onchange: () => this.picked(this.dirPicker) });
    this.zone = el('div.dropzone', null,
      el('div', { text: t('up.drop') }),
      el('div.row', null,
        el('button.primary', { type: 'button', onclick: () => this.picker.click(), text: t('up.pick') }),
        el('button', { type: 'button', onclick: () => this.dirPicker.click(), text: t('up.pickdir') })),
      this.picker, this.dirPicker);
    this.insecure = el('div.hint.warn', { text: t('up.insecure'), hidden: true });
    this.resume = el('div.hint', { hidden: true });
    this.summary = el('div.upsum', { text: t('up.idle') });
    this.bar = el('div.bar', null, el('i'));
    this.filters = el('div.upfilter', { role: 'tablist' });
    this.list = el('ul.uplist', { 'aria-live': 'off' });
    this.basic = this.basicForm();
    this.root = el('div.uploader', null,
      el('div.row', null, this.modeSw, this.into),
      this.insecure, this.resume, this.zone, this.summary, this.bar, this.filters, this.list, this.basic);
    this.showResume();
    this.render();
  }

  basicForm() {
    const inp = el('input', { type: 'file', name: 'f', multiple: true });
    const res = el('span.hint');
    const f = el('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        const fd = new FormData();
        fd.append('act', 'bput');
        for (const file of inp.files) fd.append('f', file);
        res.textContent = '…';
        try {
          const r = await fetch(this.app.dir + '?j', { method: 'POST', body: fd, credentials: 'same-origin' });
          const j = await r.json();
          res.textContent = j.status === 'OK' ? t('up.ok') + ': ' + j.files.map((x) => x.fn).join(', ') : (j.error || r.statusText);
        } catch (err) {
          res.textContent = String(err.message);
        }
        inp.value = '';
        this.app.refresh();
      },
    }, inp, el('button', { type: 'submit', text: t('up.basic.send') }), res);
    return el('details.basic', null, el('summary', { text: t('up.basic') }), f);
  }

  shown() {
    this.into.textContent = t('up.into', unq(this.app.dir));
    this.insecure.hidden = this.up.hashKind !== 'js';
  }

  on(type) {
    if (type === 'dirchange') this.shown();
  }

  setMode(mode) {
    this.mode = mode;
    for (const b of this.modeSw.children) b.classList.toggle('on', b.dataset.mode === mode);
  }

  picked(input) {
    const list = [...input.files].map((f) => ({ file: f, rel: f.webkitRelativePath || f.name }));
    input.value = '';
    this.enqueue(list);
  }

  async drop(grabbed) {
    const list = [...grabbed.files, ...await walk(grabbed.entries)];
    this.enqueue(list);
  }

  enqueue(list) {
    if (!list.length) return;
    const search = this.mode === 'search';
    if (!search && !this.app.can('write')) {
      this.summary.textContent = t('up.nowrite');
      return;
    }
    const jobs = this.up.add(list, this.app.dir, search);
    if (!search) this.remember(jobs);
    this.shown();
  }

  /** Unfinished uploads are noted in localStorage, so after a reload the page can say what to drop again. */
  remember(jobs) {
    const pending = store.get('up-pending', []);
    const same = (p, j) => p.rel === j.rel && p.size === j.size && p.dir === j.dir;
    for (const j of jobs) if (!pending.some((p) => same(p, j))) pending.push({ rel: j.rel, size: j.size, dir: j.dir });
    store.set('up-pending', pending.slice(-500));
  }

  /** Drops finished files from the note, all at once (one localStorage write, not one per file). */
  forget(jobs) {
    if (!jobs.length) return;
    const gone = new Set(jobs.map((j) => j.dir + '\n' + j.rel + '\n' + j.size));
    const pending = store.get('up-pending', []);
    const rest = pending.filter((p) => !gone.has(p.dir + '\n' + p.rel + '\n' + p.size));
    if (rest.length !== pending.length) store.set('up-pending', rest);
  }

  showResume() {
    const pending = store.get('up-pending', []);
    this.resume.hidden = !pending.length;
    if (!pending.length) return;
    const names = pending.slice(0, 5).map((p) => unq(p.dir) + p.rel.split('/').pop()).join(', ') + (pending.length > 5 ? ', …' : '');
    this.resume.replaceChildren(el('span', { text: t('up.resume', names) + ' ' }),
      el('button.quiet', { type: 'button', text: t('up.forget'), onclick: () => { store.del('up-pending'); this.showResume(); } }));
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    // one redraw per 250 ms at most (per second with hundreds of files: each redraw walks them all), in an animation
    // frame: 2,000 small files finish faster than anyone reads. A hidden tab gets no frames, but its favicon still
    // shows the progress: a plain timer there.
    const every = this.up.jobs.length > 200 ? 1000 : 250;
    const wait = Math.max(0, every - (performance.now() - (this.drawn || 0)));
    setTimeout(() => {
      const draw = () => { this.pending = false; this.drawn = performance.now(); this.render(); };
      if (document.hidden) draw();
      else requestAnimationFrame(draw);
    }, wait);
  }

  finished() {
    this.render();
    if (this.up.jobs.some((j) => !j.search)) this.app.refresh();
  }

  render() {
    const up = this.up;
    const counts = Object.fromEntries(GROUPS.map((g) => [g, 0]));
    const finished = [];
    for (const j of up.jobs) {
      counts.all++;
      counts[stateGroup(j)]++;
      if ((j.state === 'ok' || j.state === 'done') && !j.search && !j.forgotten) { j.forgotten = true; finished.push(j); }
    }
    this.forget(finished);
    if (finished.length || !this.resume.hidden) this.showResume();
    const tot = up.totals();
    const now = performance.now();
    // speed over the last few seconds (bytes confirmed + in flight)
    this.samples ??= [];
    this.samples.push([now, tot.bytesDone]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    const [t0, b0] = this.samples[0];
    const speed = now - t0 > 300 ? ((tot.bytesDone - b0) * 1000) / (now - t0) : 0;
    const left = speed > 0 ? (tot.bytes - tot.bytesDone) / speed : NaN;
    if (tot.files) {
      this.summary.textContent = t('up.total', tot.filesDone, tot.files, fmtSize(tot.bytesDone), fmtSize(tot.bytes), fmtSize(speed), up.busy() ? fmtDuration(left) : '0:00');
    }
    const pct = tot.bytes ? (100 * tot.bytesDone) / tot.bytes : tot.files && tot.filesDone === tot.files ? 100 : 0;
    this.bar.firstChild.style.width = pct.toFixed(1) + '%';
    this.root.dataset.state = up.busy() ? 'busy' : tot.files ? 'idle' : 'empty';
    this.favicon(up.busy() ? pct : null);
    this.filters.replaceChildren(...GROUPS.map((g) => el('button', {
      type: 'button', role: 'tab', class: this.filter === g ? 'on' : '', dataset: { g },
      onclick: () => { this.filter = g; this.render(); },
    }, t('up.' + g), el('span.n', { text: String(counts[g]) }))),
    el('button.quiet', { type: 'button', text: t('up.clear'), onclick: () => up.clearFinished() }));
    const rows = [];
    for (const j of up.jobs) {
      if (this.filter !== 'all' && stateGroup(j) !== this.filter) continue;
      if (rows.length >= SHOW_MAX) break;
      rows.push(this.row(j));
    }
    this.list.replaceChildren(...rows);
  }

  row(j) {
    let st;
    let pct = 0;
    if (j.state === 'queued') st = t('up.waiting');
    else if (j.state === 'hashing') { pct = j.size ? (100 * j.hashed) / j.size : 0; st = t('up.hashing', Math.floor(pct)); }
    else if (j.state === 'handshake') st = t('up.handshake');
    else if (j.state === 'uploading' || j.state === 'busy-wait') {
      let inflight = 0;
      for (const v of j.inflight.values()) inflight += v;
      pct = j.size ? (100 * Math.min(j.size, j.sent + inflight)) / j.size : 100;
      st = j.err || t('up.sending', Math.floor(pct));
    } else if (j.state === 'ok') { st = t('up.ok'); pct = 100; }
    else if (j.state === 'done') { st = j.search ? (j.hits.length ? t('up.found', j.hits.length) : t('up.notfound')) : t('up.done'); pct = 100; }
    else st = j.err || t('up.ng');
    const name = el('span.nm', { title: j.rel }, j.state === 'ok' || (j.state === 'done' && !j.search)
      ? el('a', { href: j.dir + encodeURIComponent(j.srvName || j.name), text: j.rel })
      : j.rel);
    const li = el('li.' + stateGroup(j), { dataset: { state: j.state } }, name, el('span.st', { text: st, title: st }), el('div.bar', null, el('i', { style: `width:${pct.toFixed(1)}%` })));
    if (j.search && j.hits?.length) {
      li.append(el('div.hits', { style: 'grid-column: 1 / -1' }, j.hits.slice(0, 10).map((h) => el('div', null, el('a', { href: '/' + h.rp, text: '/' + unq(h.rp) })))));
    }
    return li;
  }

  /** The tab's icon shows upload progress as a ring (the title bar is what one watches while waiting). */
  favicon(pct) {
    const link = document.querySelector('link[rel=icon]') || document.head.appendChild(el('link', { rel: 'icon' }));
    this.origIcon ??= link.href;
    if (pct === null) {
      if (this.iconPct !== null && this.iconPct !== undefined) link.href = this.origIcon;
      this.iconPct = null;
      return;
    }
    const p = Math.floor(pct);
    if (p === this.iconPct) return;
    this.iconPct = p;
    const c = document.createElement('canvas');
    c.width = c.height = 32;
    const g = c.getContext('2d');
    g.lineWidth = 6;
    g.strokeStyle = '#8888';
    g.beginPath(); g.arc(16, 16, 12, 0, 2 * Math.PI); g.stroke();
    g.strokeStyle = '#1f6feb';
    g.beginPath(); g.arc(16, 16, 12, -Math.PI / 2, -Math.PI / 2 + (2 * Math.PI * p) / 100); g.stroke();
    link.href = c.toDataURL('image/png');
  }
}
