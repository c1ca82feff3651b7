// Settings, kept in this browser (localStorage): theme, archive format, uploader parallelism, sort, views.
import { t } from './strings.js';
import { el, store } from './util.js';
import { applyTheme } from './app.js';

export class Panel {
  constructor(app) {
    this.app = app;
    const sel = (key, dflt, opts, onchange) => {
      const s = el('select', { id: 'set-' + key, onchange: () => { store.set(key, isNaN(+s.value) || s.value === '' ? s.value : +s.value); onchange?.(); } },
        opts.map(([v, label]) => el('option', { value: String(v), text: label })));
      s.value = String(store.get(key, dflt));
      return [el('label', { for: 'set-' + key, text: t('set.' + key) }), s];
    };
    const chk = (key, dflt, onchange) => {
      const c = el('input', { type: 'checkbox', id: 'set-' + key, onchange: () => { store.set(key, c.checked); onchange?.(c.checked); } });
      c.checked = store.get(key, dflt);
      return [el('label', { for: 'set-' + key, text: t('set.' + key) }), el('div', null, c)];
    };
    const hc = navigator.hardwareConcurrency || 2;
    const up = () => app.panels.upload?.up;
    this.root = el('div.settings.form-grid', null,
      sel('theme', 'auto', [['auto', t('set.theme.auto')], ['light', t('set.theme.light')], ['dark', t('set.theme.dark')]], applyTheme),
      sel('arc', 'zip', [['zip', 'zip'], ['zip=utf8', 'zip (utf-8 names)'], ['tar', 'tar'], ['tar=gz', 'tar.gz'], ['tar=xz', 'tar.xz']], () => app.updateToolbar()),
      sel('conns', 4, [1, 2, 3, 4, 6, 8, 12, 16].map((n) => [n, String(n)]), () => { if (up()) up().conns = store.get('conns', 4); }),
      sel('hashers', Math.max(1, Math.min(4, hc)), [1, 2, 3, 4, 6, 8].map((n) => [n, String(n)])),
      sel('sortkey', 'name', [['name', t('col.name')], ['size', t('col.size')], ['date', t('col.date')], ['ext', t('col.ext')]], () => {
        const k = store.get('sortkey', 'name');
        app.view.setSort(k, k === 'size' || k === 'date');
      }),
      chk('dirsfirst', true, (on) => { app.view.dirsFirst = on; app.view.applySort(); app.view.render(true); }),
      chk('dots', false, (on) => { app.view.dots = app.tree.dots = on; app.refresh(); }),
      chk('navpane', window.innerWidth > 800, (on) => app.setNavpane(on)),
      chk('grid', false, (on) => app.setView(on)),
      el('span'), el('div', null, el('button', { type: 'button', text: t('set.reset'), onclick: () => { localStorage.clear(); location.reload(); } })));
  }
}
