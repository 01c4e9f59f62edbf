// Copy text: the async Clipboard API where available (secure contexts), else a hidden textarea and execCommand,
// else a dialog with the text selected so the user can press Ctrl+C.

import { el } from './dom.js';
import { toast } from './toast.js';

export async function copyText(text, what = 'Text') {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      toast(`${what} copied`, { type: 'success' });
      return 'clipboard';
    } catch {
      /* permission denied or unfocused: fall through */
    }
  }
  if (legacyCopy(text)) {
    toast(`${what} copied`, { type: 'success' });
    return 'execCommand';
  }
  manualCopy(text, what);
  return 'manual';
}

function legacyCopy(text) {
  const area = el('textarea', { class: 'offscreen', readOnly: true, 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  const selection = document.getSelection();
  const previous = selection && selection.rangeCount ? selection.getRangeAt(0) : null;
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  if (previous && selection) {
    selection.removeAllRanges();
    selection.addRange(previous);
  }
  return ok;
}

function manualCopy(text, what) {
  const area = el('textarea', { class: 'manual-copy-text', testid: 'manual-copy-text', readOnly: true, rows: 6 });
  area.value = text;
  const dialog = el('dialog', { class: 'manual-copy', testid: 'manual-copy' },
    el('p', null, `Copying is not available here. Press Ctrl+C (⌘C) to copy the ${what.toLowerCase()}:`),
    area,
    el('div', { class: 'dialog-actions' },
      el('button', { type: 'button', onclick: () => dialog.close() }, 'Close')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  area.focus();
  area.select();
}
