// The table's shared state: what the split modules of the table (table.js, table-rows.js, table-header.js,
// table-selection.js, table-groups.js, table-keyboard.js) read and write. One object, so a module can replace a
// field (`T.order = ...`) and the others see it; nothing outside the table imports it.

import { MOVABLE_BASE } from './columns.js';

export const GROUP = '\u0000group:'; // prefix of a group row's item key
export const PENDING = '\u0000pending:'; // prefix of a placeholder row's key (paged: its row is still being loaded)

export const T = {
  /** The grid's nodes (set by initTable). */
  table: null,
  thead: null,
  tbody: null,
  wrap: null,
  /** id → RowView of every row in the DOM (and of open rows scrolled away). */
  rows: new Map(),
  /** Ids of the selected experiments. */
  selection: new Set(),
  /** Ids of every visible row (filter, deleted toggle), in display order, and id → index in it. */
  order: [],
  orderIndex: new Map(),
  /** With a group-by: the groups of `order`, in display order. */
  groups: null,
  /** With a group-by, what is displayed, in order: {kind: 'row', id} and {kind: 'group', group}; id → index. Without
   *  one, items is null: the rows of `order` are what is displayed, and itemIndex is orderIndex. */
  items: [],
  itemIndex: new Map(),
  /** Group item key → its rendered group row. */
  groupViews: new Map(),
  /** Placeholder key (PENDING + index) → its row node (paged table, page not loaded yet). */
  pendingViews: new Map(),
  /** Item keys (a row's id, or GROUP + a group's value) of what is in the DOM, in order. */
  rendered: [],
  /** The baseline experiment's dto (view.base), while it exists. */
  baseline: null,
  /** The movable base columns in display order (columns.js orderBase), and that order joined. */
  baseOrder: MOVABLE_BASE,
  baseSignature: MOVABLE_BASE.join(','),
  /** The flag columns shown, and the signature of all columns (the base order and the flag keys joined). */
  columnKeys: [],
  columnSignature: null,
  /** Header rows (the depth of the dotted-key tree). */
  headerDepth: 1,
  visibleCount: 0,
  lastSelectedId: null,
  onSelectionChange: () => {},
};
