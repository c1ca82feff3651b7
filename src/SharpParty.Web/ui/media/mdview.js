// Markdown viewer page (?v): the document is rendered and sanitised by the server; this module only adds keys.
//   import { attachViewerKeys } from "/.cpr/media/mdview.js";
//   attachViewerKeys(document)  ->  "e" opens the editor (when the page offers it), "Escape" goes to the folder.
// Loaded by the ?v page itself; the UI may import it too.

/** Adds the viewer's hotkeys to `doc`; returns a function that removes them. */
export function attachViewerKeys(doc = document) {
    const onKey = (ev) => {
        if (ev.ctrlKey || ev.metaKey || ev.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName)) return;
        if (ev.key === "e") {
            const edit = doc.querySelector('.mdnav a[href="?edit"]');
            if (edit) location.href = edit.href;
        } else if (ev.key === "Escape") {
            location.href = "./";
        }
    };
    doc.addEventListener("keydown", onKey);
    return () => doc.removeEventListener("keydown", onKey);
}

if (typeof document !== "undefined" && document.body && document.body.classList.contains("mdview")) {
    attachViewerKeys(document);
}
