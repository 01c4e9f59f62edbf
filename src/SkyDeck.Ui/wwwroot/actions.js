// Experiment operations shared by the row buttons, the details panel and bulk actions. Each applies the server's
// answer to the store at once (the stream confirms it moments later).

import { api } from './api.js';
import { store } from './store.js';
import { toast, errorToast } from './toast.js';
import { confirmAction } from './confirm.js';

export async function setDesired(id, desired) {
  const dto = await api.setState(id, desired);
  store.applyOne(dto);
  return dto;
}

export async function start(id) {
  try {
    await setDesired(id, 'RUNNING');
  } catch (e) {
    errorToast(`Could not start ${id}`, e);
  }
}

export async function stop(id) {
  try {
    await setDesired(id, 'STOPPED');
  } catch (e) {
    errorToast(`Could not stop ${id}`, e);
  }
}

/** What Undo / Restore will do, said before and after: a restored experiment that should run starts a new run. */
export function restoreOutcome(dtos) {
  const running = dtos.filter(d => d?.desired_state === 'RUNNING').length;
  if (!running) return '';
  return dtos.length === 1 ? 'it will start a new run' : `${running} will start a new run`;
}

export async function restore(ids) {
  const results = await Promise.allSettled(ids.map(id => api.restore(id)));
  const failed = [];
  const restored = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      store.applyOne(r.value);
      restored.push(r.value);
    } else failed.push(`${ids[i]}: ${r.reason.message}`);
  });
  if (failed.length) {
    toast(`Could not restore ${failed.join('; ')}`, { type: 'error' });
    return;
  }
  const outcome = restoreOutcome(restored);
  const what = ids.length === 1 ? `Restored ${ids[0]}` : `Restored ${ids.length} experiments`;
  toast(outcome ? `${what} — ${outcome}` : what, { type: 'success' });
}

/** Asks before deleting: deleting tears clusters down. note: what a bulk preview adds (e.g. rows already deleted). */
export function confirmDelete(ids, note = '') {
  const one = ids.length === 1;
  return confirmAction({
    title: one ? `Delete ${ids[0]}?` : `Delete ${ids.length} experiments?`,
    message: one
      ? 'Its cluster will be torn down and any running job stops. Undo restores the record, not the job.'
      : 'Their clusters will be torn down and any running jobs stop. Undo restores the records, not the jobs.' + (note ? ` ${note}.` : ''),
    confirmLabel: one ? 'Delete' : `Delete ${ids.length}`,
  });
}

/** Soft-deletes one experiment (after asking) and offers Undo, saying what Undo will do. */
export async function remove(id) {
  if (!(await confirmDelete([id]))) return;
  const before = store.get(id);
  try {
    store.applyOne(await api.remove(id));
  } catch (e) {
    errorToast(`Could not delete ${id}`, e);
    return;
  }
  const outcome = restoreOutcome([before]);
  toast(`Deleted ${id}; its cluster is being torn down.${outcome ? ` Undo restores it and ${outcome.replace(/^it /, '')}.` : ''}`, {
    type: 'info',
    action: { label: 'Undo', testid: 'undo-delete', run: () => restore([id]) },
  });
}

/** A run SkyDeck gave up on starts again: a new run with a fresh restart budget. */
export async function retry(id) {
  try {
    store.applyOne(await api.restart(id));
  } catch (e) {
    errorToast(`Could not retry ${id}`, e);
    return;
  }
  toast(`Retrying ${id}: a new run with a fresh restart budget`, { type: 'info' });
}

/**
 * Applies a changed configuration: the server starts a new run, cancelling the running job first and launching the
 * new one once it has ended. Durable once answered; the page may be closed.
 */
export async function restart(id) {
  try {
    store.applyOne(await api.restart(id));
  } catch (e) {
    errorToast(`Could not restart ${id}`, e);
    return;
  }
  toast(`Restarting ${id}: the running job is cancelled, then the new configuration launches`, { type: 'info' });
}
