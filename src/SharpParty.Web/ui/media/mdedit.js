// Markdown / text editor (?edit). Saves with copyparty's multipart act=tput (fields act, lastmod, body, in that order);
// the server answers {"ok":true,"lastmod":MS,"size":N,"sha512":"..."} or, when the file changed since it was loaded,
// {"ok":false,"lastmod":SERVER_MS,"now":NOW_MS} and nothing is written.
//
//   import { saveText, openEditor } from "/.cpr/media/mdedit.js";
//   await saveText("/docs/a.md", "# hi", lastmodMs)      -> the server's JSON reply
//   openEditor({ textarea, saveButton, status, url, lastmod })  -> an editor with Ctrl+S, conflict handling
// The ?edit page calls openEditor on its own elements.

/** POSTs `text` to `url` as act=tput; `lastmod` is the file's mtime in ms when it was loaded (-1: a new file). */
export async function saveText(url, text, lastmod) {
    const fd = new FormData();
    fd.append("act", "tput");
    fd.append("lastmod", String(lastmod));
    // as a Blob: a string form value would have its line breaks turned into CRLF by the multipart encoding
    fd.append("body", new Blob([text], { type: "text/plain;charset=utf-8" }), "body.txt");
    const res = await fetch(url, { method: "POST", body: fd, credentials: "same-origin" });
    const reply = await res.text();
    if (!res.ok) throw new Error(reply.replace(/<[^>]*>/g, "").trim() || `HTTP ${res.status}`);
    return JSON.parse(reply);
}

/**
 * Wires an editor: Ctrl+S / the save button save; a conflict asks before overwriting (then saves against the
 * server's lastmod); leaving with unsaved changes asks first. Returns { save, isDirty, lastmod }.
 */
export function openEditor({ textarea, saveButton, status, url = location.pathname, lastmod = -1, confirmFn = (m) => confirm(m) }) {
    let saved = textarea.value;
    let current = lastmod;
    const say = (msg, cls = "") => { if (status) { status.textContent = msg; status.className = cls; } };
    const isDirty = () => textarea.value !== saved;

    async function save(force = false) {
        const text = textarea.value;
        say("saving…");
        try {
            const r = await saveText(url, text, force ? -1 : current);
            if (r.ok) {
                saved = text;
                current = r.lastmod;
                say(`saved, ${r.size} bytes`, "ok");
                return r;
            }
            const when = new Date(r.lastmod).toLocaleString();
            say(`not saved: someone else saved this file at ${when}`, "err");
            if (confirmFn(`This file was changed on the server (${when}) since you opened it.\nOverwrite it with your version?`)) {
                current = r.lastmod;
                return save(false);
            }
            return r;
        } catch (e) {
            say("save failed: " + e.message, "err");
            throw e;
        }
    }

    const onKey = (ev) => {
        if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "s") {
            ev.preventDefault();
            save().catch(() => {});
        }
    };
    textarea.addEventListener("keydown", onKey);
    if (saveButton) saveButton.addEventListener("click", () => save().catch(() => {}));
    addEventListener("beforeunload", (ev) => { if (isDirty()) { ev.preventDefault(); ev.returnValue = ""; } });
    return { save, isDirty, get lastmod() { return current; } };
}

if (typeof document !== "undefined" && document.getElementById("mde")) {
    const root = document.getElementById("mde");
    window.mdEditor = openEditor({
        textarea: document.getElementById("mdtext"),
        saveButton: document.getElementById("mdsave"),
        status: document.getElementById("mdstatus"),
        lastmod: Number(root.dataset.lastmod),
    });
}
