// The text viewer: a text or source file opened from the listing is shown in an overlay with line numbers and syntax
// highlighting (highlight.js), a wrap toggle, links to the raw file and a download, and Esc to close. Files over
// MAX_BYTES are not fetched into the page (a browser tab would stall on them): the raw file opens instead.
//
//   import { openText } from '/.cpr/media/textview.js';
//   openText({ url: '/src/main.py', name: 'main.py', size: 1234 });

import { el, injectCss, ignoreKey, withQuery } from './common.js';
import { highlight, languageOf } from './highlight.js';

/** Above this the raw file opens in the browser instead (copyparty's text viewer also stops at a few MiB). */
export const MAX_BYTES = 4 << 20;

/** A bigger file is shown as plain text: the highlighting pass costs ~0.5 s per MiB (measured in node on this
 *  2-core machine), and a viewer should open at once. */
const MAX_HIGHLIGHT = 512 << 10;

const CSS = `
.spm-txt{position:fixed;inset:0;z-index:1000;display:flex;flex-direction:column;background:var(--bg,#fff);color:var(--fg,#222);font:14px system-ui,sans-serif}
.spm-txt .spm-bar{display:flex;gap:.6em;align-items:center;padding:.4em .8em;border-bottom:1px solid rgba(128,128,128,.35)}
.spm-txt .spm-name{flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:600}
.spm-txt .spm-bar a,.spm-txt .spm-bar button{font:inherit;color:inherit;background:transparent;border:1px solid rgba(128,128,128,.5);border-radius:3px;padding:.2em .6em;cursor:pointer;text-decoration:none}
.spm-txt .spm-body{flex:1;overflow:auto;display:flex;align-items:flex-start}
.spm-txt pre{margin:0;padding:.6em .8em;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;tab-size:4}
.spm-txt .spm-gut{user-select:none;text-align:right;opacity:.45;border-right:1px solid rgba(128,128,128,.3);position:sticky;left:0;background:inherit}
.spm-txt .spm-code{flex:1;white-space:pre}
.spm-txt.spm-wrap .spm-code{white-space:pre-wrap;overflow-wrap:anywhere}
.spm-txt.spm-wrap .spm-gut{display:none}
.spm-txt .spm-msg{padding:1em}
.spt-com{color:#6a737d;font-style:italic}.spt-str{color:#22863a}.spt-num{color:#005cc5}.spt-kw{color:#d73a49;font-weight:600}
.spt-fn{color:#6f42c1}.spt-attr{color:#e36209}.spt-tag{color:#22863a;font-weight:600}.spt-meta{color:#735c0f}
.spt-add{color:#22863a;background:rgba(40,167,69,.12)}.spt-del{color:#b31d28;background:rgba(203,36,49,.12)}
@media (prefers-color-scheme:dark){.spm-txt{background:var(--bg,#1b1b1b);color:var(--fg,#ddd)}
.spt-com{color:#8b949e}.spt-str{color:#a5d6ff}.spt-num{color:#79c0ff}.spt-kw{color:#ff7b72}.spt-fn{color:#d2a8ff}
.spt-attr{color:#ffa657}.spt-tag{color:#7ee787}.spt-meta{color:#e3b341}.spt-add{color:#7ee787}.spt-del{color:#ffa198}}
`;

function injectTextCss(doc = document) {
    injectCss(doc);
    if (doc.getElementById('spm-txt-css')) return;
    const s = doc.createElement('style');
    s.id = 'spm-txt-css';
    s.textContent = CSS;
    doc.head.appendChild(s);
}

let current = null;

/** Closes the viewer if it is open. */
export function closeText() {
    current?.close();
}

/** Opens a file in the viewer; returns a promise that settles when its text is shown (or the error is). */
export async function openText({ url, name, size }) {
    closeText();
    if (size > MAX_BYTES) {
        window.open(url, '_blank', 'noopener');
        return;
    }
    injectTextCss();
    const lang = languageOf(name) ?? '';
    const wrapSaved = localStorage.getItem('sp-txt-wrap') === '1';
    const gutter = el('pre', { class: 'spm-gut', 'aria-hidden': 'true' });
    const code = el('pre', { class: 'spm-code', tabindex: '0' });
    const body = el('div', { class: 'spm-body' }, el('div', { class: 'spm-msg' }, 'loading…'));
    const wrapBtn = el('button', { type: 'button', class: 'spm-wrapbtn', title: 'wrap long lines (W)' }, 'wrap');
    const root = el('div', { class: 'spm-txt' + (wrapSaved ? ' spm-wrap' : ''), role: 'dialog', 'aria-label': name, 'data-lang': lang || 'plain' },
        el('div', { class: 'spm-bar' },
            el('span', { class: 'spm-name' }, name),
            wrapBtn,
            el('a', { href: url, target: '_blank', rel: 'noopener', class: 'spm-raw' }, 'raw'),
            el('a', { href: withQuery(url, 'dl'), class: 'spm-dl' }, 'download'),
            el('button', { type: 'button', class: 'spm-close', title: 'close (Esc)' }, '✕')),
        body);
    const toggleWrap = () => {
        const on = root.classList.toggle('spm-wrap');
        localStorage.setItem('sp-txt-wrap', on ? '1' : '0');
    };
    wrapBtn.addEventListener('click', toggleWrap);
    const onKey = (ev) => {
        if (ignoreKey(ev)) return;
        if (ev.key === 'Escape') {
            ev.preventDefault();
            ev.stopPropagation();
            close();
        } else if (ev.key === 'w' || ev.key === 'W') {
            ev.stopPropagation();
            toggleWrap();
        }
    };
    const ctl = new AbortController();
    const close = () => {
        ctl.abort();
        document.removeEventListener('keydown', onKey, true);
        root.remove();
        if (current?.root === root) current = null;
    };
    root.querySelector('.spm-close').addEventListener('click', close);
    document.addEventListener('keydown', onKey, true);
    document.body.appendChild(root);
    current = { root, close };
    try {
        const res = await fetch(url, { signal: ctl.signal, credentials: 'same-origin' });
        if (!res.ok) throw new Error((await res.text()).trim().split('\n')[0] || 'HTTP ' + res.status);
        const text = await res.text();
        const lines = text.length === 0 ? 1 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
        gutter.textContent = Array.from({ length: lines }, (_, i) => i + 1).join('\n');
        code.innerHTML = highlight(text, text.length <= MAX_HIGHLIGHT ? lang : '');
        body.replaceChildren(gutter, code);
        root.dataset.lines = String(lines);
        code.focus({ preventScroll: true });
    } catch (e) {
        if (ctl.signal.aborted) return;
        body.replaceChildren(el('div', { class: 'spm-msg spm-err' }, 'could not load the file: ' + e.message));
    }
}
