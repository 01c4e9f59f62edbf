// The table's order, pure: what a column sorts by, the comparison (missing values last in either direction, ties by
// id), the header's sort cycle, and the fewest DOM moves to get from one rendered order to the next.

import { jobStatus, compareValues, collator, costNow } from './format.js';

/** Current states in the order the table sorts them (live first); the server's order replaces it (setStateOrder). */
let stateOrder = ['RUNNING', 'PENDING', 'LAUNCHING', 'RETRYING', 'STOPPING', 'TERMINATING', 'UNKNOWN', 'FAILED', 'SUCCEEDED', 'STOPPED', 'INIT', 'TERMINATED'];

/** Uses the server's order of current states (GET /api/meta), when it has sent one. */
export function setStateOrder(states) {
  if (!Array.isArray(states) || !states.length) return;
  stateOrder = [...states];
}

/** Sort rank of a current state (an unknown one sorts before the known ones, as indexOf gives -1). */
export function stateRank(state) {
  return stateOrder.indexOf(state);
}

export function sortValueOf(dto, key) {
  switch (key) {
    case 'id':
      return dto.id;
    case 'name':
      return dto.name;
    case 'desired':
      return dto.desired_state;
    case 'current':
      return stateRank(dto.current_state);
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

/** A function reading `key`'s sort value from a dto: the key is parsed once per sort, not once per row. */
function valueReader(key) {
  if (key.startsWith('f:')) {
    const k = key.slice(2);
    return dto => {
      const flags = dto.flags;
      return flags && k in flags ? flags[k] : null;
    };
  }
  return dto => sortValueOf(dto, key);
}

// Collation ranks: a number per string whose order is the collator's, so a sort of 10,000 rows compares numbers. They
// are made by one collator sort of the distinct strings and kept while no new string turns up (strings that went away
// leave gaps, which keep the order); a new one remakes them, keeping the old strings while they are few beside the
// new ones (sorting by another text column and back then ranks nothing again). Ids and values are ranked apart.
function createRanks() {
  let ranks = new Map(); // string → rank (collator-equal strings share one)
  /** The ranks of `strings`; without `remake`, null when some string has none yet. */
  return (strings, remake = true) => {
    for (const s of strings) if (!ranks.has(s)) return remake ? (ranks = remakeRanks(ranks, strings)) : null;
    return ranks;
  };
}

function remakeRanks(old, strings) {
  const keep = old.size <= 3 * strings.length ? old.keys() : [];
  const sorted = [...new Set([...keep, ...strings])].sort(collator.compare);
  const ranks = new Map();
  let rank = 0;
  sorted.forEach((s, i) => {
    if (i > 0 && collator.compare(sorted[i - 1], s) !== 0) rank++;
    ranks.set(s, rank);
  });
  return ranks;
}

const idRanks = createRanks();
const TIE_LIMIT = 2000;

function rankArray(strings, ranks) {
  const out = new Float64Array(strings.length);
  for (let i = 0; i < strings.length; i++) out[i] = ranks.get(strings[i]);
  return out;
}
const textRanks = createRanks();

/** Sorts `list` (experiment dtos) in place by `sort` ({key, dir}); without one, newest first. */
export function sortList(list, sort) {
  const n = list.length;
  // ties by id, as the collator orders them: a sort by a unique value has none, by a few values has thousands. At the
  // first tie the ids' ranks are used if they are known; else the collator decides the first TIE_LIMIT ties and only
  // then are the ids ranked (one collator sort; the same order, so switching midway is consistent)
  let tie = null;
  let ids = null;
  let direct = 0;
  const byId = (a, b) => {
    if (!tie) {
      if (!ids) {
        ids = list.map(d => d.id);
        const known = idRanks(ids, false);
        if (known) tie = rankArray(ids, known);
      }
      if (!tie && direct++ < TIE_LIMIT) return collator.compare(ids[a], ids[b]);
      tie ??= rankArray(ids, idRanks(ids));
    }
    return tie[a] - tie[b];
  };
  const index = new Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  if (!sort) {
    // newest first, so what you just created is at the top (ISO times: their text order is their time order)
    index.sort((a, b) => {
      const ca = list[a].created_at;
      const cb = list[b].created_at;
      return cb > ca ? 1 : cb < ca ? -1 : byId(a, b);
    });
  } else {
    const { key, dir } = sort;
    const read = valueReader(key);
    // each row's value as a class (0 number, 1 text, 2 missing) and a number: the value, or the text's rank
    const cls = new Uint8Array(n);
    const val = new Float64Array(n);
    let texts = null;
    for (let i = 0; i < n; i++) {
      const v = read(list[i]);
      if (v === null || v === undefined) cls[i] = 2;
      else if (typeof v === 'number') val[i] = v;
      else {
        cls[i] = 1;
        (texts ??= new Array(n))[i] = String(v);
      }
    }
    if (texts) {
      const r = textRanks(texts.filter(t => t !== undefined));
      for (let i = 0; i < n; i++) if (cls[i] === 1) val[i] = r.get(texts[i]);
    }
    index.sort((a, b) => {
      const ca = cls[a];
      const cb = cls[b];
      if (ca === 2 || cb === 2) return ca !== cb ? (ca === 2 ? 1 : -1) : byId(a, b); // missing last, either way
      return dir * (ca - cb || val[a] - val[b]) || byId(a, b);
    });
  }
  const dtos = list.slice();
  for (let i = 0; i < n; i++) list[i] = dtos[index[i]];
  return list;
}

/** Whether a new version of a row can move it under `sort`. */
export function sortChanged(before, after, sort) {
  if (!before) return true;
  if (!sort) return before.created_at !== after.created_at;
  return sortValueOf(before, sort.key) !== sortValueOf(after, sort.key);
}

/** A click on a column header: ascending, then descending, then unsorted. */
export function nextSort(sort, key) {
  if (!sort || sort.key !== key) return { key, dir: 1 };
  if (sort.dir > 0) return { key, dir: -1 };
  return null;
}

/** Indices (into seq) of one longest strictly increasing subsequence, ignoring -1 entries. */
export function longestIncreasing(seq) {
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
