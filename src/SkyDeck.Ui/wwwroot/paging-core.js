// The paged table's pure parts (paging.js does the requests): how the view's sort is asked of the server, which pages
// cover a window of rows, the loaded pages and the order they give (holes where nothing is loaded yet), and what a
// live change means for what is loaded.

import { sortChanged } from './table-order.js';

/** Table columns the server sorts by (GET /api/experiments?sort=…), and its name for each; flag columns too (f:KEY). */
const SERVER_COLUMNS = { id: 'id', name: 'name', desired: 'desired', current: 'state' };

/** Whether the server can sort by the table column `key` (the others need every row: off while paged). */
export function canSortPaged(key) {
  return Object.hasOwn(SERVER_COLUMNS, key) || (key.startsWith('f:') && key.length > 2);
}

/** The server's sort= for the view's sort ({key, dir} or null: newest first, as the table's own default). */
export function serverSort(sort) {
  if (!sort || !canSortPaged(sort.key)) return 'created:desc';
  const column = sort.key.startsWith('f:') ? sort.key : SERVER_COLUMNS[sort.key];
  return sort.dir < 0 ? `${column}:desc` : column;
}

/** The query string of one page: the filter as typed, the server's sort, deleted rows or not, where and how many. */
export function pageQuery({ q, sort, deleted }, offset, limit) {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  params.set('sort', serverSort(sort));
  if (deleted) params.set('include_deleted', 'true');
  params.set('offset', String(offset));
  params.set('limit', String(limit));
  return params.toString();
}

/** The page numbers (pages of `size` rows) that hold rows [start, end). */
export function pagesCovering(start, end, size) {
  const pages = [];
  if (end <= start) return pages;
  for (let p = Math.floor(start / size); p <= Math.floor((end - 1) / size); p++) pages.push(p);
  return pages;
}

/**
 * The loaded pages of one query: page number → the ids in it, each from a generation (a query, or a refetch of the same
 * query). Pages of an older generation are still shown until their page comes again (no flash of empty rows after a
 * live change), but a row in a page of the current generation wins over the same row in an older one.
 */
export class PageSet {
  constructor(size) {
    this.size = size;
    this.total = 0;
    this.gen = 0;
    this.pages = new Map(); // page number → {ids, gen}
    this.dropStale = false;
    this.counted = false; // a page of this query has come, so `total` is its count (not the previous query's)
  }

  /**
   * Starts a new generation. With `drop` (another query) what is loaded is forgotten when the first page of the new
   * generation arrives (it stays shown until then); else each page stays until its own page comes again.
   */
  renew(drop) {
    this.gen++;
    if (drop) {
      this.dropStale = true;
      this.counted = false;
    }
    return this.gen;
  }

  /** A page arrived for generation `gen` (ignored when older than the current one); false when ignored. */
  put(page, ids, total, gen) {
    if (gen !== this.gen) return false;
    if (this.dropStale) {
      this.pages.clear();
      this.dropStale = false;
    }
    this.total = total;
    this.counted = true;
    this.pages.set(page, { ids, gen });
    const last = total === 0 ? -1 : Math.floor((total - 1) / this.size);
    for (const p of [...this.pages.keys()]) if (p > last) this.pages.delete(p);
    return true;
  }

  /** Whether page `p` is loaded in the current generation (else it is to be fetched). */
  fresh(p) {
    return this.pages.get(p)?.gen === this.gen;
  }

  /** Forgets the pages not in `keep`, farthest from `near` first, until at most `max` are left. */
  evict(keep, near, max) {
    if (this.pages.size <= max) return;
    const far = [...this.pages.keys()].filter(p => !keep.has(p)).sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
    for (const p of far) {
      if (this.pages.size <= max) break;
      this.pages.delete(p);
    }
  }

  /** The rows in display order: an array of `total` ids with holes where no page is loaded, and id → index. */
  order() {
    const order = new Array(this.total);
    const index = new Map();
    const place = current => {
      for (const [p, { ids, gen }] of this.pages) {
        if ((gen === this.gen) !== current) continue;
        for (let k = 0; k < ids.length; k++) {
          const i = p * this.size + k;
          if (i >= this.total || index.has(ids[k]) || order[i] !== undefined) continue;
          order[i] = ids[k];
          index.set(ids[k], i);
        }
      }
    };
    place(true);
    place(false);
    return { order, index };
  }

  /** Every id in a loaded page. */
  ids() {
    const ids = new Set();
    for (const { ids: page } of this.pages.values()) for (const id of page) ids.add(id);
    return ids;
  }
}

/**
 * What a live change of experiment `after` means for a paged table showing the query {q, deleted, sort}:
 *   'patch'   it is loaded and stays where it is: update its row in place
 *   'refetch' it may have entered, left or moved within the matches (or it changed the total): reload what is shown
 *   'ignore'  it is not loaded and cannot have changed which rows match or their order
 * `before` is the loaded version (undefined when not loaded); `matches` the page's own filter (filter.js) for q;
 * `wasDeleted` whether this page last saw the experiment deleted (a restore brings it back among the matches).
 */
export function changeEffect({ before, after, q, deleted, sort, matches, wasDeleted = false }) {
  const shown = dto => (deleted || !dto.deleted) && matches(dto);
  if (before) return !shown(after) || sortChanged(before, after, sort) ? 'refetch' : 'patch';
  // Not loaded: with a filter, or a deleted row hidden, it may have just left (or entered) the matches.
  if (q || (!deleted && (after.deleted || wasDeleted))) return 'refetch';
  // No filter: every row matches, so only a new one or one that moved in the order changes what is where.
  if (after.version <= 1) return 'refetch';
  return !sort || sort.key === 'id' ? 'ignore' : 'refetch';
}
