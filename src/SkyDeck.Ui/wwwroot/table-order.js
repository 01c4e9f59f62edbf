// The table's order, pure: what a column sorts by, the comparison (missing values last in either direction, ties by
// id), the header's sort cycle, and the fewest DOM moves to get from one rendered order to the next.

import { jobStatus, compareValues, collator, costNow } from './format.js';

/** Current states in the order the table sorts them (live first); the server's order replaces it (setStateOrder). */
let stateOrder = ['RUNNING', 'PENDING', 'LAUNCHING', 'RETRYING', 'STOPPING', 'TERMINATING', 'UNKNOWN', 'FAILED', 'SUCCEEDED', 'STOPPED', 'INIT', 'TERMINATED'];

/** Uses the server's order of current states (GET /api/meta), when it has sent one. */
export function setStateOrder(states) {
  if (Array.isArray(states) && states.length) stateOrder = [...states];
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

/** Sorts `list` (experiment dtos) in place by `sort` ({key, dir}); without one, newest first. */
export function sortList(list, sort) {
  if (!sort) {
    // newest first, so what you just created is at the top
    list.sort((a, b) => (b.created_at > a.created_at ? 1 : b.created_at < a.created_at ? -1 : collator.compare(a.id, b.id)));
    return list;
  }
  const { key, dir } = sort;
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
