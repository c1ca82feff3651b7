// Dropped files and folders: read synchronously in the drop event, walked afterwards.

/** Reads what was dropped. Must run inside the drop event: the DataTransfer is emptied once the handler returns. */
export function grabDrop(dt) {
  const entries = [];
  const files = [];
  for (const it of dt.items || []) {
    if (it.kind !== 'file') continue;
    const en = it.webkitGetAsEntry?.();
    if (en) entries.push(en);
    else { const f = it.getAsFile(); if (f) files.push({ file: f, rel: f.name }); }
  }
  if (!entries.length && !files.length) for (const f of dt.files || []) files.push({ file: f, rel: f.name });
  return { entries, files };
}

/** Walks dropped folders (FileSystemEntry API): every file with its path below the drop. */
export async function walk(entries) {
  const out = [];
  const visit = async (en, prefix) => {
    if (en.isFile) {
      const f = await new Promise((res, rej) => en.file(res, rej));
      out.push({ file: f, rel: prefix + f.name });
    } else if (en.isDirectory) {
      const reader = en.createReader();
      for (;;) {
        // readEntries gives at most 100 at a time: call until it returns none
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const c of batch) await visit(c, prefix + en.name + '/');
      }
    }
  };
  for (const en of entries) await visit(en, '');
  return out;
}

