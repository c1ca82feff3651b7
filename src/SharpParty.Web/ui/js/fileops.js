// The file manager: cut/copy/paste (the clipboard lives in localStorage, so it works across tabs), rename, delete,
// new folder, new document, archive download of a selection. Each is one or more plain API calls (spec §3.5).
import { api } from './api.js';
import { t } from './strings.js';
import { el, store, unq } from './util.js';
import { ask, confirmBox, toast } from './dialog.js';

/** The decoded absolute path of an entry in folder dir: "/a/b/" + "c d" → "/a/b/c d" */
export function pathOf(dir, name) {
  return unq(dir) + name;
}

export const clipboard = {
  get() { return store.get('clip', null); },
  set(v) { store.set('clip', v); window.dispatchEvent(new Event('sp-clip')); },
  clear() { store.del('clip'); window.dispatchEvent(new Event('sp-clip')); },
};

// another tab cut or pasted: our paste button follows
window.addEventListener('storage', (e) => {
  if (e.key === 'sp-clip') window.dispatchEvent(new Event('sp-clip'));
});

function itemsOf(app) {
  const sel = app.view.selected();
  if (!sel.length && app.view.cursor >= 0) return [app.view.items[app.view.cursor]];
  return sel;
}

export async function cut(app, copy) {
  const items = itemsOf(app);
  if (!items.length) return toast(t('fm.nothing'));
  clipboard.set({ mode: copy ? 'copy' : 'cut', dir: app.dir, items: items.map((i) => ({ name: i.name, url: app.dir + i.href.split('?')[0] })) });
  app.view.cut = copy ? new Set() : new Set(items.map((i) => i.name));
  app.view.render(true);
  toast(t(copy ? 'fm.copy.ok' : 'fm.cut.ok', items.length));
}

export async function paste(app) {
  const c = clipboard.get();
  if (!c || !c.items?.length) return;
  if (c.dir === app.dir && c.mode === 'cut') return toast(t('fm.same'));
  let n = 0;
  for (const it of c.items) {
    try {
      if (c.mode === 'copy') await api.copy(it.url, pathOf(app.dir, it.name));
      else await api.move(it.url, pathOf(app.dir, it.name));
      n++;
    } catch (e) {
      toast(t('fm.fail', it.name, e.message), 'err');
      break;
    }
  }
  if (c.mode === 'cut') clipboard.clear();
  if (n) toast(t(c.mode === 'copy' ? 'fm.pastecopy.ok' : 'fm.paste.ok', n), 'ok');
  await app.refresh(c.items.map((i) => i.name));
}

export async function rename(app) {
  const items = itemsOf(app);
  if (!items.length) return toast(t('fm.nothing'));
  if (items.length > 1) {
    const { batchRename } = await import('./batchrename.js');
    return batchRename(app, items);
  }
  const it = items[0];
  const dot = it.dir ? -1 : it.name.lastIndexOf('.');
  const name = await ask(t('fm.ask.rename'), it.name, dot > 0 ? dot : it.name.length);
  if (name === null || name === '' || name === it.name) return;
  try {
    await api.move(app.dir + it.href.split('?')[0], pathOf(app.dir, name));
    toast(t('fm.rename.ok'), 'ok');
  } catch (e) {
    toast(t('fm.fail', t('fm.rename'), e.message), 'err');
  }
  await app.refresh([name]);
}

export async function remove(app) {
  const items = itemsOf(app);
  if (!items.length) return toast(t('fm.nothing'));
  const list = items.slice(0, 12).map((i) => i.name + (i.dir ? '/' : '')).join('\n') + (items.length > 12 ? '\n…' : '');
  if (!await confirmBox(t('fm.confirm.delete', items.length, list), t('fm.delete'))) return;
  try {
    await api.del(items.map((i) => pathOf(app.dir, i.name)));
    toast(t('fm.delete.ok', items.length), 'ok');
  } catch (e) {
    toast(t('fm.fail', t('fm.delete'), e.message), 'err');
  }
  await app.refresh();
}

export async function mkdir(app) {
  const name = await ask(t('fm.ask.folder'));
  if (!name) return;
  try {
    await api.mkdir(app.dir, name);
    toast(t('fm.mkdir.ok', name), 'ok');
  } catch (e) {
    toast(t('fm.fail', t('fm.newfolder'), e.message), 'err');
  }
  await app.refresh([name]);
}

/** A new markdown document (copyparty's act=new_md), opened in the editor at once, as copyparty does. */
export async function newDoc(app) {
  const name = await ask(t('fm.ask.file'), 'notes.md', 5);
  if (!name) return;
  let editor;
  try {
    editor = await api.newDoc(app.dir, name);
  } catch (e) {
    toast(t('fm.fail', t('fm.newfile'), e.message), 'err');
    return;
  }
  if (editor) location.href = editor;
  else await app.refresh([name]);
}

export async function message(app) {
  const text = await ask(t('fm.msg.ask'));
  if (!text) return;
  try {
    await api.msg(app.dir, text);
    toast(t('fm.msg.ok'), 'ok');
  } catch (e) {
    toast(t('fm.fail', t('fm.msg'), e.message), 'err');
  }
}

/** Downloads the selection: one file as itself, anything else as an archive (zip or tar, as in settings). */
export function download(app) {
  const items = itemsOf(app);
  const fmt = store.get('arc', 'zip');
  if (!items.length) {
    location.href = app.dir + '?' + fmt;
    return;
  }
  if (items.length === 1 && !items[0].dir) {
    const a = el('a', { href: app.dir + items[0].href.split('?')[0], download: items[0].name });
    document.body.append(a);
    a.click();
    a.remove();
    return;
  }
  if (items.length === 1) {
    location.href = app.dir + items[0].href.split('?')[0] + '?' + fmt;
    return;
  }
  // the selection goes as act=zip + files= (spec §3.5); the archive's entries are relative to this folder
  const f = el('form', { method: 'post', action: app.dir + '?' + fmt, enctype: 'multipart/form-data', hidden: true },
    el('input', { type: 'hidden', name: 'act', value: 'zip' }),
    el('textarea', { name: 'files' }));
  f.querySelector('textarea').value = items.map((i) => i.name + (i.dir ? '/' : '')).join('\n');
  document.body.append(f);
  f.submit();
  f.remove();
}
