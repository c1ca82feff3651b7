// Audio player with a per-folder playlist: a bar at the bottom of the page.
//
//   import { openPlayer } from "/.cpr/media/player.js";
//   const p = openPlayer([{ url: "/music/a.flac" }, { url: "/music/b.mp3", title: "B" }], 0);
//   p.play(1); p.next(); p.prev(); p.toggle(); p.seek(30); p.seekBy(-10); p.close();
//   p.index, p.audio (the playing <audio>), p.element; events "track" and "ended" on p.events (an EventTarget);
//   currentPlayer() returns the open one (one per page)
//
// Keys (copyparty's): J / L previous / next track, U / O seek 10 s back / forward, 0-9 jump to 0 %…90 %, P play/pause.
// OS media controls (Media Session): play, pause, previous/next track, seek. Formats this browser cannot play are
// fetched transcoded by the server (?th=opus, ?th=caf for Safari, else ?th=mp3); a file that fails to play is retried
// transcoded once. The next track is preloaded near the end of the current one and started the moment it ends, which
// is as gapless as a browser allows without decoding the audio ourselves.

import { injectCss, el, extOf, nameOf, withQuery, ignoreKey } from './common.js';

const MIME = { mp3: 'audio/mpeg', ogg: 'audio/ogg', opus: 'audio/ogg; codecs=opus', flac: 'audio/flac', wav: 'audio/wav', m4a: 'audio/mp4', aac: 'audio/aac', webm: 'audio/webm', mp4: 'audio/mp4', mkv: 'video/x-matroska', mov: 'video/quicktime' };

/** What the browser should fetch for `url`: itself, or a server transcode the browser can play. */
export function playableUrl(url, name = nameOf(url), probe = document.createElement('audio')) {
    const mime = MIME[extOf(name)];
    if (mime && probe.canPlayType(mime)) return url;
    return transcodedUrl(url, probe);
}

export function transcodedUrl(url, probe = document.createElement('audio')) {
    if (probe.canPlayType('audio/ogg; codecs=opus')) return withQuery(url, 'th=opus');
    if (probe.canPlayType('audio/x-caf')) return withQuery(url, 'th=caf');
    return withQuery(url, 'th=mp3');
}

let current = null;

/** The player on this page, if one is open. */
export function currentPlayer() {
    return current;
}

export function openPlayer(items, index = 0, opts = {}) {
    if (!items.length) throw new Error('openPlayer: no items');
    current?.close();
    injectCss();
    const events = new EventTarget();
    let idx = -1;
    let audio = new Audio();
    let spare = new Audio(); // the next track, preloaded
    let spareFor = -1;
    let transcoded = false;
    const title = el('span', { class: 'spm-title' });
    const time = el('span', { class: 'spm-time' }, '0:00');
    const bar = el('input', { type: 'range', min: '0', max: '1000', value: '0', 'aria-label': 'seek' });
    const playBtn = el('button', { type: 'button', title: 'play/pause (P)', onclick: () => api.toggle() }, '\u25B6');
    const root = el('div', { class: 'spm-pl', role: 'region', 'aria-label': 'audio player' },
        el('button', { type: 'button', title: 'previous (J)', onclick: () => api.prev() }, '\u00AB'),
        playBtn,
        el('button', { type: 'button', title: 'next (L)', onclick: () => api.next() }, '\u00BB'),
        title, bar, time,
        el('button', { type: 'button', title: 'close', onclick: () => api.close() }, '\u2715'));

    const fmt = (s) => (isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}` : '-:--');
    const itemName = (i) => items[i].title || items[i].name || nameOf(items[i].url);
    let seeking = false;

    function wire(a) {
        a.preload = 'auto';
        a.addEventListener('timeupdate', () => {
            if (a !== audio) return;
            if (!seeking && a.duration) bar.value = String(Math.round((a.currentTime / a.duration) * 1000));
            time.textContent = `${fmt(a.currentTime)} / ${fmt(a.duration)}`;
            if (a.duration && a.duration - a.currentTime < 10) preloadNext();
            if ('mediaSession' in navigator && a.duration && navigator.mediaSession.setPositionState) {
                try { navigator.mediaSession.setPositionState({ duration: a.duration, position: a.currentTime, playbackRate: a.playbackRate }); } catch { /* not yet known */ }
            }
        });
        a.addEventListener('play', () => { if (a === audio) { playBtn.textContent = '\u275A\u275A'; root.dataset.state = 'playing'; } });
        a.addEventListener('pause', () => { if (a === audio) { playBtn.textContent = '\u25B6'; root.dataset.state = 'paused'; } });
        a.addEventListener('ended', () => {
            if (a !== audio) return;
            events.dispatchEvent(new CustomEvent('ended', { detail: { index: idx } }));
            if (idx < items.length - 1) api.play(idx + 1); else root.dataset.state = 'done';
        });
        a.addEventListener('error', () => {
            if (a !== audio || !a.src) return;
            // a format the browser claimed but cannot decode: once more, transcoded by the server
            if (!transcoded) {
                transcoded = true;
                a.src = transcodedUrl(items[idx].url, a);
                a.play().catch(() => {});
            } else if (idx < items.length - 1) {
                api.play(idx + 1);
            }
        });
    }
    wire(audio);
    wire(spare);

    function preloadNext() {
        const n = idx + 1;
        if (n >= items.length || spareFor === n) return;
        spareFor = n;
        spare.src = playableUrl(items[n].url, items[n].name, spare);
        spare.load();
    }

    function session() {
        if (!('mediaSession' in navigator)) return;
        const ms = navigator.mediaSession;
        const folder = decodeURIComponent(items[idx].url.split('?')[0].split('/').slice(-2, -1)[0] || '');
        ms.metadata = new MediaMetadata({ title: itemName(idx), artist: items[idx].artist || '', album: items[idx].album || folder });
        const h = { play: () => audio.play(), pause: () => audio.pause(), previoustrack: () => api.prev(), nexttrack: () => api.next(),
            seekbackward: () => api.seekBy(-10), seekforward: () => api.seekBy(10), seekto: (d) => api.seek(d.seekTime) };
        for (const [k, fn] of Object.entries(h)) {
            try { ms.setActionHandler(k, fn); } catch { /* not supported here */ }
        }
    }

    const api = {
        get index() { return idx; },
        get audio() { return audio; },
        get element() { return root; },
        events,
        play(i = idx) {
            if (i < 0 || i >= items.length) return;
            audio.pause();
            if (i === spareFor && spare.src) {
                [audio, spare] = [spare, audio]; // the preloaded track: starts without a new request
                spare.removeAttribute('src');
            } else {
                audio.src = playableUrl(items[i].url, items[i].name, audio);
            }
            spareFor = -1;
            transcoded = audio.src.includes('th=');
            idx = i;
            audio.currentTime = 0;
            title.textContent = itemName(i);
            root.dataset.index = String(i);
            root.dataset.src = audio.src;
            bar.value = '0';
            session();
            events.dispatchEvent(new CustomEvent('track', { detail: { index: i, item: items[i] } }));
            return audio.play().catch(() => { root.dataset.state = 'blocked'; });
        },
        next() { if (idx < items.length - 1) api.play(idx + 1); },
        prev() { if (audio.currentTime > 3 || idx === 0) api.seek(0); else api.play(idx - 1); },
        toggle() { if (audio.paused) audio.play().catch(() => {}); else audio.pause(); },
        seek(sec) { if (isFinite(sec)) audio.currentTime = Math.max(0, Math.min(sec, audio.duration || sec)); },
        seekBy(d) { api.seek(audio.currentTime + d); },
        close() {
            audio.pause();
            spare.removeAttribute('src');
            document.removeEventListener('keydown', onKey);
            root.remove();
            if (current === api) current = null;
            if (window.spPlayer === api) delete window.spPlayer;
        },
    };

    bar.addEventListener('input', () => { seeking = true; });
    bar.addEventListener('change', () => { seeking = false; if (audio.duration) api.seek((Number(bar.value) / 1000) * audio.duration); });

    function onKey(ev) {
        if (ignoreKey(ev) || opts.keys === false) return;
        const k = ev.key.toLowerCase();
        if (/^[0-9]$/.test(k)) {
            if (audio.duration) api.seek((Number(k) / 10) * audio.duration);
        } else if (k === 'j') api.prev();
        else if (k === 'l') api.next();
        else if (k === 'u') api.seekBy(-10);
        else if (k === 'o') api.seekBy(10);
        else if (k === 'p') api.toggle();
        else return;
        ev.preventDefault();
    }

    document.addEventListener('keydown', onKey);
    document.body.append(root);
    current = api;
    // the page may hold this module under two URLs (versioned by the app, plain by others): tests find the player here
    window.spPlayer = api;
    api.play(Math.max(0, Math.min(index, items.length - 1)));
    return api;
}
