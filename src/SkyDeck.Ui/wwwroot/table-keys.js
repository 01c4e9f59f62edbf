// Which flag keys the visible experiments have: kept up to date row by row, so a live update does not recount every
// row, and `dirty` says when the set of keys (the flag columns) may have changed. Rows are counted by their set of
// keys (most rows share one): a row costs one count of its set, and a key's count changes only when a set is first
// or last used, so counting 10,000 rows of one shape touches each key once.

const setOf = new WeakMap(); // flags object (one per row version) → its shared set of keys
const sets = new Map(); // the keys joined → the shared set ({keys}), so equal sets are one object

function keySet(flags) {
  let set = setOf.get(flags);
  if (!set) {
    const keys = Object.keys(flags);
    const sig = keys.join('\n');
    set = sets.get(sig);
    if (!set) sets.set(sig, (set = { keys }));
    setOf.set(flags, set);
  }
  return set;
}

const NO_FLAGS = { keys: [] };

export function createKeyCounts() {
  const counts = new Map(); // flag key → number of sets in use that have it
  const users = new Map(); // set → number of counted experiments with it
  const counted = new Map(); // id → the set counted for it
  const self = {
    dirty: true,
    /** Counts an experiment's keys (call uncount first if it was counted before). */
    count(dto) {
      const set = dto.flags ? keySet(dto.flags) : NO_FLAGS;
      counted.set(dto.id, set);
      const n = users.get(set) || 0;
      users.set(set, n + 1);
      if (n > 0) return;
      for (const k of set.keys) {
        const c = counts.get(k) || 0;
        counts.set(k, c + 1);
        if (c === 0) self.dirty = true;
      }
    },
    uncount(id) {
      const set = counted.get(id);
      if (!set) return;
      counted.delete(id);
      const n = users.get(set) - 1;
      if (n > 0) {
        users.set(set, n);
        return;
      }
      users.delete(set);
      for (const k of set.keys) {
        const c = counts.get(k) - 1;
        if (c <= 0) {
          counts.delete(k);
          self.dirty = true;
        } else counts.set(k, c);
      }
    },
    clear() {
      counts.clear();
      users.clear();
      counted.clear();
    },
    /** Every key some counted experiment has, unordered. */
    keys() {
      return [...counts.keys()];
    },
  };
  return self;
}
