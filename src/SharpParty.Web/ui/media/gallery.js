// Image and video gallery (a lightbox over the page).
//
//   import { openGallery } from "/.cpr/media/gallery.js";
//   const g = openGallery([{ url: "/pics/a.jpg" }, { url: "/pics/b.mp4", name: "b.mp4" }], 0, { onSelect, onClose });
//   g.next(); g.prev(); g.go(3); g.rotate(); g.toggleSelect(); g.close();  g.index, g.selected (a Set of urls)
//
// Keys (as copyparty's gallery): J / ArrowLeft previous, L / ArrowRight next, Home / End first / last, R rotate 90°,
// S select (onSelect(item, selected)), Esc close. Videos: U / O seek 10 s back / forward, F fullscreen, Space play/pause,
// and when one ends the gallery continues to the next item (unless opts.loop, or the viewer presses "loop").
// Items: { url, name? }; images are shown from url, videos played from url.

import { injectCss, el, kindOf, nameOf, ignoreKey } from './common.js';

export function openGallery(items, index = 0, opts = {}) {
    if (!items.length) throw new Error('openGallery: no items');
    injectCss();
    const state = { index: Math.max(0, Math.min(index, items.length - 1)), rot: new Map(), selected: new Set(opts.selected || []), loop: !!opts.loop };
    const nameEl = el('span', { class: 'spm-name' });
    const countEl = el('span', { class: 'spm-count' });
    const loopBtn = el('button', { type: 'button', class: 'spm-loop', title: 'loop this video', onclick: () => { state.loop = !state.loop; show(); } }, 'loop');
    const figure = el('figure');
    const root = el('div', { class: 'spm-gal', role: 'dialog', 'aria-modal': 'true', tabindex: '-1' },
        figure,
        el('button', { type: 'button', class: 'spm-prev', title: 'previous (J)', onclick: () => api.prev() }, '\u2039'),
        el('button', { type: 'button', class: 'spm-next', title: 'next (L)', onclick: () => api.next() }, '\u203A'),
        el('div', { class: 'spm-bar' }, countEl, nameEl, loopBtn,
            el('button', { type: 'button', title: 'rotate (R)', onclick: () => api.rotate() }, '\u21BB'),
            el('button', { type: 'button', title: 'select (S)', onclick: () => api.toggleSelect() }, 'select'),
            el('a', { class: 'spm-dl', download: '', title: 'download' }, el('button', { type: 'button' }, '\u2B07')),
            el('button', { type: 'button', title: 'close (Esc)', onclick: () => api.close() }, '\u2715')));
    const opener = document.activeElement;
    let media = null;

    function show() {
        const it = items[state.index];
        const name = it.name || nameOf(it.url);
        const kind = kindOf(name);
        if (media && media.tagName === 'VIDEO') media.pause();
        figure.replaceChildren();
        if (kind === 'video') {
            media = el('video', { src: it.url, controls: '', autoplay: '', playsinline: '' });
            media.loop = state.loop;
            media.addEventListener('ended', () => { if (!state.loop && state.index < items.length - 1) api.next(); });
        } else {
            media = el('img', { src: it.url, alt: name });
        }
        media.style.transform = `rotate(${state.rot.get(it.url) || 0}deg)`;
        figure.append(media);
        nameEl.textContent = name;
        countEl.textContent = `${state.index + 1} / ${items.length}`;
        loopBtn.hidden = kind !== 'video';
        loopBtn.classList.toggle('on', state.loop);
        root.querySelector('.spm-dl').href = it.url;
        root.classList.toggle('spm-sel', state.selected.has(it.url));
        root.dataset.index = String(state.index);
        // the next picture is fetched while this one is looked at
        const nx = items[state.index + 1];
        if (nx && kindOf(nx.name || nameOf(nx.url)) === 'image') new Image().src = nx.url;
    }

    const api = {
        get index() { return state.index; },
        get selected() { return state.selected; },
        get element() { return root; },
        go(i) { state.index = Math.max(0, Math.min(i, items.length - 1)); show(); },
        next() { api.go(state.index + 1); },
        prev() { api.go(state.index - 1); },
        rotate() {
            const u = items[state.index].url;
            state.rot.set(u, ((state.rot.get(u) || 0) + 90) % 360);
            media.style.transform = `rotate(${state.rot.get(u)}deg)`;
            root.dataset.rotation = String(state.rot.get(u));
        },
        toggleSelect() {
            const it = items[state.index];
            const on = !state.selected.has(it.url);
            if (on) state.selected.add(it.url); else state.selected.delete(it.url);
            root.classList.toggle('spm-sel', on);
            opts.onSelect?.(it, on);
        },
        seek(delta) { if (media?.tagName === 'VIDEO') media.currentTime = Math.max(0, media.currentTime + delta); },
        fullscreen() {
            if (document.fullscreenElement) document.exitFullscreen?.();
            else (media?.tagName === 'VIDEO' ? media : root).requestFullscreen?.().catch(() => {});
        },
        close() {
            if (media?.tagName === 'VIDEO') media.pause();
            document.removeEventListener('keydown', onKey, true);
            root.remove();
            opener?.focus?.();
            opts.onClose?.(state.index, state.selected);
        },
    };

    function onKey(ev) {
        if (ignoreKey(ev)) return;
        const k = ev.key;
        const video = media?.tagName === 'VIDEO';
        const map = {
            j: api.prev, ArrowLeft: api.prev, l: api.next, ArrowRight: api.next,
            Home: () => api.go(0), End: () => api.go(items.length - 1),
            r: api.rotate, s: api.toggleSelect, Escape: api.close,
            u: () => api.seek(-10), o: () => api.seek(10), f: api.fullscreen,
            ' ': () => { if (video) { if (media.paused) media.play(); else media.pause(); } },
        };
        const fn = map[k.length === 1 ? k.toLowerCase() : k];
        if (!fn) return;
        ev.preventDefault();
        ev.stopPropagation();
        fn();
    }

    document.addEventListener('keydown', onKey, true);
    root.addEventListener('click', (ev) => { if (ev.target === root || ev.target === figure) api.close(); });
    document.body.append(root);
    root.focus();
    show();
    return api;
}
