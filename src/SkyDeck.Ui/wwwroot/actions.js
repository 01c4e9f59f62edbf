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

const SETTLED = new Set(['STOPPED', 'TERMINATED', 'FAILED', 'SUCCEEDED', 'INIT']);

/** Resolves with the experiment once `done(dto)` holds (checked on every store change), or null after the timeout. */
function waitFor(id, done, timeoutMs) {
  return new Promise(resolve => {
    const check = () => {
      const dto = store.get(id);
      if (dto && done(dto)) {
        finish(dto);
        return true;
      }
      return false;
    };
    let unsubscribe = () => {};
    const timer = setTimeout(() => finish(null), timeoutMs);
    function finish(value) {
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    }
    if (!check()) unsubscribe = store.subscribe(change => change.changed.has(id) && check());
  });
}

/**
 * Applies a changed configuration to a running experiment: Stop, wait until it has stopped, Start. The API has no
 * single restart call, so this runs in the page; leaving the page half-way leaves the experiment stopped.
 */
export async function restart(id) {
  try {
    await setDesired(id, 'STOPPED');
  } catch (e) {
    errorToast(`Could not restart ${id}`, e);
    return;
  }
  toast(`Restarting ${id}: waiting for the job to stop…`, { type: 'info' });
  const stopped = await waitFor(id, dto => dto.desired_state !== 'STOPPED' || SETTLED.has(dto.current_state), 10 * 60 * 1000);
  if (!stopped) {
    toast(`${id} did not stop within 10 minutes; start it yourself when it has`, { type: 'warning' });
    return;
  }
  if (stopped.desired_state !== 'STOPPED') return; // someone changed their mind meanwhile
  await start(id);
  toast(`Restarted ${id} with its new configuration`, { type: 'success' });
}
