// The experiments table: one keyed row per experiment, virtualized. Store changes mark rows dirty; one animation frame
// later the visible order is recomputed (only when membership or a sort key changed) and only the rows in the viewport
// (plus a few either side) exist in the DOM: padding above and below stands in for the rest (viewport.js computes the
// window, the panels of open rows included). Scrolling renders the new window; a live update patches its row only if
// it is on screen. The header (and every rendered row's flag cells) is rebuilt only when the set of flag columns
// changes.
//
// It is an ARIA treegrid of divs rather than a <table>: every row is a fixed-height, fully contained box (a relayout
// boundary), so a changed row costs one row of layout. Column widths come from the data (all visible rows, measured
// from the text, not the DOM) and are shared through one CSS variable, so columns stay aligned while scrolling and do
// not jump when a value changes.

import { el, setText, setAttr, setClass, clear } from './dom.js';
import { store } from './store.js';
import { view, updateView, onViewChange } from './view.js';
import { compileFilter } from './filter.js';
import { splitVarying, headerLayout, leafOrder } from './columns.js';
import {
  TRANSITIONAL, badgeClass, stateHelp, jobStatus, formatAge, formatDuration, jobDuration, parseTime,
  flagKind, flagDisplay, flagText, compareValues, collator, costNow, costText, costBreakdown, attemptStrip, attemptTitle, isGaveUp,
} from './format.js';
import * as actions from './actions.js';
import { createDetails } from './details.js';
import { windowFor, offsetOf } from './viewport.js';
import { groupRows, displayItems, differingFlags } from './grouping.js';
import { isStarred, toggleStar, onStarsChange } from './stars.js';

const BASE_COLUMNS = [
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

const CURRENT_ORDER = ['RUNNING', 'PENDING', 'LAUNCHING', 'RETRYING', 'STOPPING', 'TERMINATING', 'UNKNOWN', 'FAILED', 'SUCCEEDED', 'STOPPED', 'INIT', 'TERMINATED'];

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

const rows = new Map(); // id → RowView
const matches = new Map(); // id → passes the filter
const selection = new Set();
let table;
let thead;
let tbody;
let order = []; // ids of every visible row (filter, deleted toggle), in display order
let orderIndex = new Map(); // id → index in order
let groups = null; // with a group-by: the groups of `order`, in display order
let items = []; // what is displayed, in order: {kind: 'row', id} and, with a group-by, {kind: 'group', group}
let itemIndex = new Map(); // row id → index in items (absent: in a folded group)
const groupViews = new Map(); // group item key → its rendered group row
let rendered = []; // item keys (a row's id, or GROUP + a group's value) of what is in the DOM: items[win.start .. win.end)
const GROUP = '\u0000group:';
let baseline = null; // the baseline experiment's dto (view.base), while it exists
let win = { start: 0, end: 0, top: 0, bottom: 0, total: 0 };
let windowDirty = false; // scrolled or resized since the last render
let rowHeight = 31; // read from --row-height in app.css at start
const OVERSCAN = 10; // rows rendered beyond each edge of the viewport
const PANEL_ESTIMATE = 420; // px assumed for a details panel until it is measured
const panelHeights = new Map(); // id → measured px of its open details panel
let panelObserver;
let wrap;
let columnKeys = [];
let columnSignature = null;
let constantFlags = [];
let filterFn = compileFilter('');
let dirty = new Set();
let full = true;
let resort = false; // only the sort changed: reorder, no filtering or measuring
let frame = 0;
let lastSelectedId = null;
let visibleCount = 0;
let headerDepth = 1;
let onSelectionChange = () => {};
let countNode;
let emptyNode;
let commonNode;

export function initTable({ selectionChanged }) {
  onSelectionChange = selectionChanged;
  table = document.querySelector('[data-testid="experiments-table"]');
  thead = table.querySelector('[data-testid="grid-head"]');
  tbody = table.querySelector('[data-testid="grid-body"]');
  countNode = document.querySelector('[data-testid="row-count"]');
  emptyNode = document.querySelector('[data-testid="empty-state"]');
  commonNode = document.querySelector('[data-testid="common-flags"]');
  wrap = table.parentElement;
  rowHeight = parseFloat(getComputedStyle(table).getPropertyValue('--row-height')) || rowHeight;
  filterFn = compileFilter(view.q);

  const windowMoved = () => {
    windowDirty = true;
    schedule();
  };
  wrap.addEventListener('scroll', windowMoved, { passive: true });
  new ResizeObserver(windowMoved).observe(wrap);
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
    if (windowDirty) schedule();
  });

  store.subscribe(change => {
    for (const id of change.changed) dirty.add(id);
    for (const id of change.removed) dirty.add(id);
    if (change.initial) full = true;
    schedule();
  });
  onViewChange(patch => {
    if ('q' in patch) filterFn = compileFilter(view.q);
    if ('q' in patch || 'deleted' in patch || 'varying' in patch || 'starred' in patch || 'hide' in patch) full = true;
    if ('sort' in patch || 'by' in patch || 'fold' in patch) resort = true;
    if ('base' in patch) rebase();
    if ('open' in patch) syncOpen();
    schedule();
  });

  tbody.addEventListener('click', onBodyClick);
  tbody.addEventListener('keydown', onBodyKey);
  thead.addEventListener('click', onHeadClick);
  thead.addEventListener('keydown', e => {
    const th = e.target.closest('.th[data-sort-key]');
    if (th && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      cycleSort(th.dataset.sortKey);
    }
  });
  thead.addEventListener('change', e => {
    if (e.target.matches('[data-testid="select-all"]')) selectAllVisible(e.target.checked);
  });
  onStarsChange(id => {
    const rv = rows.get(id);
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
  const rebaseAfter = base !== baseline;
  baseline = base;

  // Only scrolled (or resized): render the new window, nothing else.
  if (!wasFull && !wasResort && changed.size === 0) {
    if (windowDirty) renderWindow(false);
    stats.record(performance.now() - t0, 0);
    return;
  }

  // 1. filter membership and flag-key counts: everything after a view change, else only the changed rows
  let membershipChanged = wasFull;
  let orderChanged = wasFull || wasResort;
  const shown = new Set(order);
  if (wasFull) {
    matches.clear();
    keyCounts.clear();
    countedKeys.clear();
    for (const dto of store.values()) {
      matches.set(dto.id, filterFn(dto));
      if (visibleIn(dto)) countKeys(dto);
    }
  }
  for (const id of changed) {
    const dto = store.get(id);
    if (!dto) {
      dropRow(id);
      uncountKeys(id);
      membershipChanged ||= shown.has(id);
      continue;
    }
    if (wasFull) continue;
    matches.set(id, filterFn(dto));
    const now = visibleIn(dto);
    uncountKeys(id);
    if (now) countKeys(dto);
    if (now !== shown.has(id)) membershipChanged = true;
    else if (now && sortChanged(rows.get(id)?.dto, dto)) orderChanged = true;
  }

  const tFilter = performance.now();
  // 2. flag columns (only those that vary, if asked: that needs every visible row)
  let visible = null;
  const visibleList = () => (visible ??= [...store.values()].filter(visibleIn));
  let keys;
  if (keysDirty || wasFull || view.varying) {
    keys = leafOrder([...keyCounts.keys()]);
    keysDirty = false;
    const all = keys.join('\n');
    if (all !== allKeysSignature) {
      allKeysSignature = all;
      for (const listener of flagKeyListeners) listener(keys);
    }
    constantFlags = [];
    if (view.varying && visibleList().length > 1) {
      const split = splitVarying(keys, visibleList());
      keys = split.varying;
      constantFlags = split.constant;
    }
    if (view.hide.size) keys = keys.filter(k => !view.hide.has(`f:${k}`));
  } else {
    keys = columnKeys;
  }
  const signature = keys.join('\n');
  const columnsChanged = signature !== columnSignature;
  if (columnsChanged) {
    columnKeys = keys;
    columnSignature = signature;
    buildHeader();
  } else if (wasFull || wasResort) {
    updateHeaderSort();
  }

  const tColumns = performance.now();
  // 3–4. rows and order. After a membership, order or column change: sort the visible rows and render the window
  // (rows that stay are patched and moved with the fewest DOM moves). Otherwise only the changed rows that are
  // rendered (or have an open panel) are patched in place; the others are drawn from the store when scrolled to.
  if (columnsChanged || membershipChanged || orderChanged) {
    const list = visibleList();
    sortVisible(list);
    order = list.map(d => d.id);
    orderIndex = new Map(order.map((id, i) => [id, i]));
    groups = groupRows(list, view.by);
    items = displayItems(order, groups, view.fold);
    itemIndex = new Map();
    items.forEach((item, i) => item.kind === 'row' && itemIndex.set(item.id, i));
    visibleCount = list.length;
    setAttr(table, 'aria-rowcount', String(visibleCount + headerDepth));
    renderWindow(true);
  } else {
    for (const id of changed) {
      const rv = rows.get(id);
      const dto = store.get(id);
      if (rv && dto && rv.dto !== dto) patchRow(rv, dto);
    }
    if (groups && changed.size) patchGroups(changed);
    if (windowDirty) renderWindow(false);
  }

  const tRows = performance.now();
  if (rebaseAfter) rebase();
  // 5. column widths (fixed layout: a changed value can widen its column, never reflow the whole table by itself)
  // (a full pass measures every visible row; otherwise changed rows can only widen their columns)
  if (columnsChanged || wasFull) measureAll(visibleList());
  else for (const id of changed) if (store.has(id) && visibleIn(store.get(id))) measureRow(store.get(id));
  applyWidths();

  const tWidths = performance.now();
  // 6. everything around the table
  if (membershipChanged) pruneSelection();
  updateSelectionUi();
  updateCounts(visibleCount);
  renderCommonFlags();

  const ms = performance.now() - t0;
  if (stats.initialRenderMs === null) {
    stats.initialRenderMs = ms;
    stats.firstRowsAt = performance.now();
  }
  if (stats.allRowsAt === null && rendered.length) stats.allRowsAt = performance.now();
  for (const listener of tableListeners) listener();
  stats.record(ms, changed.size, {
    filter: tFilter - t0, columns: tColumns - tFilter, rows: tRows - tColumns, widths: tWidths - tRows, rest: t0 + ms - tWidths,
  });
}

// ---------- the window of rendered rows ----------

/** [index, px] of every open panel among the visible rows, by index: the extra heights the window must skip. */
function panelExtras() {
  const extras = [];
  for (const id of view.open) {
    const i = itemIndex.get(id);
    if (i !== undefined) extras.push([i, panelHeights.get(id) ?? PANEL_ESTIMATE]);
  }
  return extras.sort((a, b) => a[0] - b[0]);
}

/**
 * Puts the rows in view (and OVERSCAN either side) in the DOM and pads the body for the rest. With force, rows are
 * re-placed even when the window did not move (the order or the columns changed).
 */
function renderWindow(force) {
  windowDirty = false;
  // read layout first (the body's offset under the header, the scroll position), then write
  const w = windowFor({
    count: items.length, rowHeight, extras: panelExtras(), scrollTop: wrap.scrollTop - tbody.offsetTop, height: wrap.clientHeight, overscan: OVERSCAN,
  });
  if (!force && w.start === win.start && w.end === win.end && w.top === win.top && w.bottom === win.bottom) return;
  win = w;
  const shownItems = items.slice(w.start, w.end);
  const next = shownItems.map(item => (item.kind === 'row' ? item.id : GROUP + item.group.value));
  const nextSet = new Set(next);
  for (const key of rendered) {
    if (nextSet.has(key)) continue;
    if (key.startsWith(GROUP)) {
      groupViews.get(key)?.tr.remove();
      groupViews.delete(key);
      continue;
    }
    const rv = rows.get(key);
    if (!rv) continue;
    rv.tr.remove();
    rv.detailTr?.remove();
    if (!rv.details) rows.delete(key); // an open row keeps its panel (and whatever is being edited in it) while away
  }
  shownItems.forEach((item, k) => {
    if (item.kind === 'group') {
      const gv = groupView(item.group);
      gv.tr.ariaRowIndex = String(headerDepth + w.start + k + 1);
      return;
    }
    const id = item.id;
    const dto = store.get(id);
    let rv = rows.get(id);
    if (!rv) rows.set(id, (rv = createRow(dto)));
    else if (rv.signature !== columnSignature) {
      buildFlagCells(rv, dto);
      patchRow(rv, dto);
    } else if (rv.dto !== dto) patchRow(rv, dto);
    if (rv.checkedAs !== selection.has(id)) refreshRowClass(id);
    rv.tr.ariaRowIndex = String(headerDepth + w.start + k + 1);
  });
  place(next);
  tbody.style.paddingTop = `${w.top}px`;
  tbody.style.paddingBottom = `${w.bottom}px`;
  for (const id of next) {
    const rv = rows.get(id);
    if (rv && view.open.has(id) && !rv.details) openDetails(rv, false);
  }
}

/** The DOM of what `key` stands for: a group row, or an experiment row and its open panel. */
function nodesOf(key) {
  if (key.startsWith(GROUP)) {
    const gv = groupViews.get(key);
    return gv ? { tr: gv.tr, detailTr: null } : null;
  }
  return rows.get(key) ?? null;
}

// ---------- group rows ----------

/** The group row for `group` (created on first use), patched to its current counts. */
function groupView(group) {
  const key = GROUP + group.value;
  let gv = groupViews.get(key);
  if (!gv) {
    const checkbox = el('input', { type: 'checkbox', testid: 'group-select' });
    const toggle = el('button', { type: 'button', class: 'group-toggle', testid: 'group-toggle' });
    const label = el('span', { class: 'group-label', testid: 'group-label' });
    const count = el('span', { class: 'group-count', testid: 'group-count' });
    const states = el('span', { class: 'group-states', testid: 'group-states' });
    const cost = el('span', { class: 'group-cost', testid: 'group-cost' });
    const extra = el('span', { class: 'group-extra', testid: 'group-extra' }); // filled by groupDecorator
    const tr = el('div', { class: 'row group-row', role: 'row', testid: 'group-row', dataset: { value: group.value } },
      el('div', { class: 'td group-cell', role: 'gridcell' }, el('div', { class: 'group-head' }, checkbox, toggle, label, count, states, cost, extra)));
    gv = { key, tr, checkbox, toggle, label, count, states, cost, extra, group: null, signature: '' };
    groupViews.set(key, gv);
  }
  gv.group = group;
  const folded = view.fold.has(group.value);
  const stateText = Object.entries(group.states).sort((a, b) => CURRENT_ORDER.indexOf(a[0]) - CURRENT_ORDER.indexOf(b[0]));
  const signature = `${folded}|${group.label}|${group.ids.length}|${stateText.join(';')}|${view.by}`;
  if (signature !== gv.signature) {
    gv.signature = signature;
    const what = `${groups === null ? '' : byLabel()} = ${group.label}`;
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

// ---------- group row hook (sweeps.js: a sweep's progress and actions in its group row) ----------

let groupDecorator = () => {};

/** fn(by, group, container) is called whenever a group row is drawn or patched; it owns `container`. */
export function decorateGroupRows(fn) {
  groupDecorator = fn;
}

/** The group's GPU-hours and dollars, all its experiments together (ticking on while any of them runs). */
function patchGroupCost(gv, now = Date.now()) {
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

function patchGroupSelection(gv) {
  let picked = 0;
  for (const id of gv.group.ids) if (selection.has(id)) picked++;
  gv.checkbox.checked = picked > 0 && picked === gv.group.ids.length;
  gv.checkbox.indeterminate = picked > 0 && picked < gv.group.ids.length;
}

/** A state changed inside a group: its counts change (membership and order changes regroup everything). */
function patchGroups(changed) {
  const touched = new Set();
  for (const group of groups) {
    if (!group.ids.some(id => changed.has(id))) continue;
    group.states = {};
    for (const id of group.ids) {
      const state = store.get(id)?.current_state;
      group.states[state] = (group.states[state] || 0) + 1;
    }
    touched.add(GROUP + group.value);
  }
  for (const key of touched) {
    const gv = groupViews.get(key);
    if (gv) groupView(gv.group);
  }
}

function onGroupClick(e, tr) {
  const gv = groupViews.get(GROUP + tr.dataset.value);
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

// ---------- baseline ----------

/** The baseline changed (or its values did): re-tint the rendered rows. */
function rebase() {
  baseline = view.base ? store.get(view.base) ?? null : null;
  for (const rv of rows.values()) rv.details?.update(rv.dto); // their "Compare to this" button
  for (const key of rendered) {
    const rv = rows.get(key);
    if (!rv) continue;
    rv.flagDto = null;
    patchFlags(rv, rv.dto);
    setClass(rv.tr, rowClass(rv, rv.dto));
  }
}

// ---------- stars ----------

function patchStar(rv) {
  const on = isStarred(rv.id);
  setText(rv.parts.star, on ? '★' : '☆');
  setClass(rv.parts.star, `star${on ? ' on' : ''}`);
  setAttr(rv.parts.star, 'aria-pressed', on ? 'true' : 'false');
  setAttr(rv.parts.star, 'aria-label', `${on ? 'Unstar' : 'Star'} ${rv.id}`);
}

/** Scrolls so that row `id` is in view ('center', or 'nearest': the least scrolling). False if it is not shown. */
function scrollToRow(id, block) {
  const i = itemIndex.get(id);
  if (i === undefined) return false;
  const header = thead.getBoundingClientRect().height;
  const y = tbody.offsetTop + offsetOf(i, rowHeight, panelExtras());
  if (block === 'center') wrap.scrollTop = y - (wrap.clientHeight + header - rowHeight) / 2;
  else if (y < wrap.scrollTop + header) wrap.scrollTop = y - header;
  else if (y + rowHeight > wrap.scrollTop + wrap.clientHeight) wrap.scrollTop = y + rowHeight - wrap.clientHeight;
  renderWindow(true);
  return true;
}

// ---------- flag-key counts over the visible rows ----------

const keyCounts = new Map(); // flag key → number of visible experiments that have it
const countedKeys = new Map(); // id → the keys counted for it
let keysDirty = true;

function countKeys(dto) {
  const keys = Object.keys(dto.flags || {});
  countedKeys.set(dto.id, keys);
  for (const k of keys) {
    const n = keyCounts.get(k) || 0;
    keyCounts.set(k, n + 1);
    if (n === 0) keysDirty = true;
  }
}

function uncountKeys(id) {
  const keys = countedKeys.get(id);
  if (!keys) return;
  countedKeys.delete(id);
  for (const k of keys) {
    const n = keyCounts.get(k) - 1;
    if (n <= 0) {
      keyCounts.delete(k);
      keysDirty = true;
    } else keyCounts.set(k, n);
  }
}

function sortChanged(before, after) {
  if (!before) return true;
  if (!view.sort) return before.created_at !== after.created_at;
  return sortValueOf(before, view.sort.key) !== sortValueOf(after, view.sort.key);
}

// ---------- column widths ----------

const FONT = '13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const MONO = '12px ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';
const MONO13 = '13px ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';
const measureContexts = new Map(); // font → its own canvas context: switching a context's font is costly
const charWidths = {};

const measured = new Map(); // font + text → px: names repeat across thousands of rows and full passes

function textWidth(text, font) {
  const key = font + '\u0000' + text;
  let w = measured.get(key);
  if (w !== undefined) return w;
  let context = measureContexts.get(font);
  if (!context) {
    context = document.createElement('canvas').getContext('2d');
    context.font = font;
    measureContexts.set(font, context);
  }
  w = context.measureText(text).width;
  if (measured.size > 50000) measured.clear();
  measured.set(key, w);
  return w;
}

function monoWidth(text, font = MONO) {
  charWidths[font] ??= textWidth('0123456789', font) / 10;
  return String(text).length * charWidths[font];
}

const PAD = 18;
const STAR = 20; // the star button before the id
const WIDEST_CHAR = 13; // px: no letter of the 13px UI font is wider
const NAME_MAX = 360; // the Name column's widest
const FIXED = { select: 30, expand: 28, desired: 104, nodes: 64, gpus: 58, cost: 150, actions: 44 };
let widths = { id: 0, name: 0, current: 0, job: 0, flags: [] };
let applied = '';

function emptyWidths() {
  return {
    id: monoWidth('ID', MONO13) + 30 + STAR,
    name: textWidth('Name', FONT) + 30,
    current: 132,
    job: 96,
    flags: columnKeys.map(k => Math.max(monoWidth(k.slice(k.lastIndexOf('.') + 1)) + 30, 48)),
  };
}

function measureAll(list) {
  widths = emptyWidths();
  for (const dto of list) measureRow(dto);
}

function measureRow(dto) {
  if (!dto) return;
  const grow = (key, w) => {
    if (w > widths[key]) widths[key] = w;
  };
  grow('id', monoWidth(dto.id, MONO13) + PAD + STAR + (dto.deleted ? 64 : 0));
  // a name that cannot be wider than the column already is, even in its widest letters, is not measured
  const nameExtra = PAD + (dto.needs_restart ? 112 : 0);
  if (dto.name.length * WIDEST_CHAR + nameExtra > widths.name && widths.name < NAME_MAX) grow('name', textWidth(dto.name, FONT) + nameExtra);
  grow('current', dto.current_state === 'RETRYING' ? 300 : dto.current_state === 'FAILED' ? 260 : 132);
  const strip = attemptStrip(dto.attempts);
  grow('job', jobWidth(dto.current_job) + (strip ? monoWidth(strip) + 6 : 0));
  const flags = dto.flags || {};
  columnKeys.forEach((key, i) => {
    if (!(key in flags)) return;
    const w = monoWidth(flagDisplay(flags, key)) + PAD;
    if (w > widths.flags[i]) widths.flags[i] = w;
  });
}

const BADGE_FONT = '700 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const NOTE_FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
let noteWidth = 0;

/** The Job cell: its status badge and the widest note the ticker can write there ("just now", "59m 59s ago"). */
function jobWidth(job) {
  if (!job) return 96;
  const status = jobStatus(job) || '—';
  // badge: text + letter-spacing + padding and border (+ the pulse dot of a transitional state)
  const badge = textWidth(status, BADGE_FONT) + status.length * 0.2 + 16 + (TRANSITIONAL.has(status) ? 10 : 0);
  noteWidth ||= Math.max(...['just now', '59m 59s ago', 'in 59m 59s'].map(t => textWidth(t, NOTE_FONT)));
  return Math.ceil(badge + 6 + noteWidth + PAD + 4);
}

/** Base columns the column chooser can hide (select, expand, ID and actions always show). */
export const HIDEABLE = ['name', 'desired', 'current', 'job', 'nodes', 'gpus', 'cost'];

function columnWidths() {
  const clamp = (w, lo, hi) => Math.ceil(Math.min(hi, Math.max(lo, w)));
  const shown = (key, w) => (view.hide.has(key) ? 0 : w);
  return [
    FIXED.select, FIXED.expand, clamp(widths.id, 60, 380), shown('name', clamp(widths.name, 70, NAME_MAX)), shown('desired', FIXED.desired),
    shown('current', clamp(widths.current, 110, 240)), shown('job', clamp(widths.job, 80, 260)), shown('nodes', FIXED.nodes), shown('gpus', FIXED.gpus),
    shown('cost', FIXED.cost), FIXED.actions,
    ...(columnKeys.length ? widths.flags.map(w => clamp(w, 44, 280)) : [120]),
  ];
}

function applyWidths() {
  const list = columnWidths();
  const key = list.join(',');
  if (key === applied) return;
  applied = key;
  // hidden base columns keep a zero-width track (every row has the same cells); their cells are not drawn
  table.dataset.hide = HIDEABLE.filter(k => view.hide.has(k)).join(' ');
  table.style.setProperty('--cols', list.map(w => `${w}px`).join(' '));
  // the selection box, the expander, ID and Name stay put while the flag columns scroll sideways
  table.style.setProperty('--left-id', `${list[0] + list[1]}px`);
  table.style.setProperty('--left-name', `${list[0] + list[1] + list[2]}px`);
  table.style.setProperty('--grid-width', `${list.reduce((a, b) => a + b, 0)}px`);
}

// ---------- header ----------

function buildHeader() {
  const layout = headerLayout(columnKeys);
  const depth = columnKeys.length ? layout.depth : 1;
  headerDepth = depth;
  setAttr(table, 'aria-rowcount', String(visibleCount + headerDepth));
  // Header cells are laid out by the CSS grid of .grid-head; ARIA wants them inside rows, so each header level is a
  // role=row wrapper with display: contents (no box of its own, so the grid placement is unchanged).
  const headerRows = Array.from({ length: depth }, (_, level) => el('div', { class: 'head-row', role: 'row', 'aria-rowindex': level + 1 }));
  const cells = headerRows[0];
  const place = (level, th) => headerRows[level].append(th);
  BASE_COLUMNS.forEach((col, i) => {
    const th = el('div', { class: `th col-${col.key}`, role: 'columnheader', testid: `col-${col.key}` });
    th.style.gridColumn = String(i + 1);
    th.style.gridRow = `1 / span ${depth}`;
    if (col.key === 'select') {
      th.append(el('input', { type: 'checkbox', testid: 'select-all', title: 'Select all shown', 'aria-label': 'Select all shown' }));
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
  const firstColumn = BASE_COLUMNS.length + 1;
  const position = new Map(columnKeys.map((k, i) => [k, firstColumn + i]));
  if (columnKeys.length) {
    layout.rows.forEach((rowCells, level) => {
      for (const cell of rowCells) {
        let th;
        if (cell.kind === 'group') {
          const first = columnKeys.find(k => k === cell.path || k.startsWith(cell.path + '.'));
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
  thead.replaceChildren(...headerRows);
  // scrolling a row into view must not leave it under the sticky header
  requestAnimationFrame(() => (table.parentElement.style.scrollPaddingTop = `${thead.getBoundingClientRect().height}px`));
  widths = emptyWidths();
  applied = '';
  updateHeaderSort();
}

function updateHeaderSort() {
  for (const th of thead.querySelectorAll('.th[data-sort-key]')) {
    const active = view.sort && view.sort.key === th.dataset.sortKey;
    th.classList.toggle('sorted', !!active);
    setAttr(th, 'aria-sort', active ? (view.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    setText(th.querySelector('.sort-mark'), active ? (view.sort.dir > 0 ? '▲' : '▼') : '');
  }
}

function onHeadClick(e) {
  const th = e.target.closest('.th[data-sort-key]');
  if (!th) return;
  cycleSort(th.dataset.sortKey);
}

function cycleSort(key) {
  let sort;
  if (!view.sort || view.sort.key !== key) sort = { key, dir: 1 };
  else if (view.sort.dir > 0) sort = { key, dir: -1 };
  else sort = null;
  updateView({ sort });
}

// ---------- rows ----------

// Rows are cloned from a template: far cheaper than building 25 elements one by one, 2,000 times.
let rowTemplate = null;
let flagCellTemplate = null;

function template() {
  if (rowTemplate) return rowTemplate;
  const cell = (cls, testid, ...children) => el('div', { class: `td ${cls}`, role: 'gridcell', testid }, ...children);
  rowTemplate = el('div', { class: 'row', role: 'row', tabIndex: 0, testid: 'row' },
    cell('col-select', null, el('input', { type: 'checkbox', testid: 'row-select' })),
    cell('col-expand', null, el('span', { class: 'expander', 'aria-hidden': 'true' }, '▸')),
    cell('col-id', 'cell-id', el('button', { type: 'button', class: 'star', testid: 'row-star' }), el('span', { class: 'id-text' }),
      el('span', { class: 'chip chip-deleted', testid: 'deleted-chip', hidden: true }, 'deleted')),
    // the chip comes first and never shrinks: only the name is cut with an ellipsis, so a pending restart is always seen
    cell('col-name', 'cell-name', el('span', {
      class: 'chip chip-restart',
      testid: 'needs-restart',
      hidden: true,
      title: 'The configuration changed while a job was running. Stop and start again to apply it.',
    }, 'restart to apply'), el('span', { class: 'name-text', testid: 'name-text' })),
    cell('col-desired', 'cell-desired', el('span')),
    cell('col-current', 'cell-current', el('span'), el('span', { class: 'state-note', testid: 'state-note' })),
    cell('col-job', 'cell-job', el('span'), el('span', { class: 'job-note' }), el('span', { class: 'attempt-strip', testid: 'attempt-strip' })),
    cell('col-nodes num', 'cell-nodes'),
    cell('col-gpus num', 'cell-gpus'),
    cell('col-cost num', 'cell-cost'),
    cell('col-actions', null, el('button', { type: 'button', class: 'icon' })));
  flagCellTemplate = el('div', { class: 'td col-flag', role: 'gridcell', testid: 'cell-flag' });
  return rowTemplate;
}

function createRow(dto) {
  const tr = template().cloneNode(true);
  tr.dataset.id = dto.id;
  const c = tr.children;
  const cells = { select: c[0], expand: c[1], id: c[2], name: c[3], desired: c[4], current: c[5], job: c[6], nodes: c[7], gpus: c[8], cost: c[9], actions: c[10] };
  const checkbox = cells.select.firstChild;
  checkbox.setAttribute('aria-label', `Select ${dto.id}`);
  const rv = {
    id: dto.id,
    dto: null,
    tr,
    cells,
    parts: {
      checkbox,
      expander: cells.expand.firstChild,
      star: cells.id.firstChild,
      idText: cells.id.children[1],
      deletedChip: cells.id.lastChild,
      restartChip: cells.name.firstChild,
      nameText: cells.name.lastChild,
      desired: cells.desired.firstChild,
      current: cells.current.firstChild,
      currentNote: cells.current.lastChild,
      job: cells.job.firstChild,
      jobNote: cells.job.children[1],
      strip: cells.job.lastChild,
      toggle: cells.actions.firstChild,
    },
    flagCells: [],
    signature: null,
    detailTr: null,
    details: null,
  };
  buildFlagCells(rv, dto);
  patchRow(rv, dto);
  patchStar(rv);
  return rv;
}

function buildFlagCells(rv, dto) {
  for (const td of rv.flagCells) td.remove();
  template();
  rv.flagCells = columnKeys.map(key => {
    const td = flagCellTemplate.cloneNode(false);
    td.dataset.key = key;
    return td;
  });
  if (!columnKeys.length) rv.flagCells = [el('div', { class: 'td col-flag-none', role: 'gridcell' })];
  rv.tr.append(...rv.flagCells);
  rv.signature = columnSignature;
  rv.flagDto = null;
  patchFlags(rv, dto);
}

function patchFlags(rv, dto) {
  if (rv.flagDto === dto) return;
  rv.flagDto = dto;
  const flags = dto.flags || {};
  // against a baseline row, the cells that differ from it are tinted (and say what the baseline has)
  const diff = baseline && baseline.id !== dto.id ? differingFlags(dto, baseline, columnKeys) : null;
  columnKeys.forEach((key, i) => {
    const td = rv.flagCells[i];
    const kind = flagKind(flags, key);
    const differs = diff?.has(key);
    setText(td, flagDisplay(flags, key));
    setClass(td, `td col-flag v-${kind}${kind === 'bool' ? (flags[key] ? ' v-true' : ' v-false') : ''}${differs ? ' v-diff' : ''}`);
    const title = kind === 'missing' ? `${key}: not set` : `${key} = ${flagText(flags, key)}`;
    setAttr(td, 'title', differs ? `${title} (baseline ${baseline.id}: ${key in (baseline.flags || {}) ? flagText(baseline.flags, key) : 'not set'})` : title);
  });
}

function patchRow(rv, dto) {
  const old = rv.dto;
  rv.dto = dto;
  const p = rv.parts;
  setText(p.idText, dto.id);
  setText(p.nameText, dto.name);
  setAttr(rv.cells.name, 'title', dto.description || null);
  p.deletedChip.hidden = !dto.deleted;
  p.restartChip.hidden = !dto.needs_restart;

  setText(p.desired, dto.desired_state);
  setClass(p.desired, badgeClass(dto.desired_state, 'desired'));
  setAttr(p.desired, 'title', `Desired: ${dto.desired_state}`);
  setText(p.current, dto.current_state);
  setClass(p.current, badgeClass(dto.current_state, 'current'));
  setAttr(p.current, 'title', [stateHelp(dto.current_state), dto.message].filter(Boolean).join(' — '));
  setText(p.currentNote, stateNote(dto));

  const job = dto.current_job;
  const js = jobStatus(job);
  setText(p.job, js || '—');
  setClass(p.job, js ? badgeClass(js, 'job') : 'muted');
  setAttr(p.job, 'title', job ? `${job.job_id}${job.sky_job_id !== null ? ` (SkyPilot #${job.sky_job_id})` : ''}` : 'No current job');
  setText(p.jobNote, jobNote(job));
  // the strip appears once a run has retried or failed: one mark per attempt, the last one's cause in words
  const attempts = dto.attempts || [];
  const worth = attempts.length > 1 || attempts.some(a => a.outcome !== 'succeeded' && a.outcome !== 'live');
  setText(p.strip, worth ? attemptStrip(attempts) : '');
  setAttr(p.strip, 'title', worth ? attemptTitle(dto) : null);

  setText(rv.cells.nodes, dto.nodes);
  setText(rv.cells.gpus, dto.gpus);
  patchCost(rv, dto);

  // one button per row: Start, Stop, Retry for a run SkyDeck gave up on, or Restore for a deleted experiment
  const action = dto.deleted ? 'restore' : isGaveUp(dto) ? 'retry' : dto.desired_state === 'RUNNING' ? 'stop' : 'start';
  if (p.toggle.dataset.action !== action) {
    const look = {
      start: ['▶', 'row-start', 'icon start', `Start ${dto.id} (desired: RUNNING)`],
      stop: ['■', 'row-stop', 'icon stop', `Stop ${dto.id} (desired: STOPPED)`],
      restore: ['↺', 'row-restore', 'icon restore', `Restore ${dto.id}`],
      retry: ['↻', 'row-retry', 'icon retry', `Retry ${dto.id}: a new run with a fresh restart budget`],
    }[action];
    p.toggle.dataset.action = action;
    p.toggle.textContent = look[0];
    p.toggle.dataset.testid = look[1];
    p.toggle.className = look[2];
    p.toggle.title = look[3];
    p.toggle.setAttribute('aria-label', look[3]);
  }

  setClass(rv.tr, rowClass(rv, dto));
  rv.tr.dataset.current = dto.current_state;
  rv.tr.dataset.desired = dto.desired_state;
  patchFlags(rv, dto);
  if (rv.details && old !== dto) rv.details.update(dto);
}

/** GPU-hours and dollars over every run and attempt, counting on while something runs; marked when the budget stopped it. */
function patchCost(rv, dto, now = Date.now()) {
  setText(rv.cells.cost, (dto.budget_reached ? '⛔ ' : '') + costText(dto.cost, now));
  setClass(rv.cells.cost, `td col-cost num${dto.budget_reached ? ' over-budget' : ''}`);
  setAttr(rv.cells.cost, 'title', [dto.budget_reached ? dto.message : null, costBreakdown(dto.cost, dto.budget)].filter(Boolean).join(' — ') || null);
}

function rowClass(rv, dto) {
  return 'row'
    + (dto.deleted ? ' is-deleted' : '')
    + (selection.has(dto.id) ? ' is-selected' : '')
    + (rv.details ? ' is-open' : '')
    + (view.base === dto.id ? ' is-baseline' : '')
    + (rv.flash ? ' flash' : '');
}

function stateNote(dto, now = Date.now()) {
  const cause = dto.current_job?.cause || '';
  if (dto.current_state === 'RETRYING' && dto.retry_at) {
    const at = parseTime(dto.retry_at);
    if (at !== null) return (at > now ? `retry in ${formatDuration((at - now) / 1000)}` : 'retrying…') + (cause ? ` · ${cause}` : '');
  }
  if (dto.current_state === 'FAILED') return cause;
  return '';
}

function jobNote(job, now = Date.now()) {
  if (!job) return '';
  const d = jobDuration(job, now);
  if (d) return formatDuration(d.seconds);
  if (job.requested_at) return formatAge(job.requested_at, now);
  return '';
}

/** Once a second: running durations and retry countdowns (text only, visible rows only). */
function tick() {
  const now = Date.now();
  for (const id of rendered) {
    const rv = rows.get(id);
    if (!rv) continue;
    const job = rv.dto.current_job;
    if (job && !job.ended_at) setText(rv.parts.jobNote, jobNote(job, now));
    if (rv.dto.current_state === 'RETRYING') setText(rv.parts.currentNote, stateNote(rv.dto, now));
    if (rv.dto.cost?.gpus_accruing > 0) patchCost(rv, rv.dto, now);
  }
  for (const gv of groupViews.values()) if (gv.tr.isConnected) patchGroupCost(gv, now);
}

function dropRow(id) {
  const rv = rows.get(id);
  if (!rv) return;
  rv.details?.destroy();
  rv.detailTr?.remove();
  rv.tr.remove();
  rows.delete(id);
  selection.delete(id);
  matches.delete(id);
}

// ---------- order ----------

function sortValueOf(dto, key) {
  switch (key) {
    case 'id':
      return dto.id;
    case 'name':
      return dto.name;
    case 'desired':
      return dto.desired_state;
    case 'current':
      return CURRENT_ORDER.indexOf(dto.current_state);
    case 'job':
      return jobStatus(dto.current_job);
    case 'nodes':
      return dto.nodes;
    case 'gpus':
      return dto.gpus;
    case 'cost':
      return costNow(dto.cost)?.gpuHours ?? null;
    default: {
      if (key.startsWith('f:')) {
        const flags = dto.flags || {};
        const k = key.slice(2);
        return k in flags ? flags[k] : null;
      }
      return null;
    }
  }
}

function sortVisible(list) {
  if (!view.sort) {
    // newest first, so what you just created is at the top
    list.sort((a, b) => (b.created_at > a.created_at ? 1 : b.created_at < a.created_at ? -1 : collator.compare(a.id, b.id)));
    return;
  }
  const { key, dir } = view.sort;
  const keyed = list.map(dto => ({ dto, v: sortValueOf(dto, key) }));
  keyed.sort((a, b) => {
    const am = a.v === null || a.v === undefined;
    const bm = b.v === null || b.v === undefined;
    if (am || bm) {
      if (am !== bm) return am ? 1 : -1; // missing values last, whichever the direction
      return collator.compare(a.dto.id, b.dto.id);
    }
    return dir * compareValues(a.v, b.v) || collator.compare(a.dto.id, b.dto.id);
  });
  keyed.forEach((k, i) => (list[i] = k.dto));
}

/**
 * Puts the rendered rows into `next` order with the fewest DOM moves (rows on a longest increasing subsequence stay
 * put); rows that left the window are already removed.
 */
function place(next) {
  const nextSet = new Set(next);
  const oldIndex = new Map();
  let i = 0;
  for (const key of rendered) if (nextSet.has(key) && nodesOf(key)?.tr.parentNode === tbody) oldIndex.set(key, i++);
  const seq = next.map(id => (oldIndex.has(id) ? oldIndex.get(id) : -1));
  const stable = longestIncreasing(seq);
  let anchor = null;
  for (let k = next.length - 1; k >= 0; k--) {
    const rv = nodesOf(next[k]);
    if (!stable.has(k) || rv.tr.parentNode !== tbody) {
      if (rv.detailTr) {
        tbody.insertBefore(rv.detailTr, anchor);
        tbody.insertBefore(rv.tr, rv.detailTr);
      } else {
        tbody.insertBefore(rv.tr, anchor);
      }
    }
    anchor = rv.tr;
  }
  rendered = next;
}

/** Indices (into seq) of one longest strictly increasing subsequence, ignoring -1 entries. */
function longestIncreasing(seq) {
  const tails = [];
  const tailIdx = [];
  const prev = new Array(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    const v = seq[i];
    if (v < 0) continue;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = v;
    tailIdx[lo] = i;
    prev[i] = lo > 0 ? tailIdx[lo - 1] : -1;
  }
  const result = new Set();
  let k = tailIdx[tails.length - 1];
  while (k !== undefined && k >= 0) {
    result.add(k);
    k = prev[k];
  }
  return result;
}

// ---------- selection ----------

export function selectedIds() {
  return [...selection];
}

export function clearSelection() {
  const ids = [...selection];
  selection.clear();
  for (const id of ids) refreshRowClass(id);
  updateSelectionUi();
}

function refreshRowClass(id) {
  const rv = rows.get(id);
  if (!rv) return;
  setClass(rv.tr, rowClass(rv, rv.dto));
  rv.checkedAs = selection.has(id);
  rv.parts.checkbox.checked = rv.checkedAs;
}

function setSelected(id, on) {
  if (on) selection.add(id);
  else selection.delete(id);
  refreshRowClass(id);
}

function selectAllVisible(on) {
  for (const id of order) setSelected(id, on);
  updateSelectionUi();
}

function pruneSelection() {
  const visible = new Set(order);
  for (const id of [...selection]) if (!visible.has(id)) setSelected(id, false);
}

function updateSelectionUi() {
  const all = thead.querySelector('[data-testid="select-all"]');
  if (all) {
    const shown = order.length;
    let picked = 0;
    for (const id of order) if (selection.has(id)) picked++;
    all.checked = shown > 0 && picked === shown;
    all.indeterminate = picked > 0 && picked < shown;
  }
  for (const gv of groupViews.values()) patchGroupSelection(gv);
  onSelectionChange([...selection]);
}

// ---------- events ----------

function onBodyClick(e) {
  const tr = e.target.closest('.row');
  if (!tr || !tbody.contains(tr)) return;
  if (tr.classList.contains('group-row')) {
    if (e.target.closest('input, button') || !window.getSelection()?.toString()) onGroupClick(e, tr);
    return;
  }
  const id = tr.dataset.id;
  const rv = rows.get(id);
  if (!rv) return;

  if (e.target.matches('[data-testid="row-select"]')) {
    const on = e.target.checked;
    if (e.shiftKey && lastSelectedId && lastSelectedId !== id) {
      const a = orderIndex.get(lastSelectedId) ?? -1;
      const b = orderIndex.get(id) ?? -1;
      if (a >= 0 && b >= 0) for (let k = Math.min(a, b); k <= Math.max(a, b); k++) setSelected(order[k], on);
    }
    setSelected(id, on);
    lastSelectedId = id;
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

// ---------- details ----------

export function toggleDetails(id) {
  const open = new Set(view.open);
  if (open.has(id)) open.delete(id);
  else open.add(id);
  updateView({ open });
}

function syncOpen() {
  for (const rv of [...rows.values()]) {
    if (rv.details && !view.open.has(rv.id)) closeDetails(rv);
  }
  for (const id of view.open) {
    const rv = rows.get(id);
    if (rv?.details) continue;
    // opened from elsewhere (a link, the URL): bring the row into view; the window opens its panel
    if (rv && rv.tr.parentNode === tbody) openDetails(rv, true);
    else if (store.loaded && orderIndex.has(id)) scrollToRow(id, 'nearest');
  }
}

function openDetails(rv, focus) {
  rv.details = createDetails(rv.dto);
  rv.detailTr = rv.details.tr;
  rv.tr.after(rv.detailTr);
  panelObserver.observe(rv.detailTr);
  setText(rv.parts.expander, '▾');
  setAttr(rv.tr, 'aria-expanded', 'true');
  setClass(rv.tr, rowClass(rv, rv.dto));
  if (focus) rv.tr.scrollIntoView({ block: 'nearest' });
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
  if (rv.tr.parentNode !== tbody) rows.delete(rv.id); // closed while scrolled away
  windowDirty = true;
  schedule();
}

// ---------- surroundings ----------

function updateCounts(shown) {
  let total = 0;
  let deleted = 0;
  for (const dto of store.values()) {
    if (dto.deleted) deleted++;
    else total++;
  }
  const parts = [`${shown} shown`, `${total} experiment${total === 1 ? '' : 's'}`];
  if (deleted && !view.deleted) parts.push(`${deleted} deleted hidden`);
  setText(countNode, parts.join(' · '));

  if (shown > 0) {
    emptyNode.hidden = true;
  } else {
    emptyNode.hidden = false;
    clear(emptyNode);
    if (total === 0 && !(view.deleted && deleted)) {
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
    const rv = rows.get(id);
    if (!rv || rv.tr.parentNode !== tbody) return;
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
  return leafOrder([...keyCounts.keys()]);
}

const tableListeners = new Set();

/** Called after every change to what the table shows (not for scrolling). */
export function onTableChange(listener) {
  tableListeners.add(listener);
}

/** The rows shown, in table order, and the flag columns shown: what the plot draws. */
export function shownRows() {
  return { rows: order.map(id => store.get(id)), keys: columnKeys };
}

const flagKeyListeners = new Set();
let allKeysSignature = null;

/** Called with flagKeys() whenever that set changes. */
export function onFlagKeysChange(listener) {
  flagKeyListeners.add(listener);
}

export function isShown(id) {
  return orderIndex.has(id);
}
