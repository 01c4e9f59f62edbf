// The header of the grid: the base columns and the tree of dotted flag keys (one header row per level), with the sort
// marks. Rebuilt only when the set of flag columns changes.

import { el, setText, setAttr } from './dom.js';
import { view } from './view.js';
import { headerLayout } from './columns.js';
import { T } from './table-state.js';
import { paging } from './paging.js';
import { canSortPaged } from './paging-core.js';

export const BASE_COLUMNS = [
  { key: 'select', label: '', sortable: false },
  { key: 'expand', label: '', sortable: false },
  { key: 'id', label: 'ID' },
  { key: 'name', label: 'Name' },
  { key: 'desired', label: 'Desired' },
  { key: 'current', label: 'Current' },
  { key: 'job', label: 'Job' },
  { key: 'nodes', label: 'Nodes' },
  { key: 'gpus', label: 'GPUs' },
  { key: 'cost', label: 'GPU-h · $' },
  { key: 'actions', label: '', sortable: false },
];

const FROZEN = 4; // select, expand, ID and Name: the first four, never moved

/** The base columns in display order: the frozen four, then the movable ones in T.baseOrder. */
export function baseColumns() {
  const byKey = new Map(BASE_COLUMNS.map(c => [c.key, c]));
  return [...BASE_COLUMNS.slice(0, FROZEN), ...T.baseOrder.map(k => byKey.get(k))];
}

export function buildHeader() {
  const layout = headerLayout(T.columnKeys);
  const depth = T.columnKeys.length ? layout.depth : 1;
  T.headerDepth = depth;
  setAttr(T.table, 'aria-rowcount', String(T.visibleCount + T.headerDepth));
  // Header cells are laid out by the CSS grid of .grid-head; ARIA wants them inside rows, so each header level is a
  // role=row wrapper with display: contents (no box of its own, so the grid placement is unchanged).
  const headerRows = Array.from({ length: depth }, (_, level) => el('div', { class: 'head-row', role: 'row', 'aria-rowindex': level + 1 }));
  const cells = headerRows[0];
  const place = (level, th) => headerRows[level].append(th);
  const base = baseColumns();
  base.forEach((col, i) => {
    const th = el('div', { class: `th col-${col.key}`, role: 'columnheader', testid: `col-${col.key}` });
    th.style.gridColumn = String(i + 1);
    th.style.gridRow = `1 / span ${depth}`;
    if (col.key === 'select') {
      th.append(el('input', { type: 'checkbox', testid: 'select-all', title: 'Select all shown', 'aria-label': 'Select all shown' }));
    } else if (col.sortable !== false && paging.active && !canSortPaged(col.key)) {
      // paged: the server sorts by id, name, desired, current state and flags only
      th.classList.add('unsortable');
      th.title = `Sorting by ${col.label} needs every row; the table is paged, and the server sorts by ID, Name, Desired, Current and flags`;
      th.append(el('span', { class: 'th-label' }, col.label));
    } else if (col.sortable !== false) {
      th.dataset.sortKey = col.key;
      th.classList.add('sortable');
      th.tabIndex = 0;
      th.append(el('span', { class: 'th-label' }, col.label), el('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
    } else if (col.key === 'actions') {
      th.title = 'Start / Stop';
      th.append(el('span', { class: 'sr-only' }, 'Start or stop'));
    } else if (col.key === 'expand') {
      th.append(el('span', { class: 'sr-only' }, 'Details'));
    }
    cells.append(th);
  });
  const firstColumn = base.length + 1;
  const position = new Map(T.columnKeys.map((k, i) => [k, firstColumn + i]));
  if (T.columnKeys.length) {
    layout.rows.forEach((rowCells, level) => {
      for (const cell of rowCells) {
        let th;
        if (cell.kind === 'group') {
          const first = T.columnKeys.find(k => k === cell.path || k.startsWith(cell.path + '.'));
          th = el('div', { class: 'th col-flag-group', role: 'columnheader', title: cell.path, testid: 'col-group', dataset: { path: cell.path } }, cell.label);
          th.style.gridColumn = `${position.get(first)} / span ${cell.colSpan}`;
          th.style.gridRow = String(level + 1);
        } else {
          th = el('div', {
            class: 'th col-flag sortable',
            role: 'columnheader',
            title: `${cell.key} (click to sort)`,
            testid: 'col-flag',
            tabIndex: 0,
            dataset: { key: cell.key, sortKey: `f:${cell.key}` },
          }, el('span', { class: 'th-label' }, cell.label), el('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
          th.style.gridColumn = String(position.get(cell.key));
          th.style.gridRow = `${level + 1} / span ${cell.rowSpan}`;
        }
        place(level, th);
      }
    });
  } else {
    const none = el('div', { class: 'th col-flag-none', role: 'columnheader' }, 'Flags');
    none.style.gridColumn = String(firstColumn);
    none.style.gridRow = '1';
    cells.append(none);
  }
  T.thead.replaceChildren(...headerRows);
  // scrolling a row into view must not leave it under the sticky header
  requestAnimationFrame(() => (T.wrap.style.scrollPaddingTop = `${T.thead.getBoundingClientRect().height}px`));
  updateHeaderSort();
}

export function updateHeaderSort() {
  for (const th of T.thead.querySelectorAll('.th[data-sort-key]')) {
    const active = view.sort && view.sort.key === th.dataset.sortKey;
    th.classList.toggle('sorted', !!active);
    setAttr(th, 'aria-sort', active ? (view.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    setText(th.querySelector('.sort-mark'), active ? (view.sort.dir > 0 ? '▲' : '▼') : '');
  }
}
