// Group rows (with a group-by): a collapsible header row per group with its count, counts by state, GPU-hours and
// dollars, and a box that selects the group's rows.

import { el, setText, setAttr } from './dom.js';
import { store } from './store.js';
import { view, updateView } from './view.js';
import { badgeClass, stateHelp, costNow, costText } from './format.js';
import { stateRank } from './table-order.js';
import { T, GROUP } from './table-state.js';
import { setSelected, updateSelectionUi, patchGroupSelection } from './table-selection.js';

/** The group row for `group` (created on first use), patched to its current counts. */
export function groupView(group) {
  const key = GROUP + group.value;
  let gv = T.groupViews.get(key);
  if (!gv) {
    const checkbox = el('input', { type: 'checkbox', testid: 'group-select' });
    const toggle = el('button', { type: 'button', class: 'group-toggle', testid: 'group-toggle' });
    const label = el('span', { class: 'group-label', testid: 'group-label' });
    const count = el('span', { class: 'group-count', testid: 'group-count' });
    const states = el('span', { class: 'group-states', testid: 'group-states' });
    const cost = el('span', { class: 'group-cost', testid: 'group-cost' });
    const extra = el('span', { class: 'group-extra', testid: 'group-extra' }); // filled by the group decorator
    const tr = el('div', { class: 'row group-row', role: 'row', testid: 'group-row', dataset: { value: group.value } },
      el('div', { class: 'td group-cell', role: 'gridcell' }, el('div', { class: 'group-head' }, checkbox, toggle, label, count, states, cost, extra)));
    gv = { key, tr, checkbox, toggle, label, count, states, cost, extra, group: null, signature: '' };
    T.groupViews.set(key, gv);
  }
  gv.group = group;
  const folded = view.fold.has(group.value);
  const stateText = Object.entries(group.states).sort((a, b) => stateRank(a[0]) - stateRank(b[0]));
  const signature = `${folded}|${group.label}|${group.ids.length}|${stateText.join(';')}|${view.by}`;
  if (signature !== gv.signature) {
    gv.signature = signature;
    const what = `${T.groups === null ? '' : byLabel()} = ${group.label}`;
    setText(gv.toggle, folded ? '▸' : '▾');
    setAttr(gv.toggle, 'aria-label', `${folded ? 'Unfold' : 'Fold'} ${what}`);
    setAttr(gv.tr, 'aria-expanded', folded ? 'false' : 'true');
    gv.label.replaceChildren(el('span', { class: 'muted' }, `${byLabel()} = `), el('strong', null, group.label));
    setText(gv.count, `${group.ids.length}`);
    setAttr(gv.checkbox, 'aria-label', `Select the ${group.ids.length} experiments of ${what}`);
    gv.states.replaceChildren(...stateText.map(([state, n]) => el('span', { class: badgeClass(state, 'current'), title: stateHelp(state) }, `${state} ${n}`)));
  }
  patchGroupCost(gv);
  patchGroupSelection(gv);
  groupDecorator(view.by, group, gv.extra);
  return gv;
}

// A sweep's progress and actions in its group row (sweeps.js) come through this hook.
let groupDecorator = () => {};

/** fn(by, group, container) is called whenever a group row is drawn or patched; it owns `container`. */
export function decorateGroupRows(fn) {
  groupDecorator = fn;
}

/** The group's GPU-hours and dollars, all its experiments together (ticking on while any of them runs). */
export function patchGroupCost(gv, now = Date.now()) {
  let hours = 0;
  let usd = 0;
  let priced = false;
  for (const id of gv.group.ids) {
    const c = costNow(store.get(id)?.cost, now);
    if (!c) continue;
    hours += c.gpuHours;
    if (c.usd !== null) {
      usd += c.usd;
      priced = true;
    }
  }
  setText(gv.cost, hours > 0 ? costText({ gpu_hours: hours, gpus_accruing: 0, usd: priced ? usd : null, usd_per_hour: 0, as_of: null }, now) : '');
}

function byLabel() {
  return view.by.startsWith('f:') ? view.by.slice(2) : view.by;
}

/** A state changed inside a group: its counts change (membership and order changes regroup everything). */
export function patchGroups(changed) {
  const touched = new Set();
  for (const group of T.groups) {
    if (!group.ids.some(id => changed.has(id))) continue;
    group.states = {};
    for (const id of group.ids) {
      const state = store.get(id)?.current_state;
      group.states[state] = (group.states[state] || 0) + 1;
    }
    touched.add(GROUP + group.value);
  }
  for (const key of touched) {
    const gv = T.groupViews.get(key);
    if (gv) groupView(gv.group);
  }
}

export function onGroupClick(e, tr) {
  const gv = T.groupViews.get(GROUP + tr.dataset.value);
  if (!gv) return;
  if (e.target === gv.checkbox) {
    for (const id of gv.group.ids) setSelected(id, gv.checkbox.checked);
    updateSelectionUi();
    return;
  }
  const fold = new Set(view.fold);
  if (fold.has(gv.group.value)) fold.delete(gv.group.value);
  else fold.add(gv.group.value);
  updateView({ fold });
}
