// Notifications, bottom right. Each may carry one action (e.g. Undo); they stay while hovered.

import { el } from './dom.js';

let container;

function host() {
  container ??= document.querySelector('[data-testid="toasts"]');
  return container;
}

/** toast('Deleted x', {type: 'success'|'error'|'info'|'warning', action: {label, run}, timeout}) */
export function toast(message, { type = 'info', action, timeout } = {}) {
  const life = timeout ?? (action ? 10000 : type === 'error' ? 9000 : 4000);
  const node = el('div', { class: `toast toast-${type}`, testid: 'toast', role: type === 'error' ? 'alert' : 'status', dataset: { type } });
  node.append(el('span', { class: 'toast-text', testid: 'toast-text' }, message));
  if (action) {
    node.append(el('button', {
      class: 'toast-action',
      testid: action.testid || 'toast-action',
      type: 'button',
      onclick: async () => {
        dismiss();
        await action.run();
      },
    }, action.label));
  }
  node.append(el('button', { class: 'toast-close', type: 'button', title: 'Dismiss', 'aria-label': 'Dismiss', onclick: () => dismiss() }, '×'));

  let timer = 0;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(dismiss, life);
  };
  function dismiss() {
    clearTimeout(timer);
    node.remove();
  }
  node.addEventListener('mouseenter', () => clearTimeout(timer));
  node.addEventListener('mouseleave', arm);
  host().append(node);
  arm();
  return { dismiss };
}

export function errorToast(prefix, error) {
  return toast(`${prefix}: ${error?.message || error}`, { type: 'error' });
}
