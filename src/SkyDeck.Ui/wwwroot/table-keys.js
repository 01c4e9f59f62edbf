// How many visible experiments have each flag key: kept up to date row by row, so a live update does not recount
// every row, and `dirty` says when the set of keys (the flag columns) may have changed.

export function createKeyCounts() {
  const counts = new Map(); // flag key → number of counted experiments that have it
  const counted = new Map(); // id → the keys counted for it
  const self = {
    dirty: true,
    /** Counts an experiment's keys (call uncount first if it was counted before). */
    count(dto) {
      const keys = Object.keys(dto.flags || {});
      counted.set(dto.id, keys);
      for (const k of keys) {
        const n = counts.get(k) || 0;
        counts.set(k, n + 1);
        if (n === 0) self.dirty = true;
      }
    },
    uncount(id) {
      const keys = counted.get(id);
      if (!keys) return;
      counted.delete(id);
      for (const k of keys) {
        const n = counts.get(k) - 1;
        if (n <= 0) {
          counts.delete(k);
          self.dirty = true;
        } else counts.set(k, n);
      }
    },
    clear() {
      counts.clear();
      counted.clear();
    },
    /** Every key some counted experiment has, unordered. */
    keys() {
      return [...counts.keys()];
    },
  };
  return self;
}
