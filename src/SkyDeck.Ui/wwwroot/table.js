// The experiments table: one keyed row per experiment. Store changes mark rows dirty; one animation frame later
// only those rows are patched, the visible order is recomputed, and rows are moved with the fewest DOM moves.
// The header (and every row's flag cells) is rebuilt only when the set of flag columns changes.

import { el, setText, setAttr, setClass, clear } from './dom.js';
import { store } from './store.js';
import { view, updateView, onViewChange } from './view.js';
import { compileFilter } from './filter.js';
import { discoverFlagKeys, splitVarying, headerLayout, leafOrder } from './columns.js';
import {
  badgeClass, stateHelp, jobStatus, formatAge, formatDuration, jobDuration, parseTime,
  flagKind, flagDisplay, flagText, compareValues, collator,
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
  initialRenderMs: null,
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
let onSelectionChange = () => {};
let countNode;
let emptyNode;
let commonNode;

export function initTable({ selectionChanged }) {
  onSelectionChange = selectionChanged;
  table = document.querySelector('[data-testid="experiments-table"]');
  thead = table.tHead;
  tbody = table.tBodies[0];
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
  thead.addEventListener('change', e => {
    if (e.target.matches('[data-testid="select-all"]')) selectAllVisible(e.target.checked);
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

  // 1. filter membership (all rows after a view change, else only the changed ones)
  if (wasFull) {
    matches.clear();
    for (const dto of store.values()) matches.set(dto.id, filterFn(dto));
  } else {
    for (const id of changed) {
      const dto = store.get(id);
      if (dto) matches.set(id, filterFn(dto));
      else matches.delete(id);
    }
  }
  for (const id of changed) {
    if (!store.has(id)) dropRow(id);
  }

  // 2. visible experiments, then the flag columns they need
  const visible = [];
  for (const dto of store.values()) if (visibleIn(dto)) visible.push(dto);
  let keys = discoverFlagKeys(visible);
  constantFlags = [];
  if (view.varying && visible.length > 1) {
    const split = splitVarying(keys, visible);
    keys = split.varying;
    constantFlags = split.constant;
  }
  keys = leafOrder(keys);
  const signature = keys.join('\n');
  const columnsChanged = signature !== columnSignature;
  if (columnsChanged) {
    columnKeys = keys;
    columnSignature = signature;
    buildHeader();
  } else if (wasFull) {
    updateHeaderSort();
  }

  // 3. patch changed rows; create rows that appear for the first time; rebuild flag cells if columns changed
  for (const dto of visible) {
    let rv = rows.get(dto.id);
    if (!rv) {
      rv = createRow(dto);
      rows.set(dto.id, rv);
    } else if (rv.signature !== columnSignature) {
      buildFlagCells(rv, dto);
      patchRow(rv, dto);
    } else if (changed.has(dto.id) || rv.dto !== dto) {
      patchRow(rv, dto);
    }
  }

  // 4. order and move
  sortVisible(visible);
  reorder(visible.map(d => d.id));

  // 5. everything around the table
  if (wasFull) pruneSelection();
  updateSelectionUi();
  updateCounts(visible.length);
  renderCommonFlags();
  if (columnsChanged) requestAnimationFrame(stickHeaderRows);
  for (const id of view.open) {
    const rv = rows.get(id);
    if (rv && visibleIn(rv.dto) && !rv.details) openDetails(rv, false);
  }

  const ms = performance.now() - t0;
  if (stats.initialRenderMs === null) stats.initialRenderMs = ms;
  stats.record(ms, changed.size);
}

// ---------- header ----------

function buildHeader() {
  const layout = headerLayout(columnKeys);
  const depth = columnKeys.length ? layout.depth : 1;
  const headRows = Array.from({ length: depth }, () => el('tr'));
  for (const col of BASE_COLUMNS) {
    const th = el('th', { class: `col-${col.key}`, rowSpan: depth, scope: 'col', testid: `col-${col.key}` });
    if (col.key === 'select') {
      th.append(el('input', { type: 'checkbox', testid: 'select-all', title: 'Select all shown', 'aria-label': 'Select all shown' }));
    } else if (col.sortable !== false) {
      th.dataset.sortKey = col.key;
      th.classList.add('sortable');
      th.tabIndex = 0;
      th.append(el('span', { class: 'th-label' }, col.label), el('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
    } else if (col.key === 'actions') {
      th.append(el('span', { class: 'th-label' }, 'Actions'));
    }
    headRows[0].append(th);
  }
  if (columnKeys.length) {
    layout.rows.forEach((cells, level) => {
      for (const cell of cells) {
        if (cell.kind === 'group') {
          headRows[level].append(el('th', {
            class: 'col-flag-group',
            colSpan: cell.colSpan,
            scope: 'colgroup',
            title: cell.path,
            testid: 'col-group',
            dataset: { path: cell.path },
          }, cell.label));
        } else {
          const th = el('th', {
            class: 'col-flag sortable',
            rowSpan: cell.rowSpan,
            scope: 'col',
            title: `${cell.key} (click to sort)`,
            testid: 'col-flag',
            tabIndex: 0,
            dataset: { key: cell.key, sortKey: `f:${cell.key}` },
          }, el('span', { class: 'th-label' }, cell.label), el('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
          headRows[level].append(th);
        }
      }
    });
  } else {
    headRows[0].append(el('th', { class: 'col-flag-none', rowSpan: depth }, 'Flags'));
  }
  thead.replaceChildren(...headRows);
  updateHeaderSort();
}

function updateHeaderSort() {
  for (const th of thead.querySelectorAll('th[data-sort-key]')) {
    const active = view.sort && view.sort.key === th.dataset.sortKey;
    th.classList.toggle('sorted', !!active);
    setAttr(th, 'aria-sort', active ? (view.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    setText(th.querySelector('.sort-mark'), active ? (view.sort.dir > 0 ? '▲' : '▼') : '');
  }
}

/** Multi-row sticky header: each header row sticks below the ones above it. */
function stickHeaderRows() {
  let top = 0;
  for (const tr of thead.rows) {
    for (const th of tr.cells) th.style.top = `${top}px`;
    top += tr.getBoundingClientRect().height;
  }
}

function onHeadClick(e) {
  const th = e.target.closest('th[data-sort-key]');
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

function createRow(dto) {
  const tr = el('tr', { class: 'row', tabIndex: 0, testid: 'row', dataset: { id: dto.id } });
  const checkbox = el('input', { type: 'checkbox', testid: 'row-select', 'aria-label': `Select ${dto.id}` });
  const expander = el('span', { class: 'expander', 'aria-hidden': 'true' }, '▸');
  const idText = el('span', { class: 'id-text' });
  const deletedChip = el('span', { class: 'chip chip-deleted', testid: 'deleted-chip', hidden: true }, 'deleted');
  const nameText = el('span', { class: 'name-text', testid: 'name-text' });
  const restartChip = el('span', {
    class: 'chip chip-restart',
    testid: 'needs-restart',
    hidden: true,
    title: 'The configuration changed while a job was running. Stop and start again to apply it.',
  }, 'restart to apply');
  const desired = el('span');
  const current = el('span');
  const currentNote = el('span', { class: 'state-note', testid: 'state-note' });
  const job = el('span');
  const jobNote = el('span', { class: 'job-note' });
  const startButton = el('button', { type: 'button', class: 'icon start', testid: 'row-start', title: 'Start (desired: RUNNING)', dataset: { action: 'start' } }, '▶');
  const stopButton = el('button', { type: 'button', class: 'icon stop', testid: 'row-stop', title: 'Stop (desired: STOPPED)', dataset: { action: 'stop' } }, '■');
  const restoreButton = el('button', { type: 'button', class: 'small', testid: 'row-restore', hidden: true, dataset: { action: 'restore' } }, 'Restore');

  const cells = {
    select: el('td', { class: 'col-select' }, checkbox),
    expand: el('td', { class: 'col-expand' }, expander),
    id: el('td', { class: 'col-id', testid: 'cell-id' }, idText, deletedChip),
    name: el('td', { class: 'col-name', testid: 'cell-name' }, nameText, restartChip),
    desired: el('td', { class: 'col-desired', testid: 'cell-desired' }, desired),
    current: el('td', { class: 'col-current', testid: 'cell-current' }, current, currentNote),
    job: el('td', { class: 'col-job', testid: 'cell-job' }, job, jobNote),
    nodes: el('td', { class: 'col-nodes num', testid: 'cell-nodes' }),
    gpus: el('td', { class: 'col-gpus num', testid: 'cell-gpus' }),
    actions: el('td', { class: 'col-actions' }, startButton, stopButton, restoreButton),
  };
  tr.append(...Object.values(cells));
  const rv = {
    id: dto.id,
    dto: null,
    tr,
    cells,
    parts: { checkbox, expander, idText, deletedChip, nameText, restartChip, desired, current, currentNote, job, jobNote, startButton, stopButton, restoreButton },
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
  rv.flagCells = columnKeys.map(key => el('td', { class: 'col-flag', testid: 'cell-flag', dataset: { key } }));
  if (!columnKeys.length) rv.flagCells = [el('td', { class: 'col-flag-none' })];
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
    setClass(td, `col-flag v-${kind}${kind === 'bool' ? (flags[key] ? ' v-true' : ' v-false') : ''}`);
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

  setText(rv.cells.nodes, dto.nodes);
  setText(rv.cells.gpus, dto.gpus);

  const deleted = !!dto.deleted;
  p.startButton.hidden = deleted;
  p.stopButton.hidden = deleted;
  p.restoreButton.hidden = !deleted;
  p.startButton.disabled = dto.desired_state === 'RUNNING';
  p.stopButton.disabled = dto.desired_state !== 'RUNNING';

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
  if (dto.current_state === 'RETRYING' && dto.retry_at) {
    const at = parseTime(dto.retry_at);
    if (at !== null) return at > now ? `retry in ${formatDuration((at - now) / 1000)}` : 'retrying…';
  }
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
  const tr = e.target.closest('tr.row');
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
    return;
  }
  if (e.target.closest('td.col-select')) {
    // a click next to the checkbox toggles it: a bigger target
    rv.parts.checkbox.click();
    return;
  }
  if (window.getSelection()?.toString()) return; // selecting text is not a click
  toggleDetails(id);
}

function onBodyKey(e) {
  if (e.target.matches('tr.row') && (e.key === 'Enter' || e.key === ' ')) {
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
  rv.details = createDetails(rv.dto, { colSpan: () => BASE_COLUMNS.length + Math.max(columnKeys.length, 1) });
  rv.detailTr = rv.details.tr;
  rv.tr.after(rv.detailTr);
  setText(rv.parts.expander, '▾');
  setAttr(rv.tr, 'aria-expanded', 'true');
  setClass(rv.tr, rowClass(rv, rv.dto));
  if (focus) rv.detailTr.scrollIntoView({ block: 'nearest' });
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

/** Column count changed: widen open detail cells. */
export function refreshDetailSpans() {
  for (const rv of rows.values()) rv.details?.resize();
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
