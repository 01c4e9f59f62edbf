// Bulk actions on the selected rows, with a per-row outcome report (and Undo / Retry failed).

import { el, setText } from './dom.js';
import { api } from './api.js';
import { store } from './store.js';
import { clearSelection, selectedIds } from './table.js';
import { toast } from './toast.js';
import { confirmDelete, restoreOutcome } from './actions.js';

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
    else run(op, selectedIds());
  });
}

export function selectionChanged(ids) {
  bar.hidden = ids.length === 0;
  setText(countNode, `${ids.length} selected`);
}

/** Runs op on every id (a few at a time) and reports each outcome. */
export async function run(op, ids) {
  const operation = OPERATIONS[op];
  if (!operation || !ids.length) return;
  if (op === 'delete' && !(await confirmDelete(ids))) return;
  const before = op === 'delete' ? ids.map(id => store.get(id)) : null;
  for (const b of bar.querySelectorAll('button')) b.disabled = true;
  const results = new Array(ids.length);
  showReport(operation, ids, results, true);
  let next = 0;
  async function worker() {
    while (next < ids.length) {
      const i = next++;
      try {
        const dto = await operation.run(ids[i]);
        store.applyOne(dto);
        results[i] = { id: ids[i], ok: true };
      } catch (e) {
        results[i] = { id: ids[i], ok: false, error: e.message, status: e.status };
      }
      showReport(operation, ids, results, true);
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
  for (const b of bar.querySelectorAll('button')) b.disabled = false;
  const undoOutcome = before ? restoreOutcome(before.filter((dto, i) => results[i]?.ok)) : '';
  showReport(operation, ids, results, false, op, undoOutcome);
  if (op === 'delete') clearSelection();
  const failed = results.filter(r => !r.ok).length;
  toast(`${operation.verb}: ${ids.length - failed} succeeded${failed ? `, ${failed} failed` : ''}`, { type: failed ? 'warning' : 'success' });
}

function showReport(operation, ids, results, running, op, undoOutcome = '') {
  report.hidden = false;
  const done = results.filter(Boolean);
  const ok = done.filter(r => r.ok).length;
  const failed = done.length - ok;
  const summary = running
    ? `${operation.verb}: ${done.length} of ${ids.length} done…`
    : `${operation.verb}: ${ok} succeeded, ${failed} failed`;
  const items = ids.map((id, i) => {
    const r = results[i];
    const state = !r ? 'pending' : r.ok ? 'ok' : 'failed';
    return el('li', { class: `bulk-result ${state}`, testid: 'bulk-result', dataset: { id, outcome: state } },
      el('span', { class: 'mark', 'aria-hidden': 'true' }, !r ? '…' : r.ok ? '✓' : '✗'),
      el('span', { class: 'mono' }, id),
      el('span', { class: 'bulk-message' }, !r ? 'working…' : r.ok ? operation.past : r.error));
  });
  const buttons = [];
  if (!running) {
    const succeeded = results.filter(r => r.ok).map(r => r.id);
    const failedIds = results.filter(r => !r.ok).map(r => r.id);
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
