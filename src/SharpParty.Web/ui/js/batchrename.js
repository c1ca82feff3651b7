// Batch rename: a regular expression finds parts of each old name, a format builds the new one from those parts,
// the name, the extension, the position and the index's tags; one ?move per file (as copyparty's batch rename).
import { api } from './api.js';
import { t } from './strings.js';
import { el, store } from './util.js';
import { pathOf } from './fileops.js';
import { ask, show, toast } from './dialog.js';

/** The new name for one item; throws on a bad regular expression. */
export function newName(item, index, regex, format) {
  const dot = item.dir ? -1 : item.name.lastIndexOf('.');
  const base = dot > 0 ? item.name.slice(0, dot) : item.name;
  const ext = dot > 0 ? item.name.slice(dot + 1) : '';
  let groups = [];
  if (regex) {
    const m = new RegExp(regex).exec(item.name);
    if (!m) return item.name;
    groups = m;
  }
  const vars = { name: base, ext, n: String(index + 1), ...Object.fromEntries(Object.entries(item.tags || {}).map(([k, v]) => [k.replace(/^\./, ''), String(v)])) };
  let s = format.replace(/\(([\w.]+)\)/g, (all, k) => (k in vars ? vars[k] : all));
  s = s.replace(/\$(\d)/g, (_, i) => groups[+i] ?? '');
  // $lpad(text,width,char) / $rpad(...), innermost first
  for (let guard = 0; guard < 20 && /\$[lr]pad\(/.test(s); guard++) {
    s = s.replace(/\$([lr])pad\(([^()]*?),(\d+),([^()]?)\)/g, (_, side, text, w, ch) =>
      side === 'l' ? text.padStart(+w, ch || ' ') : text.padEnd(+w, ch || ' '));
  }
  return s;
}

const builtin = [
  ['tracks: 01. title.ext', '', '$lpad((tn),2,0). (title).(ext)'],
  ['artist - title.ext', '', '(artist) - (title).(ext)'],
  ['number in front: 001 name.ext', '', '$lpad((n),3,0) (name).(ext)'],
  ['swap "a - b" to "b - a"', '^(.+?) - (.+)\\.([^.]+)$', '$2 - $1.(ext)'],
];

export async function batchRename(app, items) {
  const presets = () => [...builtin, ...store.get('br-presets', [])];
  const re = el('input.dlg-input', { type: 'text', placeholder: '^(.*)$', spellcheck: 'false' });
  const fmt = el('input.dlg-input', { type: 'text', value: '(name).(ext)', spellcheck: 'false' });
  const err = el('div.warn');
  const tbody = el('tbody');
  const pick = el('select', { onchange: () => { const p = presets()[+pick.value]; if (p) { re.value = p[1]; fmt.value = p[2]; preview(); } } });
  const fillPresets = () => pick.replaceChildren(el('option', { value: '', text: t('br.preset') }), ...presets().map((p, i) => el('option', { value: String(i), text: p[0] })));
  fillPresets();
  const save = el('button', { type: 'button', text: t('br.preset.save'), onclick: async () => {
    const name = await ask(t('br.preset.name'));
    if (!name) return;
    store.set('br-presets', [...store.get('br-presets', []), [name, re.value, fmt.value]]);
    fillPresets();
  } });
  let plan = [];
  const preview = () => {
    err.textContent = '';
    try {
      plan = items.map((it, i) => [it, newName(it, i, re.value, fmt.value)]);
    } catch (e) {
      err.textContent = e.message;
      plan = [];
    }
    tbody.replaceChildren(...plan.slice(0, 200).map(([it, n]) => el('tr', null, el('td', { text: it.name }), el('td', { text: '→' }), el('td', { text: n }))));
  };
  re.addEventListener('input', preview);
  fmt.addEventListener('input', preview);
  preview();
  const body = el('div.br', null,
    el('div.row', null, pick, save),
    el('label', { text: t('br.regex') }), re,
    el('label', { text: t('br.format') }), fmt,
    el('p.hint', { text: t('br.help') }), err,
    el('div', { style: 'max-height:40vh;overflow:auto' }, el('table.brtable', null, el('thead', null, el('tr', null, el('th', { text: t('br.old') }), el('th'), el('th', { text: t('br.new') }))), tbody)));
  const r = await show(t('br.title', items.length), body, [[t('br.cancel'), 'no'], [t('br.go'), 'ok', true]]);
  if (r !== 'ok') return;
  let n = 0;
  for (const [it, name] of plan) {
    if (!name || name === it.name) continue;
    try {
      await api.move(app.dir + it.href.split('?')[0], pathOf(app.dir, name));
      n++;
    } catch (e) {
      toast(t('fm.fail', it.name, e.message), 'err');
      break;
    }
  }
  toast(t('fm.renamed.n', n), 'ok');
  await app.refresh(plan.map(([, name]) => name));
}
