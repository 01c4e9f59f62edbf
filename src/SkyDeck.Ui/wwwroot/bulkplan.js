// What a bulk action would do to each selected row, from the rows' state alone (pure; no DOM, no requests): the rows
// it changes, the rows where it is a no-op, and the rows it cannot act on. bulk.js shows the plan, then sends only
// the changes.

const VERBS = {
  start: { verb: 'Start', will: 'will launch' },
  stop: { verb: 'Stop', will: 'will stop' },
  delete: { verb: 'Delete', will: 'will be deleted' },
  restore: { verb: 'Restore', will: 'will be restored' },
};

/**
 * One row's fate under op: {kind: 'change'} | {kind: 'noop', reason} | {kind: 'skip', reason}. A missing row (gone
 * from the store) is skipped.
 */
export function rowPlan(op, dto) {
  if (!dto) return { kind: 'skip', reason: 'no longer exists' };
  switch (op) {
    case 'start':
      if (dto.deleted) return { kind: 'skip', reason: 'deleted: restore it first' };
      if (dto.desired_state === 'RUNNING') {
        return { kind: 'noop', reason: dto.current_state === 'RUNNING' ? 'already running' : `already started (${String(dto.current_state).toLowerCase()})` };
      }
      return { kind: 'change' };
    case 'stop':
      if (dto.deleted) return { kind: 'noop', reason: 'deleted: already stopped' };
      if (dto.desired_state === 'STOPPED') {
        return { kind: 'noop', reason: dto.current_state === 'STOPPED' ? 'already stopped' : `already stopping (${String(dto.current_state).toLowerCase()})` };
      }
      return { kind: 'change' };
    case 'delete':
      return dto.deleted ? { kind: 'noop', reason: 'already deleted' } : { kind: 'change' };
    case 'restore':
      return dto.deleted ? { kind: 'change' } : { kind: 'noop', reason: 'not deleted' };
    default:
      return { kind: 'skip', reason: `unknown action ${op}` };
  }
}

/** Reasons are counted without their detail: "already started (pending)" and "(launching)" count together. */
function reasonGroup(reason) {
  return reason.replace(/ \(.*\)$/, '');
}

/**
 * The plan for op over ids (dtoOf(id) → the row, or undefined). Returns
 * {op, verb, change: [ids], noop: [{id, reason}], skip: [{id, reason}], summary}, summary like
 * "Start 12: 9 will launch, 3 already running — no change".
 */
export function planBulk(op, ids, dtoOf) {
  const { verb, will } = VERBS[op] ?? { verb: op, will: 'will change' };
  const change = [];
  const noop = [];
  const skip = [];
  for (const id of ids) {
    const p = rowPlan(op, dtoOf(id));
    if (p.kind === 'change') change.push(id);
    else (p.kind === 'noop' ? noop : skip).push({ id, reason: p.reason });
  }
  const parts = [`${change.length} ${will}`];
  for (const [list, tail] of [[noop, 'no change'], [skip, 'skipped']]) {
    const byReason = new Map();
    for (const { reason } of list) byReason.set(reasonGroup(reason), (byReason.get(reasonGroup(reason)) || 0) + 1);
    for (const [reason, n] of byReason) parts.push(`${n} ${reason} — ${tail}`);
  }
  return { op, verb, change, noop, skip, summary: `${verb} ${ids.length}: ${parts.join(', ')}` };
}

/**
 * The sweeps selected whole: every cell of the sweep (not deleted) among `all` is in ids. Start / Stop on them sets
 * the sweep's desired state (its cells follow, and none deviates) instead of each cell's. Returns Map sweep id → the
 * selected cell ids.
 */
export function wholeSweeps(ids, all) {
  const picked = new Set(ids);
  const bySweep = new Map();
  for (const dto of all) {
    if (!dto?.sweep || dto.deleted) continue;
    let s = bySweep.get(dto.sweep);
    if (!s) bySweep.set(dto.sweep, (s = { cells: 0, picked: [] }));
    s.cells++;
    if (picked.has(dto.id)) s.picked.push(dto.id);
  }
  return new Map([...bySweep].filter(([, s]) => s.picked.length === s.cells).map(([id, s]) => [id, s.picked]));
}
