// "My uploads": what this address uploaded recently (and unfinished uploads), which the uploader may delete for a
// while without delete permission (copyparty's unpost, spec §1.7).
import { api } from './api.js';
import { t } from './strings.js';
import { el, fmtDate, fmtSize, unq } from './util.js';
import { confirmBox, toast } from './dialog.js';

export class Panel {
  constructor(app) {
    this.app = app;
    this.filter = el('input', { type: 'text', placeholder: t('unp.filter'), oninput: () => this.load() });
    this.list = el('div');
    this.root = el('div.unpost', null,
      el('p.hint', { text: t('unp.intro') }),
      el('div.row', null, this.filter, el('button', { type: 'button', text: t('unp.refresh'), onclick: () => this.load() })),
      this.list);
  }

  shown() { this.load(); }

  async load() {
    let r;
    try {
      r = await api.ups(this.filter.value);
    } catch (e) {
      this.list.replaceChildren(el('p.warn', { text: e.message }));
      return;
    }
    const rows = [];
    for (const u of r.u || []) rows.push({ vp: u.vp, sz: u.sz, at: u.at, note: t('unp.unfinished', u.pd) });
    for (const c of r.c || []) if (c.vp) rows.push({ vp: c.vp, sz: c.sz, at: c.at, note: '' });
    if (!rows.length) {
      this.list.replaceChildren(el('p.hint', { text: t('unp.none') }));
      return;
    }
    this.list.replaceChildren(el('table.results', null, el('tbody', null, rows.map((x) => el('tr', null,
      el('td', null, el('a', { href: x.vp, text: unq(x.vp) })),
      el('td.num', { text: fmtSize(x.sz) }), el('td', { text: fmtDate(x.at) }), el('td.hint', { text: x.note }),
      el('td', null, el('button.danger', { type: 'button', text: t('unp.delete'), onclick: () => this.remove([x.vp]) })))))));
  }

  async remove(vps) {
    if (!await confirmBox(t('fm.confirm.delete', vps.length, vps.map(unq).join('\n')), t('unp.delete'))) return;
    try {
      await api.unpost(vps);
      toast(t('unp.ok', vps.length), 'ok');
    } catch (e) {
      toast(e.message, 'err');
    }
    await this.load();
    this.app.refresh();
  }
}
