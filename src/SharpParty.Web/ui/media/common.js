// Shared bits of the media viewers: file kinds by extension, URL helpers, a style sheet injected once.

export const IMAGE = new Set('jpg jpeg jfif png apng gif webp bmp ico avif heic heif tif tiff jxl svg'.split(' '));
export const VIDEO = new Set('mp4 m4v webm mkv mov ogv avi wmv flv mpg mpeg ts mts 3gp'.split(' '));
export const AUDIO = new Set('mp3 ogg opus flac wav m4a aac wma ape alac aif aiff wv tak tta mka mpc ac3 dts'.split(' '));

export function extOf(name) {
    const dot = name.lastIndexOf('.');
    return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function kindOf(name) {
    const e = extOf(name);
    return IMAGE.has(e) ? 'image' : VIDEO.has(e) ? 'video' : AUDIO.has(e) ? 'audio' : e === 'md' ? 'markdown' : '';
}

/** Adds a query key to a URL that may already have one (?k=… on filekey volumes). */
export function withQuery(url, q) {
    return url + (url.includes('?') ? '&' : '?') + q;
}

export function nameOf(url) {
    const path = url.split('?')[0].replace(/\/$/, '');
    try { return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)); } catch { return path; }
}

/** True when a key event belongs to a text field, or carries a modifier the viewers leave to the browser. */
export function ignoreKey(ev) {
    const t = ev.target;
    return ev.ctrlKey || ev.metaKey || ev.altKey || (t && (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) && t.type !== 'range' || t.isContentEditable));
}

const CSS = `
.spm-gal{position:fixed;inset:0;z-index:1000;background:rgba(0,0,0,.92);display:flex;align-items:center;justify-content:center;color:#eee;font:14px system-ui,sans-serif}
.spm-gal figure{margin:0;max-width:100vw;max-height:100vh;display:flex;align-items:center;justify-content:center}
.spm-gal img,.spm-gal video{max-width:100vw;max-height:calc(100vh - 3em);object-fit:contain;transition:transform .15s}
.spm-gal .spm-bar{position:absolute;left:0;right:0;bottom:0;display:flex;gap:1em;align-items:center;padding:.5em 1em;background:rgba(0,0,0,.6)}
.spm-gal .spm-bar .spm-name{flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.spm-gal button{background:#333;color:#eee;border:1px solid #555;border-radius:3px;padding:.3em .7em;cursor:pointer}
.spm-gal .spm-prev,.spm-gal .spm-next{position:absolute;top:40%;font-size:2em;opacity:.6}
.spm-gal .spm-prev{left:.3em}.spm-gal .spm-next{right:.3em}
.spm-gal.spm-sel .spm-name::before{content:"\\2714  ";color:#6c6}
.spm-pl{position:fixed;left:0;right:0;bottom:0;z-index:900;display:flex;gap:.6em;align-items:center;padding:.4em .8em;background:#222;color:#eee;font:14px system-ui,sans-serif;box-shadow:0 -2px 8px rgba(0,0,0,.4)}
.spm-pl button{background:#333;color:#eee;border:1px solid #555;border-radius:3px;padding:.2em .6em;cursor:pointer}
.spm-pl input[type=range]{flex:1}
.spm-pl .spm-title{max-width:30vw;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.spm-pl .spm-time{font-variant-numeric:tabular-nums;opacity:.8}
`;

export function injectCss(doc = document) {
    if (doc.getElementById('spm-css')) return;
    const s = doc.createElement('style');
    s.id = 'spm-css';
    s.textContent = CSS;
    doc.head.appendChild(s);
}

export function el(tag, props = {}, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
        if (k === 'class') e.className = v;
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else if (v !== undefined && v !== null) e.setAttribute(k, v);
    }
    for (const k of kids) e.append(k);
    return e;
}
