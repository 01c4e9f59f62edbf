// Which experiments are selected: the row boxes, select-all over the rows shown, a group's box over its rows, and
// what the bulk bar is told. The selection outlives scrolling (rows are redrawn from it) and a filter prunes it.

import { setClass } from './dom.js';
import { T } from './table-state.js';
import { rowClass } from './table-rows.js';

export function selectedIds() {
  return [...T.selection];
}

export function clearSelection() {
  const ids = [...T.selection];
  T.selection.clear();
  for (const id of ids) refreshRowClass(id);
  updateSelectionUi();
}

export function refreshRowClass(id) {
  const rv = T.rows.get(id);
  if (!rv) return;
  setClass(rv.tr, rowClass(rv, rv.dto));
  rv.checkedAs = T.selection.has(id);
  rv.parts.checkbox.checked = rv.checkedAs;
}

export function setSelected(id, on) {
  if (id === undefined) return; // paged: a row not loaded (a hole in T.order)
  if (on) T.selection.add(id);
  else T.selection.delete(id);
  refreshRowClass(id);
}

export function selectAllVisible(on) {
  for (const id of T.order) if (id !== undefined) setSelected(id, on); // paged: the loaded rows only
  updateSelectionUi();
}

export function pruneSelection() {
  const visible = new Set(T.order);
  for (const id of [...T.selection]) if (!visible.has(id)) setSelected(id, false);
}

export function updateSelectionUi() {
  const all = T.thead.querySelector('[data-testid="select-all"]');
  if (all) {
    // paged: select-all covers the loaded rows (T.orderIndex), and says so
    const shown = T.orderIndex.size;
    const label = T.orderIndex.size < T.order.length
      ? `Select the ${shown.toLocaleString('en')} loaded rows (not the other ${(T.order.length - shown).toLocaleString('en')} matches)`
      : 'Select all shown';
    if (all.title !== label) {
      all.title = label;
      all.setAttribute('aria-label', label);
    }
    let picked = 0;
    for (const id of T.orderIndex.keys()) if (T.selection.has(id)) picked++;
    all.checked = shown > 0 && picked === shown;
    all.indeterminate = picked > 0 && picked < shown;
  }
  for (const gv of T.groupViews.values()) patchGroupSelection(gv);
  T.onSelectionChange([...T.selection]);
}

export function patchGroupSelection(gv) {
  let picked = 0;
  for (const id of gv.group.ids) if (T.selection.has(id)) picked++;
  gv.checkbox.checked = picked > 0 && picked === gv.group.ids.length;
  gv.checkbox.indeterminate = picked > 0 && picked < gv.group.ids.length;
}
