// The search panel: plain fields that become one query in the server's language (spec §1.14), or a raw query.
import { api } from './api.js';
import { t } from './strings.js';
import { el, fmtDate, fmtSize, unq } from './util.js';

const quote = (v) => '"' + v.replace(/"/g, '') + '"';

/** The fields as a query: "name like *x* and size >= 1 and …" */
export function buildQuery(f) {
  const terms = [];
  if (f.name) terms.push('name like ' + quote('*' + f.name + '*'));
  if (f.path) terms.push('path like ' + quote('*' + f.path + '*'));
  if (f.sizemin) terms.push('size >= ' + Number(f.sizemin));
  if (f.sizemax) terms.push('size <= ' + Number(f.sizemax));
  if (f.after) terms.push('date >= ' + quote(f.after));
  if (f.before) terms.push('date <= ' + quote(f.before));
  if (f.tags) terms.push('tags like ' + quote('*' + f.tags + '*'));
  if (f.raw) terms.push('( ' + f.raw + ' )');
  return terms.join(' and ');
}

export class Panel {
  constructor(app) {
    this.app = app;
    const field = (key, type = 'text', attrs = {}) => {
      const inp = el('input', { type, name: key, id: 'srch-' + key, ...attrs });
      return [el('label', { for: 'srch-' + key, text: t('srch.' + key) }), inp];
    };
    this.form = el('form.form-grid', { onsubmit: (e) => { e.preventDefault(); this.run(); } },
      field('name', 'text', { autocomplete: 'off' }), field('path'),
      field('sizemin', 'number', { min: 0, step: 'any' }), field('sizemax', 'number', { min: 0, step: 'any' }),
      field('after', 'date'), field('before', 'date'), field('tags'),
      field('raw', 'text', { placeholder: t('srch.raw.tip') }),
      el('span'), el('div.row', null, el('button.primary', { type: 'submit', text: t('srch.go') }), this.info = el('span.hint')));
    this.results = el('div.results-host');
    this.root = el('div.search', null, this.form, this.results);
    let timer = 0;
    // results as one types, after a pause (the server rate-limits slow searches)
    this.form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => this.run(true), 600); });
  }

  shown() { this.form.querySelector('input').focus(); }

  async run(quiet) {
    const f = Object.fromEntries(new FormData(this.form));
    const query = buildQuery(f);
    if (!query) { this.results.replaceChildren(); this.info.textContent = ''; return; }
    const seq = (this.seq = (this.seq || 0) + 1);
    let r;
    try {
      r = await api.search(query, 1000);
    } catch (e) {
      if (seq !== this.seq) return;
      if (!quiet || e.status !== 429) this.info.textContent = e.status === 404 || /index/i.test(e.message) ? t('srch.noindex') : e.message;
      return;
    }
    if (seq !== this.seq) return;
    const hits = r.hits || [];
    this.info.textContent = hits.length ? t(r.trunc ? 'srch.trunc' : 'srch.hits', hits.length) : t('srch.none');
    const rows = hits.map((h) => {
      const rp = '/' + h.rp;
      const slash = rp.lastIndexOf('/');
      const dir = rp.slice(0, slash + 1);
      return el('tr', null,
        el('td', null, el('a', { href: rp, text: unq(rp.slice(slash + 1).split('?')[0]) })),
        el('td', null, el('a.dir', { href: dir, text: unq(dir), onclick: (e) => { e.preventDefault(); this.app.go(dir); } })),
        el('td.num', { text: fmtSize(h.sz) }), el('td', { text: fmtDate(h.ts) }));
    });
    this.results.replaceChildren(hits.length ? el('table.results', null,
      el('thead', null, el('tr', null, ['col.name', 'srch.path', 'col.size', 'col.date'].map((k) => el('th', { text: t(k).replace(' contains', '') })))),
      el('tbody', null, rows)) : '');
  }
}
