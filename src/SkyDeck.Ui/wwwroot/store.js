// The experiments the page knows about, keyed by id. Every change notifies listeners with exactly which ids changed,
// so views can update only those rows.

const experiments = new Map();
const listeners = new Set();
let loaded = false;

export const store = {
  get loaded() {
    return loaded;
  },
  get size() {
    return experiments.size;
  },
  get: id => experiments.get(id),
  has: id => experiments.has(id),
  values: () => experiments.values(),
  ids: () => experiments.keys(),

  /**
   * Replaces everything. authoritative=true (the stream's snapshot) takes the server's word even for lower versions;
   * a poll keeps anything newer that arrived while it was in flight.
   */
  applySnapshot(list, { authoritative = true } = {}) {
    const changed = new Set();
    const removed = new Set();
    const seen = new Set();
    for (const dto of list) {
      if (!dto || typeof dto.id !== 'string') continue;
      seen.add(dto.id);
      const held = experiments.get(dto.id);
      if (held && !authoritative && held.version > dto.version) continue;
      if (held && held.version === dto.version && held.updated_at === dto.updated_at) continue;
      experiments.set(dto.id, dto);
      changed.add(dto.id);
    }
    for (const id of [...experiments.keys()]) {
      if (!seen.has(id)) {
        experiments.delete(id);
        removed.add(id);
      }
    }
    const first = !loaded;
    loaded = true;
    emit({ changed, removed, initial: first });
  },

  /** Applies one experiment from the stream or a response, only if it is newer than what is held. */
  applyOne(dto) {
    if (!dto || typeof dto.id !== 'string') return false;
    const held = experiments.get(dto.id);
    if (held && held.version >= dto.version) return false;
    experiments.set(dto.id, dto);
    emit({ changed: new Set([dto.id]), removed: new Set(), initial: false });
    return true;
  },

  subscribe(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

function emit(change) {
  if (change.changed.size === 0 && change.removed.size === 0 && !change.initial) return;
  for (const listener of listeners) listener(change);
}
