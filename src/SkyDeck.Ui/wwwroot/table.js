// The experiments table: one keyed row per experiment. Store changes mark rows dirty; one animation frame later
// only those rows are patched, the visible order is recomputed (only when membership or a sort key changed), and rows
// are moved with the fewest DOM moves. The header (and every row's flag cells) is rebuilt only when the set of flag
// columns changes.
//
// It is an ARIA grid of divs rather than a <table>: a <table> lays out all 2,000 rows again whenever any cell changes.
// Here every row is a fixed-height, fully contained box (a relayout boundary) with content-visibility: auto, so a
// changed row costs one row of layout and off-screen rows cost nothing. Column widths come from the data and are
// shared through one CSS variable, so columns stay aligned and do not jump when a value changes.

import { el, setText, setAttr, setClass, clear } from './dom.js';
import { store } from './store.js';
import { view, updateView, onViewChange } from './view.js';
import { compileFilter } from './filter.js';
import { splitVarying, headerLayout, leafOrder } from './columns.js';
import {
  TRANSITIONAL, badgeClass, stateHelp, jobStatus, formatAge, formatDuration, jobDuration, parseTime,
  flagKind, flagDisplay, flagText, compareValues, collator, attemptStrip, attemptTitle, isGaveUp,
} from './format.js';
import * as actions from './actions.js';
import { createDetails } from './details.js';

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
  { key: 'actions', label: '', sortable: false },
];

const CURRENT_ORDER = ['RUNNING', 'PENDING', 'LAUNCHING', 'RETRYING', 'STOPPING', 'TERMINATING', 'UNKNOWN', 'FAILED', 'SUCCEEDED', 'STOPPED', 'INIT', 'TERMINATED'];

export const stats = {
  /** Duration of the first flush that had data (the first screen of rows). */
  initialRenderMs: null,
  /** performance.now() when the first rows were in the DOM. */
  firstRowsAt: null,
  /** performance.now() when every visible row existed in the DOM. */
  allRowsAt: null,
  flushes: [],
  record(ms, rows) {
    this.flushes.push({ at: performance.now(), ms, rows });
    if (this.flushes.length > 500) this.flushes.splice(0, this.flushes.length - 500);
  },
};

const rows = new Map(); // id → RowView
const matches = new Map(); // id → passes the filter
const selection = new Set();
let table;
let thead;
let tbody;
let order = []; // ids in DOM order
let columnKeys = [];
let columnSignature = null;
let constantFlags = [];
let filterFn = compileFilter('');
let dirty = new Set();
let full = true;
let frame = 0;
let lastSelectedId = null;
let creating = false; // rows still being created in later frames
let visibleCount = 0;
const CREATE_BUDGET_MS = 24; // per frame: long enough to finish 2,000 rows in a few frames, short enough to stay responsive
const MIN_FIRST_ROWS = 120; // at least a screenful in the first frame
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
  filterFn = compileFilter(view.q);

  store.subscribe(change => {
    for (const id of change.changed) dirty.add(id);
    for (const id of change.removed) dirty.add(id);
    if (change.initial) full = true;
    schedule();
  });
  onViewChange(patch => {
    if ('q' in patch) filterFn = compileFilter(view.q);
    if ('q' in patch || 'deleted' in patch || 'varying' in patch || 'sort' in patch) full = true;
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
  setInterval(tick, 1000);
}

let creationTimer = 0;
let pending = null; // {list, index}: the sorted rows of the last full render, created up to index

/** Creates and appends the next rows of `pending` (they follow every row already shown, in order). */
function continueChunk(t0) {
  const { list } = pending;
  const deadline = t0 + CREATE_BUDGET_MS;
  const fragment = document.createDocumentFragment();
  let i = pending.index;
  for (; i < list.length && (i === pending.index || performance.now() < deadline); i++) {
    const dto = list[i];
    let rv = rows.get(dto.id);
    if (!rv) rows.set(dto.id, (rv = createRow(dto)));
    else if (rv.signature !== columnSignature) buildFlagCells(rv, dto);
    if (rv.dto !== dto) patchRow(rv, dto);
    fragment.append(rv.tr);
    if (rv.detailTr) fragment.append(rv.detailTr);
    order.push(dto.id);
  }
  tbody.append(fragment);
  pending.index = i;
  creating = i < list.length;
  if (creating) {
    if (!creationTimer) creationTimer = setTimeout(continueCreating, 0);
  } else {
    pending = null;
    if (stats.allRowsAt === null) stats.allRowsAt = performance.now();
    updateSelectionUi();
  }
  stats.record(performance.now() - t0, 0);
}

function continueCreating() {
  creationTimer = 0;
  if (frame) cancelAnimationFrame(frame);
  flush();
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
  return (view.deleted || !dto.deleted) && matches.get(dto.id) === true;
}

function flush() {
  frame = 0;
  if (!store.loaded) return;
  const t0 = performance.now();
  const wasFull = full;
  const changed = dirty;
  dirty = new Set();
  full = false;

  // Still creating the rows of the last full render and nothing changed since: just append the next chunk.
  if (creating && pending && !wasFull && changed.size === 0) {
    continueChunk(t0);
    return;
  }
  pending = null;

  // 1. filter membership and flag-key counts: everything after a view change, else only the changed rows
  let membershipChanged = wasFull;
  let orderChanged = wasFull;
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

  // 2. flag columns (only those that vary, if asked: that needs every visible row)
  let visible = null;
  const visibleList = () => (visible ??= [...store.values()].filter(visibleIn));
  let keys;
  if (keysDirty || wasFull || view.varying) {
    keys = leafOrder([...keyCounts.keys()]);
    keysDirty = false;
    constantFlags = [];
    if (view.varying && visibleList().length > 1) {
      const split = splitVarying(keys, visibleList());
      keys = split.varying;
      constantFlags = split.constant;
    }
  } else {
    keys = columnKeys;
  }
  const signature = keys.join('\n');
  const columnsChanged = signature !== columnSignature;
  if (columnsChanged) {
    columnKeys = keys;
    columnSignature = signature;
    buildHeader();
  } else if (wasFull) {
    updateHeaderSort();
  }

  // 3–4. rows and order. After a membership, order or column change: sort the visible rows, create missing rows in
  // that order within a frame budget (the first screen appears at once; the rest follows in later frames), patch the
  // rest, and move rows with the fewest DOM moves. Otherwise only the changed rows are patched in place.
  if (columnsChanged || membershipChanged || orderChanged || creating) {
    const list = visibleList();
    sortVisible(list);
    const deadline = performance.now() + CREATE_BUDGET_MS;
    let ready = list.length;
    for (let i = 0; i < list.length; i++) {
      const dto = list[i];
      let rv = rows.get(dto.id);
      if (!rv) {
        if (i >= MIN_FIRST_ROWS && performance.now() > deadline) {
          ready = i;
          break;
        }
        rows.set(dto.id, (rv = createRow(dto)));
      } else if (rv.signature !== columnSignature) {
        buildFlagCells(rv, dto);
        patchRow(rv, dto);
      } else if (rv.dto !== dto) {
        patchRow(rv, dto);
      }
    }
    reorder(ready === list.length ? list.map(d => d.id) : list.slice(0, ready).map(d => d.id));
    visibleCount = list.length;
    creating = ready < list.length;
    pending = creating ? { list, index: ready } : null;
    // the next chunk runs as its own task (input and painting get their turn in between) without waiting a frame
    if (creating && !creationTimer) creationTimer = setTimeout(continueCreating, 0);
  } else {
    for (const id of changed) {
      const rv = rows.get(id);
      const dto = store.get(id);
      if (rv && dto && rv.dto !== dto) patchRow(rv, dto);
    }
  }

  // 5. column widths (fixed layout: a changed value can widen its column, never reflow the whole table by itself)
  // (a full pass measures every visible row; otherwise changed rows can only widen their columns)
  if (columnsChanged || wasFull) measureAll(visibleList());
  else for (const id of changed) if (store.has(id) && visibleIn(store.get(id))) measureRow(store.get(id));
  applyWidths();

  // 6. everything around the table
  if (membershipChanged) pruneSelection();
  updateSelectionUi();
  updateCounts(visibleCount);
  renderCommonFlags();
  for (const id of view.open) {
    const rv = rows.get(id);
    if (rv && !rv.details && rv.tr.parentNode === tbody) openDetails(rv, false);
  }

  const ms = performance.now() - t0;
  if (stats.initialRenderMs === null) {
    stats.initialRenderMs = ms;
    stats.firstRowsAt = performance.now();
  }
  if (!creating && stats.allRowsAt === null && store.size) stats.allRowsAt = performance.now();
  stats.record(ms, changed.size);
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
let measureContext;
const charWidths = {};

function textWidth(text, font) {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (measureContext.font !== font) measureContext.font = font;
  return measureContext.measureText(text).width;
}

function monoWidth(text, font = MONO) {
  charWidths[font] ??= textWidth('0123456789', font) / 10;
  return String(text).length * charWidths[font];
}

const PAD = 18;
const FIXED = { select: 30, expand: 28, desired: 104, nodes: 64, gpus: 58, actions: 44 };
let widths = { id: 0, name: 0, current: 0, job: 0, flags: [] };
let applied = '';

function emptyWidths() {
  return {
    id: monoWidth('ID', MONO13) + 30,
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
  grow('id', monoWidth(dto.id, MONO13) + PAD + (dto.deleted ? 64 : 0));
  grow('name', textWidth(dto.name, FONT) + PAD + (dto.needs_restart ? 112 : 0));
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

function columnWidths() {
  const clamp = (w, lo, hi) => Math.ceil(Math.min(hi, Math.max(lo, w)));
  return [
    FIXED.select, FIXED.expand, clamp(widths.id, 60, 380), clamp(widths.name, 70, 360), FIXED.desired,
    clamp(widths.current, 110, 240), clamp(widths.job, 80, 260), FIXED.nodes, FIXED.gpus, FIXED.actions,
    ...(columnKeys.length ? widths.flags.map(w => clamp(w, 44, 280)) : [120]),
  ];
}

function applyWidths() {
  const list = columnWidths();
  const key = list.join(',');
  if (key === applied) return;
  applied = key;
  table.style.setProperty('--cols', list.map(w => `${w}px`).join(' '));
  table.style.setProperty('--grid-width', `${list.reduce((a, b) => a + b, 0)}px`);
}

// ---------- header ----------

function buildHeader() {
  const layout = headerLayout(columnKeys);
  const depth = columnKeys.length ? layout.depth : 1;
  const cells = [];
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
    }
    cells.push(th);
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
        cells.push(th);
      }
    });
  } else {
    const none = el('div', { class: 'th col-flag-none', role: 'columnheader' }, 'Flags');
    none.style.gridColumn = String(firstColumn);
    none.style.gridRow = '1';
    cells.push(none);
  }
  thead.replaceChildren(...cells);
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
  const cell = (cls, testid, ...children) => el('div', { class: `td ${cls}`, role: 'cell', testid }, ...children);
  rowTemplate = el('div', { class: 'row', role: 'row', tabIndex: 0, testid: 'row' },
    cell('col-select', null, el('input', { type: 'checkbox', testid: 'row-select' })),
    cell('col-expand', null, el('span', { class: 'expander', 'aria-hidden': 'true' }, '▸')),
    cell('col-id', 'cell-id', el('span', { class: 'id-text' }), el('span', { class: 'chip chip-deleted', testid: 'deleted-chip', hidden: true }, 'deleted')),
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
    cell('col-actions', null, el('button', { type: 'button', class: 'icon' })));
  flagCellTemplate = el('div', { class: 'td col-flag', role: 'cell', testid: 'cell-flag' });
  return rowTemplate;
}

function createRow(dto) {
  const tr = template().cloneNode(true);
  tr.dataset.id = dto.id;
  const c = tr.children;
  const cells = { select: c[0], expand: c[1], id: c[2], name: c[3], desired: c[4], current: c[5], job: c[6], nodes: c[7], gpus: c[8], actions: c[9] };
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
      idText: cells.id.firstChild,
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
  if (!columnKeys.length) rv.flagCells = [el('div', { class: 'td col-flag-none', role: 'cell' })];
  rv.tr.append(...rv.flagCells);
  rv.signature = columnSignature;
  rv.flagDto = null;
  patchFlags(rv, dto);
}

function patchFlags(rv, dto) {
  if (rv.flagDto === dto) return;
  rv.flagDto = dto;
  const flags = dto.flags || {};
  columnKeys.forEach((key, i) => {
    const td = rv.flagCells[i];
    const kind = flagKind(flags, key);
    setText(td, flagDisplay(flags, key));
    setClass(td, `td col-flag v-${kind}${kind === 'bool' ? (flags[key] ? ' v-true' : ' v-false') : ''}`);
    setAttr(td, 'title', kind === 'missing' ? `${key}: not set` : `${key} = ${flagText(flags, key)}`);
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

function rowClass(rv, dto) {
  return 'row'
    + (dto.deleted ? ' is-deleted' : '')
    + (selection.has(dto.id) ? ' is-selected' : '')
    + (rv.details ? ' is-open' : '')
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
  for (const id of order) {
    const rv = rows.get(id);
    if (!rv) continue;
    const job = rv.dto.current_job;
    if (job && !job.ended_at) setText(rv.parts.jobNote, jobNote(job, now));
    if (rv.dto.current_state === 'RETRYING') setText(rv.parts.currentNote, stateNote(rv.dto, now));
  }
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

/** Moves rows into `next` order with the fewest DOM moves (rows on a longest increasing subsequence stay put). */
function reorder(next) {
  const nextSet = new Set(next);
  for (const id of order) {
    if (!nextSet.has(id)) {
      const rv = rows.get(id);
      if (rv) {
        rv.tr.remove();
        rv.detailTr?.remove();
      }
    }
  }
  const oldIndex = new Map();
  let i = 0;
  for (const id of order) if (nextSet.has(id)) oldIndex.set(id, i++);
  const seq = next.map(id => (oldIndex.has(id) ? oldIndex.get(id) : -1));
  const stable = longestIncreasing(seq);
  let anchor = null;
  for (let k = next.length - 1; k >= 0; k--) {
    const rv = rows.get(next[k]);
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
  order = next;
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
  rv.parts.checkbox.checked = selection.has(id);
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
  onSelectionChange([...selection]);
}

// ---------- events ----------

function onBodyClick(e) {
  const tr = e.target.closest('.row');
  if (!tr || !tbody.contains(tr)) return;
  const id = tr.dataset.id;
  const rv = rows.get(id);
  if (!rv) return;

  if (e.target.matches('[data-testid="row-select"]')) {
    const on = e.target.checked;
    if (e.shiftKey && lastSelectedId && lastSelectedId !== id) {
      const a = order.indexOf(lastSelectedId);
      const b = order.indexOf(id);
      if (a >= 0 && b >= 0) for (let k = Math.min(a, b); k <= Math.max(a, b); k++) setSelected(order[k], on);
    }
    setSelected(id, on);
    lastSelectedId = id;
    updateSelectionUi();
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
  for (const rv of rows.values()) {
    if (rv.details && !view.open.has(rv.id)) closeDetails(rv);
  }
  for (const id of view.open) {
    const rv = rows.get(id);
    if (rv && !rv.details && rv.tr.parentNode === tbody) openDetails(rv, true);
  }
}

function openDetails(rv, focus) {
  rv.details = createDetails(rv.dto);
  rv.detailTr = rv.details.tr;
  rv.tr.after(rv.detailTr);
  setText(rv.parts.expander, '▾');
  setAttr(rv.tr, 'aria-expanded', 'true');
  setClass(rv.tr, rowClass(rv, rv.dto));
  if (focus) rv.tr.scrollIntoView({ block: 'nearest' });
}

function closeDetails(rv) {
  rv.details.destroy();
  rv.detailTr.remove();
  rv.details = null;
  rv.detailTr = null;
  setText(rv.parts.expander, '▸');
  setAttr(rv.tr, 'aria-expanded', 'false');
  setClass(rv.tr, rowClass(rv, rv.dto));
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
    const rv = rows.get(id);
    if (!rv || rv.tr.parentNode !== tbody) return;
    rv.flash = true;
    setClass(rv.tr, rowClass(rv, rv.dto));
    rv.tr.scrollIntoView({ block: 'center' });
    setTimeout(() => {
      rv.flash = false;
      setClass(rv.tr, rowClass(rv, rv.dto));
    }, 2500);
  });
}

export function isShown(id) {
  return order.includes(id);
}
