// Pointer and keyboard input on the grid: a row's box (shift-click selects a range), star, Start / Stop, a click or
// Enter / Space on a row to open its details, a group row to fold it, a header (click, Enter or Space) to sort.

import { view, updateView } from './view.js';
import * as actions from './actions.js';
import { toggleStar } from './stars.js';
import { nextSort } from './table-order.js';
import { T } from './table-state.js';
import { setSelected, selectAllVisible, updateSelectionUi } from './table-selection.js';
import { onGroupClick } from './table-groups.js';

/** Listens on the grid's body and header (once, at start). */
export function bindEvents() {
  T.tbody.addEventListener('click', onBodyClick);
  T.tbody.addEventListener('keydown', onBodyKey);
  T.thead.addEventListener('click', e => {
    const th = e.target.closest('.th[data-sort-key]');
    if (th) cycleSort(th.dataset.sortKey);
  });
  T.thead.addEventListener('keydown', e => {
    const th = e.target.closest('.th[data-sort-key]');
    if (th && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      cycleSort(th.dataset.sortKey);
    }
  });
  T.thead.addEventListener('change', e => {
    if (e.target.matches('[data-testid="select-all"]')) selectAllVisible(e.target.checked);
  });
}

function cycleSort(key) {
  updateView({ sort: nextSort(view.sort, key) });
}

function onBodyClick(e) {
  const tr = e.target.closest('.row');
  if (!tr || !T.tbody.contains(tr)) return;
  if (tr.classList.contains('group-row')) {
    if (e.target.closest('input, button') || !window.getSelection()?.toString()) onGroupClick(e, tr);
    return;
  }
  const id = tr.dataset.id;
  const rv = T.rows.get(id);
  if (!rv) return;

  if (e.target.matches('[data-testid="row-select"]')) {
    const on = e.target.checked;
    if (e.shiftKey && T.lastSelectedId && T.lastSelectedId !== id) {
      const a = T.orderIndex.get(T.lastSelectedId) ?? -1;
      const b = T.orderIndex.get(id) ?? -1;
      if (a >= 0 && b >= 0) for (let k = Math.min(a, b); k <= Math.max(a, b); k++) setSelected(T.order[k], on);
    }
    setSelected(id, on);
    T.lastSelectedId = id;
    updateSelectionUi();
    return;
  }
  if (e.target.closest('[data-testid="row-star"]')) {
    toggleStar(id);
    return;
  }
  const button = e.target.closest('button[data-action]');
  if (button) {
    const action = button.dataset.action;
    if (action === 'start') actions.start(id);
    else if (action === 'stop') actions.stop(id);
    else if (action === 'restore') actions.restore([id]);
    else if (action === 'retry') actions.retry(id);
    return;
  }
  if (e.target.closest('.col-select')) {
    // a click next to the checkbox toggles it: a bigger target
    rv.parts.checkbox.click();
    return;
  }
  if (window.getSelection()?.toString()) return; // selecting text is not a click
  toggleDetails(id);
}

function onBodyKey(e) {
  if (e.target.matches('.row') && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    toggleDetails(e.target.dataset.id);
  }
}


export function toggleDetails(id) {
  const open = new Set(view.open);
  if (open.has(id)) open.delete(id);
  else open.add(id);
  updateView({ open });
}
