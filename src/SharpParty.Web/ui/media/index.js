// Wires the media viewers into the file browser: the browser dispatches a cancelable "sp-openfile" event
// ({ item: { href, name, ext }, dir, app }) when a file is opened; pictures and videos open in the gallery with the
// folder's other pictures and videos, audio in the player with the folder's other audio, markdown in the ?v viewer,
// text and source files in the text viewer (textview.js, highlighting by highlight.js).
//
//   import { installMediaViewers } from "/.cpr/media/index.js";
//   const uninstall = installMediaViewers();
//
// Each viewer is usable on its own too: gallery.js (openGallery), player.js (openPlayer), mdedit.js, mdview.js.

import { kindOf } from './common.js';
import { openGallery } from './gallery.js';
import { openPlayer } from './player.js';
import { languageOf } from './highlight.js';
import { openText } from './textview.js';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The folder's files of the wanted kinds, as viewer items, from the ?ls JSON the browser already has, in name order
 *  (natural: "2" before "10"), which is how the listing and a music folder's track numbers order them. */
export function folderItems(ls, dir, kinds) {
    const out = [];
    for (const f of ls?.files || []) {
        const path = f.href.split('?')[0];
        let name;
        try { name = decodeURIComponent(path); } catch { name = path; }
        if (kinds.includes(kindOf(name))) out.push({ url: dir + f.href, name, artist: f.tags?.artist, title: f.tags?.title, album: f.tags?.album });
    }
    return out.sort((a, b) => collator.compare(a.name, b.name));
}

export function installMediaViewers(target = window) {
    // once per window: the app installs them, and a page may load this module again under another URL
    if (target.__spMediaViewers) return target.__spMediaViewers;
    const onOpen = (ev) => {
        const { item, dir, app } = ev.detail || {};
        if (!item || item.dir) return;
        const kind = kindOf(item.name || item.href);
        const url = dir + item.href;
        if (kind === 'image' || kind === 'video') {
            const items = folderItems(app?.ls, dir, ['image', 'video']);
            const i = Math.max(0, items.findIndex((x) => x.url === url));
            ev.preventDefault();
            openGallery(items.length ? items : [{ url, name: item.name }], i);
        } else if (kind === 'audio') {
            const items = folderItems(app?.ls, dir, ['audio']);
            const i = Math.max(0, items.findIndex((x) => x.url === url));
            ev.preventDefault();
            openPlayer(items.length ? items : [{ url, name: item.name }], i);
        } else if (kind === 'markdown') {
            ev.preventDefault();
            location.href = url + (url.includes('?') ? '&v' : '?v');
        } else if (languageOf(item.name || '') !== null) {
            // text and source files: the viewer with highlighting (a very big one opens raw)
            ev.preventDefault();
            openText({ url, name: item.name, size: item.sz || 0 });
        }
    };
    target.addEventListener('sp-openfile', onOpen);
    target.__spMediaViewers = () => {
        target.removeEventListener('sp-openfile', onOpen);
        delete target.__spMediaViewers;
    };
    return target.__spMediaViewers;
}
