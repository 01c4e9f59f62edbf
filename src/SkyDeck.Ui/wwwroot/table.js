// The experiments table: one keyed row per experiment, virtualized. Store changes mark rows dirty; one animation frame
// later the visible order is recomputed (only when membership or a sort key changed) and only the rows in the viewport
// (plus a few either side) exist in the DOM: padding above and below stands in for the rest (viewport.js computes the
// window, the panels of open rows included). Scrolling renders the new window; a live update patches its row only if
// it is on screen. The header (and every rendered row's flag cells) is rebuilt only when the set of flag columns
// changes.
//
// It is an ARIA treegrid of divs rather than a <table>: every row is a fixed-height box, its size and layout contained
// (not its paint: see .row in app.css). Column widths come from the data (all visible rows, measured from the text,
// not the DOM) and are shared through one CSS variable, so columns stay aligned while scrolling and do not jump when a
// value changes.
//
// This module is the frame loop and the window; its parts live beside it: table-state.js (the shared state),
// table-rows.js (one row), table-header.js, table-selection.js, table-groups.js (group rows), table-keyboard.js
// (pointer and keys), and the pure table-order.js, table-widths.js and table-keys.js.

import { el, setText, setAttr, setClass, clear } from './dom.js';
import { store } from './store.js';
import { view, updateView, onViewChange } from './view.js';
import { compileFilter } from './filter.js';
import { splitVarying, leafOrder, orderColumns, orderBase } from './columns.js';
import { createDetails } from './details.js';
import { windowFor, offsetOf } from './viewport.js';
import { groupRows, displayItems } from './grouping.js';
import { isStarred, onStarsChange } from './stars.js';
import { T, GROUP, PENDING } from './table-state.js';
import { paging } from './paging.js';
import { sortList, sortChanged, longestIncreasing } from './table-order.js';
import { HIDEABLE, emptyWidths, measureAll, measureCached, columnWidths } from './table-widths.js';
import { createKeyCounts } from './table-keys.js';
import { buildHeader, updateHeaderSort } from './table-header.js';
import { createRow, recycleRow, buildFlagCells, patchRow, patchFlags, patchCost, patchStar, rowClass, stateNote, jobNote } from './table-rows.js';
import { refreshRowClass, pruneSelection, updateSelectionUi } from './table-selection.js';
import { groupView, patchGroups, patchGroupCost } from './table-groups.js';
import { bindEvents } from './table-keyboard.js';

export { HIDEABLE } from './table-widths.js';
export { selectedIds, clearSelection } from './table-selection.js';
export { toggleDetails } from './table-keyboard.js';
export { decorateGroupRows } from './table-groups.js';

export const stats = {
  /** Duration of the first flush that had data (the first screen of rows). */
  initialRenderMs: null,
  /** performance.now() when the first rows were in the DOM. */
  firstRowsAt: null,
  /** performance.now() when the rows of the first window were in the DOM (all a virtualized table ever creates at once). */
  allRowsAt: null,
  flushes: [],
  record(ms, rows, phases) {
    this.flushes.push({ at: performance.now(), ms, rows, phases });
    if (this.flushes.length > 500) this.flushes.splice(0, this.flushes.length - 500);
  },
};

const matches = new Map(); // id → passes the filter
const keyCounts = createKeyCounts(); // flag key → number of visible experiments that have it
let win = { start: 0, end: 0, top: 0, bottom: 0, total: 0 };
let windowDirty = false; // scrolled or resized since the last render
let rowHeight = 31; // read from --row-height in app.css at start
const OVERSCAN = 10; // rows rendered beyond each edge of the viewport
const SPARE_MAX = 120; // rows kept out of the DOM for reuse (the window shrank: a filter, a fold)
const spare = []; // RowViews out of the DOM, ready to be re-filled (recycleRow)
const PANEL_ESTIMATE = 420; // px assumed for a details panel until it is measured
const panelHeights = new Map(); // id → measured px of its open details panel
let panelObserver;
let constantFlags = [];
let filterFn = compileFilter('');
let dirty = new Set();
let full = true;
let resort = false; // only the sort changed: reorder, no filtering or measuring
let frame = 0;
let countNode;
let emptyNode;
let commonNode;
let widths = emptyWidths([]); // px each column needs (table-widths.js), grown row by row
let applied = ''; // the widths last written to the grid

export function initTable({ selectionChanged }) {
  T.onSelectionChange = selectionChanged;
  T.table = document.querySelector('[data-testid="experiments-table"]');
  T.thead = T.table.querySelector('[data-testid="grid-head"]');
  T.tbody = T.table.querySelector('[data-testid="grid-body"]');
  countNode = document.querySelector('[data-testid="row-count"]');
  emptyNode = document.querySelector('[data-testid="empty-state"]');
  commonNode = document.querySelector('[data-testid="common-flags"]');
  T.wrap = T.table.parentElement;
  rowHeight = parseFloat(getComputedStyle(T.table).getPropertyValue('--row-height')) || rowHeight;
  filterFn = compileFilter(view.q);
  for (const id of view.open) pendingOpen.add(id); // opened by the URL the page was opened with

  const windowMoved = () => {
    windowDirty = true;
    schedule();
  };
  T.wrap.addEventListener('scroll', () => {
    windowMoved();
    if (settleTimer) clearTimeout(settleTimer);
    settleTimer = setTimeout(settled, SETTLE_MS);
  }, { passive: true });
  new ResizeObserver(windowMoved).observe(T.wrap);
  // an open panel that grows or shrinks (jobs loaded, the editor opened) moves every row below it
  panelObserver = new ResizeObserver(entries => {
    for (const entry of entries) {
      const id = entry.target.dataset.id;
      const h = entry.borderBoxSize?.[0]?.blockSize ?? entry.target.getBoundingClientRect().height;
      if (view.open.has(id) && h > 0 && panelHeights.get(id) !== h) {
        panelHeights.set(id, h);
        windowDirty = true;
      }
    }
    // placed now, before this frame paints: the rows below a panel that grew never overlap it
    if (windowDirty && store.loaded) renderWindow(true);
  });

  store.subscribe(change => {
    for (const id of change.changed) dirty.add(id);
    for (const id of change.removed) dirty.add(id);
    if (change.initial) full = true;
    schedule();
  });
  onViewChange(patch => {
    if ('q' in patch) filterFn = compileFilter(view.q);
    if ('q' in patch || 'deleted' in patch || 'varying' in patch || 'starred' in patch || 'hide' in patch || 'cols' in patch || 'basecols' in patch) full = true;
    if ('sort' in patch || 'by' in patch || 'fold' in patch) resort = true;
    if ('base' in patch) rebase();
    if ('open' in patch) syncOpen();
    schedule();
  });

  bindEvents();
  // paged (paging.js): a page arrived or the loaded rows moved; the selection's pages stay loaded
  paging.onChange(() => {
    resort = true;
    schedule();
  });
  paging.pinned = () => T.selection;
  onStarsChange(id => {
    const rv = T.rows.get(id);
    if (rv) patchStar(rv);
    if (view.starred) {
      dirty.add(id);
      schedule();
    }
  });
  setInterval(tick, 1000);
}

function schedule() {
  if (!frame) frame = requestAnimationFrame(flush);
}

/** Applies pending changes now (tests and measurements call this through the debug hook). */
export function flushNow() {
  if (frame) cancelAnimationFrame(frame);
  flush();
}

function visibleIn(dto) {
  if (paging.active) return paging.has(dto.id); // the server filtered: shown when loaded
  return (view.deleted || !dto.deleted) && matches.get(dto.id) === true && (!view.starred || isStarred(dto.id));
}

function flush() {
  frame = 0;
  if (!store.loaded) return;
  const t0 = performance.now();
  const wasFull = full;
  const wasResort = resort;
  const changed = dirty;
  dirty = new Set();
  full = false;
  resort = false;

  // the baseline's values may have changed, or it appeared (the view named it before the data came)
  const base = view.base ? store.get(view.base) ?? null : null;
  const rebaseAfter = base !== T.baseline;
  T.baseline = base;

  // Only scrolled (or resized): render the new window, nothing else.
  if (!wasFull && !wasResort && changed.size === 0) {
    if (windowDirty) renderWindow(false);
    if (reorderDom) {
      reorderDom = false;
      if (domOrderStale) place();
    }
    stats.record(performance.now() - t0, 0);
    return;
  }

  // 1. filter membership and flag-key counts: everything after a view change, else only the changed rows
  let membershipChanged = wasFull;
  let orderChanged = wasFull || wasResort;
  const shown = T.orderIndex; // the rows shown before this flush (replaced, never changed in place, in step 3)
  if (wasFull) {
    matches.clear();
    keyCounts.clear();
    for (const dto of store.values()) {
      matches.set(dto.id, filterFn(dto));
      if (visibleIn(dto)) keyCounts.count(dto);
    }
  }
  for (const id of changed) {
    const dto = store.get(id);
    if (!dto) {
      dropRow(id);
      keyCounts.uncount(id);
      membershipChanged ||= shown.has(id);
      continue;
    }
    if (wasFull) continue;
    matches.set(id, filterFn(dto));
    const now = visibleIn(dto);
    keyCounts.uncount(id);
    if (now) keyCounts.count(dto);
    if (now !== shown.has(id)) membershipChanged = true;
    else if (now && sortChanged(T.rows.get(id)?.dto, dto, view.sort)) orderChanged = true;
  }

  const tFilter = performance.now();
  // 2. flag columns (only those that vary, if asked: that needs every visible row)
  let visible = null;
  const visibleList = () => (visible ??= [...store.values()].filter(visibleIn));
  let keys;
  if (keyCounts.dirty || wasFull || view.varying) {
    keys = leafOrder(keyCounts.keys());
    keyCounts.dirty = false;
    const all = keys.join('\n');
    if (all !== allKeysSignature) {
      allKeysSignature = all;
      for (const listener of flagKeyListeners) listener(keys);
    }
    constantFlags = [];
    if (view.varying && !paging.active && visibleList().length > 1) {
      const split = splitVarying(keys, visibleList());
      keys = split.varying;
      constantFlags = split.constant;
    }
    if (view.hide.size) keys = keys.filter(k => !view.hide.has(`f:${k}`));
    keys = orderColumns(keys, view.cols);
  } else {
    keys = T.columnKeys;
  }
  const baseOrder = orderBase(view.basecols);
  const baseSignature = baseOrder.join(',');
  const signature = baseSignature + '|' + keys.join('\n');
  const columnsChanged = signature !== T.columnSignature;
  if (columnsChanged) {
    T.baseOrder = baseOrder;
    T.baseSignature = baseSignature;
    T.columnKeys = keys;
    T.columnSignature = signature;
    buildHeader();
    widths = emptyWidths(T.columnKeys);
    applied = '';
  } else if (wasFull || wasResort) {
    updateHeaderSort();
  }

  const tColumns = performance.now();
  // 3–4. rows and order. After a membership, order or column change: sort the visible rows and render the window
  // (rows that stay are patched and moved with the fewest DOM moves). Otherwise only the changed rows that are
  // rendered (or have an open panel) are patched in place; the others are drawn from the store when scrolled to.
  if (columnsChanged || membershipChanged || orderChanged) {
    if (paging.active) {
      // the server's order: `total` rows, a hole where a page is not loaded yet (a placeholder row); no groups
      ({ order: T.order, index: T.orderIndex } = paging.order());
      T.groups = null;
    } else {
      const list = visibleList();
      sortList(list, view.sort);
      const order = new Array(list.length);
      const orderIndex = new Map();
      for (let i = 0; i < list.length; i++) orderIndex.set((order[i] = list[i].id), i);
      T.order = order;
      T.orderIndex = orderIndex;
      T.groups = groupRows(list, view.by);
    }
    // without groups the items are the rows: T.order and its index (no 10,000 item objects, no second map)
    if (T.groups) {
      T.items = displayItems(T.order, T.groups, view.fold);
      T.itemIndex = new Map();
      T.items.forEach((item, i) => item.kind === 'row' && T.itemIndex.set(item.id, i));
    } else {
      T.items = null;
      T.itemIndex = T.orderIndex;
    }
    T.visibleCount = T.order.length;
    setAttr(T.table, 'aria-rowcount', String(T.visibleCount + T.headerDepth));
    renderWindow(true);
    if (pendingOpen.size) revealPending();
  } else {
    for (const id of changed) {
      const rv = T.rows.get(id);
      const dto = store.get(id);
      if (rv && dto && rv.dto !== dto) patchRow(rv, dto);
    }
    if (T.groups && changed.size) patchGroups(changed);
    if (windowDirty) renderWindow(false);
  }

  const tRows = performance.now();
  if (rebaseAfter) rebase();
  // 5. column widths (fixed layout: a changed value can widen its column, never reflow the whole table by itself)
  // (a full pass measures every visible row; otherwise changed rows can only widen their columns)
  const misses = measureAll.misses;
  if (columnsChanged || wasFull) widths = measureAll(visibleList(), T.columnKeys);
  else for (const id of changed) if (store.has(id) && visibleIn(store.get(id))) measureCached(widths, store.get(id), T.columnKeys);
  const tMeasured = performance.now();
  applyWidths();

  const tWidths = performance.now();
  // 6. everything around the table
  if (membershipChanged) pruneSelection();
  updateSelectionUi();
  updateCounts(T.visibleCount);
  renderCommonFlags();

  const ms = performance.now() - t0;
  if (stats.initialRenderMs === null) {
    stats.initialRenderMs = ms;
    stats.firstRowsAt = performance.now();
  }
  if (stats.allRowsAt === null && T.rendered.length) stats.allRowsAt = performance.now();
  for (const listener of tableListeners) listener();
  stats.record(ms, changed.size, {
    filter: tFilter - t0, columns: tColumns - tFilter, rows: tRows - tColumns, widths: tWidths - tRows, widthsMeasured: tMeasured - tRows, rowsMeasured: measureAll.misses - misses, rest: t0 + ms - tWidths,
  });
}

// ---------- the window of rendered rows ----------

const NO_EXTRAS = [];

/** [index, px] of every open panel among the visible rows, by index: the extra heights the window must skip. */
function panelExtras() {
  if (view.open.size === 0) return NO_EXTRAS;
  const extras = [];
  for (const id of view.open) {
    const i = T.itemIndex.get(id);
    if (i !== undefined) extras.push([i, panelHeights.get(id) ?? PANEL_ESTIMATE]);
  }
  return extras.sort((a, b) => a[0] - b[0]);
}

// The rendered rows are a pool: each is absolutely placed (translateY) in a body as tall as the whole list, so a row
// that stays in the window never moves, and while scrolling a row leaving the window is re-filled in place with one
// entering it (no DOM move, no padding, no re-layout of the rest). The DOM order then lags the display order; it is
// put back (the fewest moves) after any change of order, and once scrolling has settled, so Tab and assistive
// technology read the rows in order.
let rendering = []; // the other buffer of T.rendered (swapped each render: no new array per frame)
const freed = []; // rows that left the window in this render (re-filled with the rows entering it)
const placedAt = new WeakMap(); // node → the px its transform was last set to
let bodyHeight = -1; // px last written as the body's height
let domOrderStale = false; // scrolled: the DOM order of the rendered rows is not their display order
let settleTimer = 0;
const SETTLE_MS = 150; // no scroll event for this long: scrolling has settled

function settled() {
  settleTimer = 0;
  if (!domOrderStale) return;
  reorderDom = true;
  schedule();
}
let reorderDom = false;

function placeAt(node, y) {
  if (placedAt.get(node) === y) return;
  placedAt.set(node, y);
  node.style.transform = `translateY(${y}px)`;
}

/**
 * Puts the rows in view (and OVERSCAN either side) in the DOM, placed at their offsets. With force, rows are re-placed
 * and put in display order even when the window did not move (the order or the columns changed, a panel opened).
 */
function renderWindow(force) {
  windowDirty = false;
  // read layout first (the body's offset under the header, the scroll position), then write
  const w = windowFor({
    count: T.items ? T.items.length : T.order.length, rowHeight, extras: panelExtras(), scrollTop: T.wrap.scrollTop - T.tbody.offsetTop, height: T.wrap.clientHeight, overscan: OVERSCAN,
  });
  if (paging.active) paging.want(w.start, w.end);
  if (!force && w.start === win.start && w.end === win.end && w.top === win.top && w.bottom === win.bottom) return;
  win = w;
  const next = rendering;
  next.length = 0;
  for (let i = w.start; i < w.end; i++) {
    const item = T.items?.[i];
    next.push(!item ? T.order[i] ?? PENDING + i : item.kind === 'row' ? item.id : GROUP + item.group.value);
  }
  // what leaves the window: without groups a row's index says it; with them, a set of what stays
  const staying = T.items ? new Set(next) : null;
  freed.length = 0;
  for (const key of T.rendered) {
    if (staying ? staying.has(key) : inWindow(key, w)) continue;
    if (key.startsWith(PENDING)) {
      T.pendingViews.get(key)?.remove();
      T.pendingViews.delete(key);
      continue;
    }
    if (key.startsWith(GROUP)) {
      T.groupViews.get(key)?.tr.remove();
      T.groupViews.delete(key);
      continue;
    }
    const rv = T.rows.get(key);
    if (!rv) continue;
    if (!rv.details && !rv.flash && !rv.tr.contains(document.activeElement)) {
      // a closed row is re-filled with a row that enters (it stays where it is in the DOM: placed, not moved)
      T.rows.delete(key);
      freed.push(rv);
      continue;
    }
    rv.tr.remove();
    rv.detailTr?.remove();
    if (!rv.details) T.rows.delete(key); // an open row keeps its panel (and whatever is being edited in it) while away
  }
  let reused = 0; // rows are re-filled in the order they left: after a sort the DOM order then already is the new one
  for (let k = 0; k < next.length; k++) {
    const key = next[k];
    const ariaRow = T.headerDepth + w.start + k + 1;
    if (key.startsWith(PENDING)) {
      const tr = pendingRow(key);
      if (tr.parentNode !== T.tbody) T.tbody.append(tr);
      continue;
    }
    if (key.startsWith(GROUP)) {
      const gv = groupView(T.items[w.start + k].group);
      setRowIndex(gv, ariaRow);
      if (gv.tr.parentNode !== T.tbody) T.tbody.append(gv.tr);
      continue;
    }
    const dto = store.get(key);
    let rv = T.rows.get(key);
    if (!rv) {
      const reuse = reused < freed.length ? freed[reused++] : spare.pop();
      T.rows.set(key, (rv = reuse ? recycleRow(reuse, dto) : createRow(dto)));
    } else if (rv.signature !== T.columnSignature) {
      buildFlagCells(rv, dto);
      patchRow(rv, dto);
    } else if (rv.dto !== dto) patchRow(rv, dto);
    if (rv.checkedAs !== T.selection.has(key)) refreshRowClass(key);
    setRowIndex(rv, ariaRow);
    if (rv.tr.parentNode !== T.tbody) T.tbody.append(rv.tr);
    if (view.open.has(key) && !rv.details) openDetails(rv);
    else if (rv.detailTr && rv.detailTr.parentNode !== T.tbody) T.tbody.append(rv.detailTr);
  }
  for (let k = reused; k < freed.length; k++) {
    freed[k].tr.remove();
    if (spare.length < SPARE_MAX) spare.push(freed[k]);
  }
  freed.length = 0;
  // each row at its offset: the window's top, a row height per row, an open row's panel after it
  let y = w.top;
  for (const key of next) {
    const nodes = nodesOf(key);
    placeAt(nodes.tr, y);
    y += rowHeight;
    if (nodes.detailTr) {
      placeAt(nodes.detailTr, y);
      y += panelHeights.get(key) ?? PANEL_ESTIMATE;
    }
  }
  if (w.total !== bodyHeight) {
    bodyHeight = w.total;
    T.tbody.style.height = `${w.total}px`;
  }
  rendering = T.rendered;
  T.rendered = next;
  if (force) place();
  else domOrderStale = true;
}

/** aria-rowindex, written only when it changes (a row that stays in the window while scrolling keeps its index). */
function setRowIndex(v, index) {
  if (v.rowIndex === index) return;
  v.rowIndex = index;
  v.tr.ariaRowIndex = String(index);
}

/** Whether the item `key` (a row's id or a placeholder's key, without a group-by) is in the window `w`. */
function inWindow(key, w) {
  const i = key.startsWith(PENDING) ? (T.order[+key.slice(PENDING.length)] === undefined ? +key.slice(PENDING.length) : -1) : T.orderIndex.get(key);
  return i !== undefined && i >= w.start && i < w.end;
}

/** A placeholder for a row whose page is on its way (paged table). */
function pendingRow(key) {
  let tr = T.pendingViews.get(key);
  if (!tr) {
    tr = el('div', { class: 'row pending-row', role: 'row', testid: 'pending-row' }, el('div', { class: 'td pending-cell', role: 'gridcell' }, 'Loading…'));
    T.pendingViews.set(key, tr);
  }
  return tr;
}

/** The DOM of what `key` stands for: a placeholder, a group row, or an experiment row and its open panel. */
function nodesOf(key) {
  if (key.startsWith(PENDING)) return { tr: T.pendingViews.get(key), detailTr: null };
  if (key.startsWith(GROUP)) {
    const gv = T.groupViews.get(key);
    return gv ? { tr: gv.tr, detailTr: null } : null;
  }
  return T.rows.get(key) ?? null;
}

// ---------- baseline ----------

/** The baseline changed (or its values did): re-tint the rendered rows. */
function rebase() {
  T.baseline = view.base ? store.get(view.base) ?? null : null;
  for (const rv of T.rows.values()) rv.details?.update(rv.dto); // their "Compare to this" button
  for (const key of T.rendered) {
    const rv = T.rows.get(key);
    if (!rv) continue;
    rv.flagDto = null;
    patchFlags(rv, rv.dto);
    setClass(rv.tr, rowClass(rv, rv.dto));
  }
}

/**
 * Scrolls so that row `id` is in view: 'center'; 'nearest' (the least scrolling); or 'open', the row and the top of
 * its panel (its buttons): the row and its whole panel if they fit, else the row just under the header, the panel
 * below it. False if the row is not shown.
 */
function scrollToRow(id, block) {
  const i = T.itemIndex.get(id);
  if (i === undefined) return false;
  renderWindow(true); // the body's height first (an opened panel makes it taller), so the scroll is not cut short
  const header = T.thead.getBoundingClientRect().height;
  const y = T.tbody.offsetTop + offsetOf(i, rowHeight, panelExtras());
  const below = block === 'open' ? panelHeights.get(id) ?? PANEL_ESTIMATE : 0; // px to show under the row
  const top = T.wrap.scrollTop + header;
  const bottom = T.wrap.scrollTop + T.wrap.clientHeight;
  if (block === 'center') T.wrap.scrollTop = y - (T.wrap.clientHeight + header - rowHeight) / 2;
  else if (y < top || rowHeight + below > bottom - top) T.wrap.scrollTop = y - header;
  else if (y + rowHeight + below > bottom) T.wrap.scrollTop = y + rowHeight + below - T.wrap.clientHeight;
  renderWindow(true);
  return true;
}

// Rows opened from a link or the URL before they were shown (the data not there yet, or not yet in the order): each
// is brought into view, with its panel, once, when it first is.
const pendingOpen = new Set();

function revealPending() {
  for (const id of pendingOpen) {
    if (!T.itemIndex.has(id)) continue;
    pendingOpen.delete(id);
    scrollToRow(id, 'open');
  }
}

// ---------- column widths ----------

function applyWidths() {
  const list = columnWidths(widths, view.hide, T.columnKeys.length, T.baseOrder);
  const key = list.join(',');
  if (key === applied) return;
  applied = key;
  // hidden base columns keep a zero-width track (every row has the same cells); their cells are not drawn
  T.table.dataset.hide = HIDEABLE.filter(k => view.hide.has(k)).join(' ');
  T.table.style.setProperty('--cols', list.map(w => `${w}px`).join(' '));
  // the selection box, the expander, ID and Name stay put while the flag columns scroll sideways
  T.table.style.setProperty('--left-id', `${list[0] + list[1]}px`);
  T.table.style.setProperty('--left-name', `${list[0] + list[1] + list[2]}px`);
  T.table.style.setProperty('--grid-width', `${list.reduce((a, b) => a + b, 0)}px`);
}

/** Once a second: running durations and retry countdowns (text only, visible rows only). */
function tick() {
  const now = Date.now();
  for (const id of T.rendered) {
    const rv = T.rows.get(id);
    if (!rv) continue;
    const job = rv.dto.current_job;
    if (job && !job.ended_at) setText(rv.parts.jobNote, jobNote(job, now));
    if (rv.dto.current_state === 'RETRYING') setText(rv.parts.currentNote, stateNote(rv.dto, now));
    if (rv.dto.cost?.gpus_accruing > 0) patchCost(rv, rv.dto, now);
  }
  for (const gv of T.groupViews.values()) if (gv.tr.isConnected) patchGroupCost(gv, now);
}

function dropRow(id) {
  const rv = T.rows.get(id);
  if (!rv) return;
  rv.details?.destroy();
  rv.detailTr?.remove();
  rv.tr.remove();
  T.rows.delete(id);
  T.selection.delete(id);
  matches.delete(id);
}

// ---------- order ----------

/**
 * Puts the rendered rows' nodes in display order (T.rendered) with the fewest DOM moves: rows whose DOM positions
 * form a longest increasing run stay put, the others (and a panel not right after its row) are moved. The positions
 * are read from the DOM, which lags the display order after scrolling.
 */
function place() {
  domOrderStale = false;
  const next = T.rendered;
  const domIndex = new Map();
  let i = 0;
  for (const node of T.tbody.children) domIndex.set(node, i++);
  const seq = next.map(key => domIndex.get(nodesOf(key).tr) ?? -1);
  const stable = longestIncreasing(seq);
  let anchor = null;
  for (let k = next.length - 1; k >= 0; k--) {
    const rv = nodesOf(next[k]);
    if (!stable.has(k) || (rv.detailTr && rv.tr.nextSibling !== rv.detailTr)) {
      if (rv.detailTr) {
        T.tbody.insertBefore(rv.detailTr, anchor);
        T.tbody.insertBefore(rv.tr, rv.detailTr);
      } else {
        T.tbody.insertBefore(rv.tr, anchor);
      }
    }
    anchor = rv.tr;
  }
}

// ---------- details ----------

function syncOpen() {
  for (const id of pendingOpen) if (!view.open.has(id)) pendingOpen.delete(id);
  let changed = false;
  for (const rv of [...T.rows.values()]) {
    if (rv.details && !view.open.has(rv.id)) {
      closeDetails(rv);
      changed = true;
    }
  }
  let focus = null;
  for (const id of view.open) {
    const rv = T.rows.get(id);
    if (rv?.details) continue;
    // opened from elsewhere (a link, the URL): bring the row into view; the window opens its panel
    if (rv && rv.tr.parentNode === T.tbody) {
      openDetails(rv);
      focus = rv;
      changed = true;
    } else if (store.loaded && T.itemIndex.has(id)) scrollToRow(id, 'open');
    else pendingOpen.add(id);
  }
  // the rows below an opened or closed panel move now, not a frame later; an opened row shows with its panel's top
  if (focus) scrollToRow(focus.id, 'open');
  else if (changed && store.loaded) renderWindow(true);
}

function openDetails(rv) {
  rv.details = createDetails(rv.dto);
  rv.detailTr = rv.details.tr;
  rv.tr.after(rv.detailTr);
  panelObserver.observe(rv.detailTr);
  setText(rv.parts.expander, '▾');
  setAttr(rv.tr, 'aria-expanded', 'true');
  setClass(rv.tr, rowClass(rv, rv.dto));
}

function closeDetails(rv) {
  panelObserver.unobserve(rv.detailTr);
  panelHeights.delete(rv.id);
  rv.details.destroy();
  rv.detailTr.remove();
  rv.details = null;
  rv.detailTr = null;
  setText(rv.parts.expander, '▸');
  setAttr(rv.tr, 'aria-expanded', 'false');
  setClass(rv.tr, rowClass(rv, rv.dto));
  if (rv.tr.parentNode !== T.tbody) T.rows.delete(rv.id); // closed while scrolled away
  windowDirty = true;
  schedule();
}

// ---------- surroundings ----------

function updateCounts(shown) {
  if (paging.active) {
    setText(countNode, `${shown} shown · ${paging.loaded} loaded · paged through the server`);
  }
  let total = 0;
  let deleted = 0;
  for (const dto of store.values()) {
    if (dto.deleted) deleted++;
    else total++;
  }
  const parts = [`${shown} shown`, `${total} experiment${total === 1 ? '' : 's'}`];
  if (deleted && !view.deleted) parts.push(`${deleted} deleted hidden`);
  if (!paging.active) setText(countNode, parts.join(' · '));

  if (shown > 0) {
    emptyNode.hidden = true;
  } else {
    emptyNode.hidden = false;
    clear(emptyNode);
    if (total === 0 && !(view.deleted && deleted) && !(paging.active && view.q)) {
      emptyNode.append('No experiments yet. ', el('strong', null, 'New Experiment'), ' creates one.');
    } else {
      emptyNode.append(`No experiments match “${view.q}”. `,
        el('button', { type: 'button', class: 'link', testid: 'clear-filter', onclick: () => updateView({ q: '' }) }, 'Clear the filter'));
    }
  }
}

function renderCommonFlags() {
  if (!view.varying || constantFlags.length === 0) {
    commonNode.hidden = true;
    return;
  }
  commonNode.hidden = false;
  const chips = constantFlags.map(({ key, text }) => el('span', { class: 'chip chip-common', testid: 'common-flag', dataset: { key }, title: key }, `${key} = ${text}`));
  commonNode.replaceChildren(el('span', { class: 'common-label' }, 'Same in every row shown:'), ...chips);
}

/** Scrolls to a row and flashes it (after creating or duplicating). */
export function reveal(id) {
  requestAnimationFrame(() => {
    if (!scrollToRow(id, 'center')) return;
    const rv = T.rows.get(id);
    if (!rv || rv.tr.parentNode !== T.tbody) return;
    rv.flash = true;
    setClass(rv.tr, rowClass(rv, rv.dto));
    setTimeout(() => {
      rv.flash = false;
      setClass(rv.tr, rowClass(rv, rv.dto));
    }, 2500);
  });
}

/** Every flag key of the visible rows (hidden ones included), in column order: for the group-by and column choosers. */
export function flagKeys() {
  return leafOrder(keyCounts.keys());
}

const tableListeners = new Set();

/** Called after every change to what the table shows (not for scrolling). */
export function onTableChange(listener) {
  tableListeners.add(listener);
}

/** The rows shown, in table order, and the flag columns shown: what the plot draws. */
export function shownRows() {
  if (paging.active) return { rows: [], keys: T.columnKeys }; // the plot is off while paged (it needs every row)
  return { rows: T.order.map(id => store.get(id)), keys: T.columnKeys };
}

const flagKeyListeners = new Set();
let allKeysSignature = null;

/** Called with flagKeys() whenever that set changes. */
export function onFlagKeysChange(listener) {
  flagKeyListeners.add(listener);
}

export function isShown(id) {
  return T.orderIndex.has(id);
}
