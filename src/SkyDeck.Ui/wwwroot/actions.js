// Experiment operations shared by the row buttons, the details panel and bulk actions. Each applies the server's
// answer to the store at once (the stream confirms it moments later).

import { api } from './api.js';
import { store } from './store.js';
import { toast, errorToast } from './toast.js';

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

export async function restore(ids) {
  const results = await Promise.allSettled(ids.map(id => api.restore(id)));
  const failed = [];
  results.forEach((r, i) => (r.status === 'fulfilled' ? store.applyOne(r.value) : failed.push(`${ids[i]}: ${r.reason.message}`)));
  if (failed.length) toast(`Could not restore ${failed.join('; ')}`, { type: 'error' });
  else toast(ids.length === 1 ? `Restored ${ids[0]}` : `Restored ${ids.length} experiments`, { type: 'success' });
}

/** Soft-deletes one experiment and offers Undo. */
export async function remove(id) {
  try {
    store.applyOne(await api.remove(id));
  } catch (e) {
    errorToast(`Could not delete ${id}`, e);
    return;
  }
  toast(`Deleted ${id}`, {
    type: 'info',
    action: { label: 'Undo', testid: 'undo-delete', run: () => restore([id]) },
  });
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
