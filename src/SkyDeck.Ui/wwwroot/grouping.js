// Grouping the table's rows by a flag, the experiment's group, its sweep or its state: pure functions over the
// visible, sorted rows. A group row heads each group (collapsible) with counts by state; rows keep their sort order
// inside their group; groups are ordered by their value, "(not set)" last.

import { flagText, compareValues } from './format.js';

/** What a `by` view value groups on, and how it is labelled. by: 'group' | 'sweep' | 'state' | 'f:<flag key>'. */
export function groupKeyFn(by) {
  if (!by) return null;
  if (by === 'group') return { label: 'group', value: e => e.group || null, raw: e => e.group || null };
  if (by === 'sweep') return { label: 'sweep', value: e => e.sweep || null, raw: e => e.sweep || null };
  if (by === 'state') return { label: 'state', value: e => e.current_state || null, raw: e => e.current_state || null };
  if (by.startsWith('f:')) {
    const key = by.slice(2);
    return {
      label: key,
      value: e => (e.flags && key in e.flags ? flagText(e.flags, key) : null),
      raw: e => (e.flags && key in e.flags ? e.flags[key] : null),
    };
  }
  return null;
}

/** The key a group row is known by in the view (`fold`) and the DOM: its value's text, or '' when not set. */
export const NOT_SET = '';

/**
 * Splits sorted rows into groups. Returns [{value, label, raw, ids, states: {STATE: n}, deleted}] in display order.
 * @param {Array<object>} rows  visible experiments, already sorted
 * @param {string} by           the view's group-by
 */
export function groupRows(rows, by) {
  const key = groupKeyFn(by);
  if (!key) return null;
  const groups = new Map();
  for (const e of rows) {
    const text = key.value(e);
    const value = text === null ? NOT_SET : text;
    let g = groups.get(value);
    if (!g) groups.set(value, (g = { value, label: text === null ? '(not set)' : text, raw: key.raw(e), ids: [], states: {} }));
    g.ids.push(e.id);
    g.states[e.current_state] = (g.states[e.current_state] || 0) + 1;
  }
  return [...groups.values()].sort((a, b) => {
    if ((a.value === NOT_SET) !== (b.value === NOT_SET)) return a.value === NOT_SET ? 1 : -1;
    return compareValues(a.raw, b.raw) || compareValues(a.label, b.label);
  });
}

/**
 * The table's display list: for each group its header item, then (unless folded) its rows. Without groups, the rows.
 * Items are {kind: 'group', group} or {kind: 'row', id}.
 */
export function displayItems(rowIds, groups, folded) {
  if (!groups) return rowIds.map(id => ({ kind: 'row', id }));
  const items = [];
  for (const group of groups) {
    items.push({ kind: 'group', group });
    if (!folded.has(group.value)) for (const id of group.ids) items.push({ kind: 'row', id });
  }
  return items;
}

/**
 * Flag keys whose value in `row` differs from the baseline's (a flag set on one and not the other differs too).
 * Strings and numbers compare by their exact text, so 1 and "1" differ.
 */
export function differingFlags(row, baseline, keys) {
  const differs = new Set();
  const a = row.flags || {};
  const b = baseline.flags || {};
  for (const key of keys) {
    const inA = key in a;
    const inB = key in b;
    if (inA !== inB || (inA && (typeof a[key] !== typeof b[key] || flagText(a, key) !== flagText(b, key)))) differs.add(key);
  }
  return differs;
}
