// The paged table: beyond the server's threshold (GET /api/meta dashboard.paged_above, SKYDECK_DASHBOARD_PAGED_ABOVE)
// the page never loads the whole list. It asks GET /api/experiments for pages of PAGE_SIZE rows at an offset, with the
// filter as typed (q) and the server's sort, as the table scrolls to them; the store holds only the loaded rows, and
// the table shows `total` rows, with a placeholder where a page is still on its way. The live stream sends changes
// only (/api/stream?snapshot=false): a loaded row is patched in place, and a change that may add, remove or move rows
// reloads the pages in view (at most once a second; what was loaded stays shown until its page comes again).
// What needs every row (grouping, only columns that vary, starred, the plot, sorting by job, nodes, GPUs or cost) is
// off while paged, and the notice says so; select-all selects the loaded rows and says how many.

import { api } from './api.js';
import { store } from './store.js';
import { view, onViewChange } from './view.js';
import { compileFilter } from './filter.js';
import { el } from './dom.js';
import { pagedAbove } from './meta.js';
import { PageSet, pagesCovering, pageQuery, canSortPaged, changeEffect } from './paging-core.js';

export const PAGE_SIZE = 200;
const MAX_PAGES = 15; // pages kept loaded (3,000 rows); the farthest from the window go first
const MAX_IN_FLIGHT = 2;
const WANT_MS = 80; // while scrolling, what is in view is asked for at most this often
const REFETCH_MS = 1000; // live changes reload what is shown at most this often
const RETRY_MS = 2000; // a page that failed (not refused) is asked for again after this long

const pages = new PageSet(PAGE_SIZE);
const rows = new Map(); // id → the newest dto of every loaded row (what the store holds)
const seenDeleted = new Set(); // ids last seen deleted (a restore can bring one back among the matches)
const inFlight = new Map(); // page → the generation it was asked for
const failed = new Map(); // page → the generation whose request for it failed (asked again in the next one: a poll, a reload)
const listeners = new Set();
let current = { order: [], index: new Map() };
let want = { start: 0, end: 1 }; // the rows the table shows (until it says: the first)
let wantTimer = 0;
let refetchTimer = 0;
let lastRefetch = 0;
let queryKey = '';
let filterFn = () => true;
let everything = 0; // experiments in SkyDeck (deleted too), when the mode was decided
let lastError = null;
let problemNode = null; // in the notice: why the server refused the view's page (a bad filter)

export const paging = {
  /** Whether the table pages (decided once, at start). */
  active: false,
  /** Rows matching the filter, by the server's count. */
  get total() {
    return pages.total;
  },
  /** Experiments in SkyDeck when the page started (deleted ones too). */
  get everything() {
    return everything;
  },
  /** How many rows are loaded. */
  get loaded() {
    return current.index.size;
  },
  /** The last failed page request's message, or null. */
  get lastError() {
    return lastError;
  },
  /** Whether the row is loaded (the server put it among the matches). */
  has: id => current.index.has(id),
  /** The rows in display order: `total` entries, undefined where not loaded; and id → index. */
  order: () => current,
  /** Ids the table needs kept (the selection): their pages are not evicted. Set by the table. */
  pinned: () => [],
  /** The table shows rows [start, end): load the pages they are in. */
  want(start, end) {
    want = { start, end };
    if (!wantTimer) wantTimer = setTimeout(() => ((wantTimer = 0), pumpQuietly()), WANT_MS);
  },
  /** Called after the loaded pages or their order changed (the store has changed already). */
  onChange(listener) {
    listeners.add(listener);
  },
  /** The table's sort as the server applies it: null when the view's sort is not one the server has. */
  effectiveSort() {
    return view.sort && canSortPaged(view.sort.key) ? view.sort : null;
  },
};

/**
 * Decides full or paged mode from how many experiments there are (one GET of a single row, which carries the total).
 * Paged: starts loading the first page and returns the stream's sink (stream.js: changes only, no snapshot).
 */
export async function decidePaging() {
  let probe;
  try {
    probe = await api.page('limit=1&include_deleted=true');
  } catch (e) {
    console.warn('could not count the experiments; loading the whole list', e);
    return null;
  }
  everything = probe?.total ?? 0;
  if (everything <= pagedAbove()) return null;
  paging.active = true;
  filterFn = compileFilter(view.q);
  queryKey = keyOf();
  onViewChange(patch => {
    if ('q' in patch) filterFn = compileFilter(view.q);
    if (!('q' in patch || 'sort' in patch || 'deleted' in patch) || keyOf() === queryKey) return;
    queryKey = keyOf();
    pages.renew(true);
    pumpQuietly();
  });
  showNotice();
  pumpQuietly();
  return { change, start: refetchSoon, poll: refetchNow };
}

function query() {
  return { q: view.q, sort: paging.effectiveSort(), deleted: view.deleted };
}

function keyOf() {
  return pageQuery(query(), 0, 0);
}

/** Asks for the pages in (and half a page around) the window that are not loaded in this generation, nearest first. */
function pump() {
  const pending = [];
  const known = Math.max(1, Math.ceil(pages.total / PAGE_SIZE));
  const middle = Math.floor((want.start + want.end) / 2 / PAGE_SIZE);
  const near = pagesCovering(Math.max(0, want.start - PAGE_SIZE / 2), want.end + PAGE_SIZE / 2, PAGE_SIZE)
    .filter(p => p < known)
    .sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle));
  // another query's count is not known yet: its first page too (the window may lie beyond its matches)
  if (!pages.counted && !near.includes(0)) near.unshift(0);
  if (near.length === 0) near.push(0);
  for (const p of near) {
    if (inFlight.size >= MAX_IN_FLIGHT) break;
    if (pages.fresh(p) || inFlight.get(p) === pages.gen || failed.get(p) === pages.gen) continue;
    pending.push(fetchPage(p));
  }
  return Promise.all(pending);
}

/** pump() from a timer: a failed page is reported by the stream's poll (and its placeholder stays), not thrown. */
function pumpQuietly() {
  pump().catch(() => {});
}

async function fetchPage(p) {
  const gen = pages.gen;
  inFlight.set(p, gen);
  try {
    const data = await api.page(pageQuery(query(), p * PAGE_SIZE, PAGE_SIZE));
    const list = data?.experiments || [];
    if (pages.put(p, list.map(d => d.id), data?.total ?? 0, gen)) {
      for (const dto of list) remember(dto);
      lastError = null;
      showProblem(null);
      settle();
    }
  } catch (e) {
    failed.set(p, gen);
    lastError = e.message;
    if (e.status === 400 && gen === pages.gen) showProblem(e.message);
    // anything but a refusal (busy, unreachable) is asked again in a while; a refusal waits for another view
    else if (e.status !== 400) setTimeout(() => failed.get(p) === gen && failed.delete(p) && pumpQuietly(), RETRY_MS);
    throw e;
  } finally {
    if (inFlight.get(p) === gen) inFlight.delete(p);
    setTimeout(pumpQuietly, 0);
  }
}

function remember(dto) {
  const held = rows.get(dto.id);
  if (!held || held.version <= dto.version) rows.set(dto.id, dto);
  if (dto.deleted) seenDeleted.add(dto.id);
  else seenDeleted.delete(dto.id);
}

/** Evicts far pages, recomputes the order and hands the loaded rows to the store (which tells the table). */
function settle() {
  const keep = new Set(pagesCovering(Math.max(0, want.start - PAGE_SIZE), want.end + PAGE_SIZE, PAGE_SIZE));
  for (const id of [...paging.pinned(), ...view.open]) {
    const i = current.index.get(id);
    if (i !== undefined) keep.add(Math.floor(i / PAGE_SIZE));
  }
  pages.evict(keep, Math.floor(want.start / PAGE_SIZE), MAX_PAGES);
  current = pages.order();
  const loaded = pages.ids();
  for (const id of [...rows.keys()]) if (!loaded.has(id)) rows.delete(id);
  store.applySnapshot([...rows.values()], { authoritative: false });
  for (const listener of listeners) listener();
}

/** One experiment changed (the live stream). */
function change(dto) {
  if (!dto || typeof dto.id !== 'string') return;
  const before = current.index.has(dto.id) ? rows.get(dto.id) : undefined;
  if (before && before.version >= dto.version) return;
  const effect = changeEffect({
    before, after: dto, q: view.q, deleted: view.deleted, sort: paging.effectiveSort(), matches: filterFn, wasDeleted: seenDeleted.has(dto.id),
  });
  if (before) {
    remember(dto);
    store.applyOne(dto);
  } else if (dto.deleted) seenDeleted.add(dto.id);
  else seenDeleted.delete(dto.id);
  if (effect === 'refetch') refetchSoon();
}

/** Reloads what is shown within a second (changes in between share one reload). */
function refetchSoon() {
  if (refetchTimer) return;
  refetchTimer = setTimeout(() => refetchNow().catch(() => {}), Math.max(0, lastRefetch + REFETCH_MS - Date.now()));
}

/** Reloads the pages in view now (the rows loaded elsewhere stay shown until scrolled to, then are reloaded too). */
function refetchNow() {
  clearTimeout(refetchTimer);
  refetchTimer = 0;
  lastRefetch = Date.now();
  pages.renew(false);
  return pump();
}

/** The server refused the page for this view (a filter it cannot read): said in the notice, until a page loads. */
function showProblem(message) {
  if (!problemNode) return;
  problemNode.hidden = !message;
  problemNode.textContent = message ? `The server refused this view: ${message}` : '';
}

// ---------- what is off while paged, said once ----------

const OFF = {
  'toggle-varying': 'Only columns that vary needs every row; the table is paged',
  'toggle-starred': 'Starred filters the rows in the browser, which needs every row; the table is paged',
  'group-by': 'Grouping counts every row; the table is paged',
  'plot-button': 'The plot draws every row shown; the table is paged',
};

function showNotice() {
  for (const [testid, why] of Object.entries(OFF)) {
    const node = document.querySelector(`[data-testid="${testid}"]`);
    if (!node) continue;
    node.disabled = true;
    node.title = why;
    node.closest('label')?.setAttribute('title', why);
  }
  const notice = el('div', { class: 'paged-notice', testid: 'paged-notice', role: 'note' },
    el('strong', null, 'Paged table. '),
    `SkyDeck holds ${everything.toLocaleString('en')} experiments (more than ${pagedAbove().toLocaleString('en')}), so rows load `
    + `${PAGE_SIZE} at a time as you scroll, and the filter and sort run on the server. Off while paged (each needs every row): `
    + 'grouping, only columns that vary, starred, the plot, and sorting by Job, Nodes, GPUs or cost. '
    + 'Select-all selects the loaded rows only.');
  problemNode = el('span', { class: 'paged-problem', testid: 'paged-problem', role: 'alert', hidden: true });
  notice.append(' ', problemNode);
  const toolbar = document.querySelector('.toolbar');
  toolbar?.after(notice);
}
