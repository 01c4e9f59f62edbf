// Bulk actions on the selected rows: preview, then apply. The plan (bulkplan.js, from the rows' state) says what
// would change and what is a no-op; only the changes are sent, and the per-row report says "no change" for the rest
// (and offers Undo / Retry failed).

import { el, setText } from './dom.js';
import { api } from './api.js';
import { store } from './store.js';
import { paging } from './paging.js';
import { clearSelection, selectedIds } from './table.js';
import { toast } from './toast.js';
import { confirmDelete, restoreOutcome } from './actions.js';
import { confirmAction } from './confirm.js';
import { planBulk, wholeSweeps } from './bulkplan.js';
import { openNewSweep } from './sweeps.js';

const CONCURRENCY = 6;

const OPERATIONS = {
  start: { verb: 'Start', past: 'start requested', run: id => api.setState(id, 'RUNNING') },
  stop: { verb: 'Stop', past: 'stop requested', run: id => api.setState(id, 'STOPPED') },
  delete: { verb: 'Delete', past: 'deleted', run: id => api.remove(id) },
  restore: { verb: 'Restore', past: 'restored', run: id => api.restore(id) },
};

let bar;
let report;
let countNode;

export function initBulk() {
  bar = document.querySelector('[data-testid="bulk-bar"]');
  report = document.querySelector('[data-testid="bulk-report"]');
  countNode = bar.querySelector('[data-testid="bulk-count"]');
  bar.addEventListener('click', e => {
    const button = e.target.closest('button[data-bulk]');
    if (!button) return;
    const op = button.dataset.bulk;
    if (op === 'clear') clearSelection();
    else if (op === 'sweep') openNewSweep(selectedIds()[0]);
    else run(op, selectedIds(), { preview: true });
  });
}

export function selectionChanged(ids) {
  bar.hidden = ids.length === 0;
  // paged: only loaded rows can be selected; say that the other matches are not
  setText(countNode, paging.active ? `${ids.length} selected (loaded rows only, of ${paging.total.toLocaleString('en')} matching)` : `${ids.length} selected`);
  const sweep = bar.querySelector('[data-testid="bulk-sweep"]');
  if (sweep) sweep.hidden = ids.length !== 1;
}

const SWEEP_STATE = { start: 'RUNNING', stop: 'STOPPED' };

/** Sweeps selected whole whose cells this op changes: Start / Stop go to the sweep (Map sweep id → its changing cells). */
function sweepsFor(op, ids, plan) {
  if (!SWEEP_STATE[op]) return new Map();
  const changing = new Set(plan.change);
  const result = new Map();
  if (paging.active) return result; // the store holds the loaded rows only: whether a sweep is selected whole is unknown
  for (const [sweep, cells] of wholeSweeps(ids, store.values())) {
    const touched = cells.filter(id => changing.has(id));
    if (touched.length) result.set(sweep, touched);
  }
  return result;
}

/** Shows the plan and asks; false when the user declines. A plan that changes nothing is only reported. */
async function approve(op, plan, viaSweeps) {
  if (plan.change.length === 0) return true;
  if (op === 'delete') return confirmDelete(plan.change, plan.noop.length || plan.skip.length ? plan.summary : '');
  const sweeps = [...viaSweeps].map(([sweep, cells]) => `${cells.length} through sweep ${sweep}`);
  return confirmAction({
    title: `${plan.verb} ${plan.change.length} of ${plan.change.length + plan.noop.length + plan.skip.length}?`,
    message: plan.summary + (sweeps.length ? ` (${sweeps.join(', ')}: the sweep's desired state, so no cell deviates)` : ''),
    confirmLabel: `${plan.verb} ${plan.change.length}`,
    danger: false,
  });
}

/**
 * Runs op on every id (a few at a time) and reports each outcome. With preview, the plan is shown first and only the
 * rows it changes are sent; the others are reported as "no change" (or skipped, with why) without a request.
 */
export async function run(op, ids, { preview = false } = {}) {
  const operation = OPERATIONS[op];
  if (!operation || !ids.length) return;
  const plan = planBulk(op, ids, id => store.get(id));
  const viaSweeps = preview ? sweepsFor(op, ids, plan) : new Map();
  if (preview && !(await approve(op, plan, viaSweeps))) return;
  if (!preview && op === 'delete' && !(await confirmDelete(ids))) return;
  const results = new Array(ids.length);
  const send = [];
  const index = new Map(ids.map((id, i) => [id, i]));
  if (preview) {
    for (const { id, reason } of plan.noop) results[index.get(id)] = { id, ok: true, noop: true, message: `no change: ${reason}` };
    for (const { id, reason } of plan.skip) results[index.get(id)] = { id, ok: false, skipped: true, message: `skipped: ${reason}` };
    const bySweep = new Set([...viaSweeps.values()].flat());
    send.push(...plan.change.filter(id => !bySweep.has(id)));
  } else send.push(...ids);
  const before = op === 'delete' ? send.map(id => store.get(id)) : null;
  for (const b of bar.querySelectorAll('button')) b.disabled = true;
  showReport(operation, ids, results, true);
  let next = 0;
  async function worker() {
    while (next < send.length) {
      const id = send[next++];
      const i = index.get(id);
      try {
        const dto = await operation.run(id);
        store.applyOne(dto);
        results[i] = { id, ok: true };
      } catch (e) {
        results[i] = { id, ok: false, error: e.message, status: e.status };
      }
      showReport(operation, ids, results, true);
    }
  }
  async function sweepWorker([sweep, cells]) {
    try {
      await api.setSweepState(sweep, SWEEP_STATE[op]);
      for (const id of cells) results[index.get(id)] = { id, ok: true, message: `${operation.past} (through sweep ${sweep})` };
    } catch (e) {
      for (const id of cells) results[index.get(id)] = { id, ok: false, error: `sweep ${sweep}: ${e.message}`, status: e.status };
    }
    showReport(operation, ids, results, true);
  }
  await Promise.all([...[...viaSweeps].map(sweepWorker), ...Array.from({ length: Math.min(CONCURRENCY, send.length) }, worker)]);
  for (const b of bar.querySelectorAll('button')) b.disabled = false;
  const undoOutcome = before ? restoreOutcome(before.filter(dto => results[index.get(dto?.id)]?.ok)) : '';
  showReport(operation, ids, results, false, op, undoOutcome);
  if (op === 'delete') clearSelection();
  const c = tally(results);
  toast(`${operation.verb}: ${c.ok} succeeded${c.failed ? `, ${c.failed} failed` : ''}${c.noop ? `, ${c.noop} no change` : ''}`, { type: c.failed ? 'warning' : 'success' });
}

function tally(results) {
  const done = results.filter(Boolean);
  return {
    done: done.length,
    ok: done.filter(r => r.ok && !r.noop).length,
    failed: done.filter(r => !r.ok && !r.skipped).length,
    noop: done.filter(r => r.noop).length,
    skipped: done.filter(r => r.skipped).length,
  };
}

function outcomeOf(r) {
  if (!r) return 'pending';
  if (r.noop) return 'noop';
  if (r.skipped) return 'skipped';
  return r.ok ? 'ok' : 'failed';
}

const MARKS = { pending: '…', ok: '✓', noop: '=', skipped: '–', failed: '✗' };

function showReport(operation, ids, results, running, op, undoOutcome = '') {
  report.hidden = false;
  const c = tally(results);
  const extra = `${c.noop ? ` · ${c.noop} no change` : ''}${c.skipped ? ` · ${c.skipped} skipped` : ''}`;
  const summary = running
    ? `${operation.verb}: ${c.done} of ${ids.length} done…`
    : `${operation.verb}: ${c.ok} succeeded, ${c.failed} failed${extra}`;
  const items = ids.map((id, i) => {
    const r = results[i];
    const state = outcomeOf(r);
    return el('li', { class: `bulk-result ${state}`, testid: 'bulk-result', dataset: { id, outcome: state } },
      el('span', { class: 'mark', 'aria-hidden': 'true' }, MARKS[state]),
      el('span', { class: 'mono' }, id),
      el('span', { class: 'bulk-message' }, !r ? 'working…' : r.message ?? (r.ok ? operation.past : r.error)));
  });
  const buttons = [];
  if (!running) {
    const succeeded = results.filter(r => r.ok && !r.noop).map(r => r.id);
    const failedIds = results.filter(r => !r.ok && !r.skipped).map(r => r.id);
    if (op === 'delete' && succeeded.length) {
      buttons.push(el('button', { type: 'button', testid: 'bulk-undo', onclick: () => run('restore', succeeded) }, `Undo (restore ${succeeded.length})`));
      if (undoOutcome) buttons.push(el('span', { class: 'muted', testid: 'bulk-undo-note' }, `Undo: ${undoOutcome}`));
    }
    if (failedIds.length) buttons.push(el('button', { type: 'button', testid: 'bulk-retry', onclick: () => run(op, failedIds) }, `Retry ${failedIds.length} failed`));
  }
  buttons.push(el('button', { type: 'button', class: 'link', testid: 'bulk-report-close', onclick: () => (report.hidden = true) }, 'Dismiss'));
  report.replaceChildren(
    el('div', { class: 'bulk-report-head' }, el('strong', { testid: 'bulk-summary' }, summary), el('span', { class: 'spacer' }), ...buttons),
    el('ul', { class: 'bulk-results' }, items));
}
