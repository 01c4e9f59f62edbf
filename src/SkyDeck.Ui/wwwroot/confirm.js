// A confirmation dialog for destructive actions. Text enters only through textContent (el() children).

import { el } from './dom.js';

/**
 * confirmAction({title, message, confirmLabel, danger, details}) → Promise<boolean>: true only when the user confirms.
 * details: an optional element shown under the message (a preview's list); danger: false for a non-destructive action.
 * Escape, Cancel and the backdrop's close all answer false; the confirm button is not focused first, so an
 * absent-minded Enter does not destroy anything.
 */
export function confirmAction({ title, message, confirmLabel = 'Delete', danger = true, details = null }) {
  return new Promise(resolve => {
    let answer = false;
    const ok = el('button', { type: 'button', class: danger ? 'danger' : 'primary', testid: 'confirm-ok', onclick: () => { answer = true; dialog.close(); } }, confirmLabel);
    const cancel = el('button', { type: 'button', testid: 'confirm-cancel', onclick: () => dialog.close() }, 'Cancel');
    const dialog = el('dialog', { class: 'confirm-dialog', testid: 'confirm-dialog', 'aria-label': title },
      el('h2', { testid: 'confirm-title' }, title),
      el('p', { testid: 'confirm-message' }, message),
      details,
      el('div', { class: 'dialog-actions' }, cancel, ok));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
