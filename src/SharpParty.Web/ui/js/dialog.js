// Modal questions and short notices, built on <dialog> so focus, Esc and the backdrop behave as the platform does.
import { el } from './util.js';
import { t } from './strings.js';

function modal(title, body, buttons, initial) {
  return new Promise((resolve) => {
    const d = el('dialog.dlg', { 'aria-label': title });
    const f = el('form', { method: 'dialog' },
      el('h2', { text: title }), body,
      el('div.dlg-buttons', null, buttons.map(([label, value, primary]) =>
        el('button' + (primary === 'danger' ? '.primary.dangerous' : primary ? '.primary' : ''), { value, type: 'submit', text: label }))));
    d.append(f);
    d.addEventListener('close', () => { d.remove(); resolve(d.returnValue); });
    document.body.append(d);
    d.showModal();
    initial?.();
  });
}

/** Asks for a line of text; resolves to the text, or null when cancelled. */
export async function ask(title, value = '', selectUntil) {
  const inp = el('input.dlg-input', { type: 'text', value, spellcheck: 'false', autocomplete: 'off' });
  const r = await modal(title, inp, [[t('dlg.cancel'), 'no'], [t('dlg.ok'), 'ok', true]], () => {
    inp.focus();
    inp.setSelectionRange(0, selectUntil ?? value.length);
  });
  return r === 'ok' ? inp.value : null;
}

/** Asks yes/no; resolves to true for yes. */
export async function confirmBox(message, yes = t('dlg.ok'), danger = true) {
  const r = await modal(message.split('\n')[0], el('pre.dlg-text', { text: message.split('\n').slice(1).join('\n').trim() }),
    [[t('dlg.cancel'), 'no'], [yes, 'ok', danger ? 'danger' : true]], null);
  return r === 'ok';
}

/** A password prompt for logging in. */
export async function askPassword() {
  const inp = el('input.dlg-input', { type: 'password', autocomplete: 'current-password', placeholder: t('login.pw'), name: 'cppwd' });
  const r = await modal(t('login.title'), inp, [[t('login.cancel'), 'no'], [t('login.go'), 'ok', true]], () => inp.focus());
  return r === 'ok' ? inp.value : null;
}

/** Shows the body in a dialog with one close button (help, batch rename build their own bodies). */
export function show(title, body, buttons = [[t('dlg.ok'), 'ok', true]]) {
  return modal(title, body, buttons, null);
}

let toastBox;

/** A notice at the bottom of the page that goes away by itself. kind: ok | err | info */
export function toast(msg, kind = 'info') {
  toastBox ??= document.body.appendChild(el('div.toasts', { role: 'status', 'aria-live': 'polite' }));
  const n = el('div.toast.' + kind, { text: msg });
  toastBox.append(n);
  setTimeout(() => n.classList.add('gone'), kind === 'err' ? 7000 : 3500);
  setTimeout(() => n.remove(), kind === 'err' ? 7600 : 4100);
}
