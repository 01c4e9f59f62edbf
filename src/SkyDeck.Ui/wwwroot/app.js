// SkyDeck dashboard entry point: wires the toolbar, table, bulk actions, form, health and live updates.
//
// Modules (ES modules, no build step, no framework; user text only ever via textContent):
//   api.js        REST client (JSON, X-SkyDeck-User, ProblemDetails → ApiError; keeps numbers' JSON spelling)
//   store.js      experiments by id; applies an update only if its version is newer; tells listeners what changed
//   stream.js     /api/stream (SSE) with resume; polls every 5 s while it is down; reports live/polling/offline
//   paging.js     beyond GET /api/meta's threshold: the table's rows a page at a time (server filter, sort, offset);
//                 paging-core.js its pure parts
//   table.js      the keyed, virtualized grid: the frame loop and the window of rendered rows; its parts:
//                 table-rows.js (one row), table-header.js, table-selection.js, table-groups.js (group rows),
//                 table-keyboard.js (pointer and keys), table-state.js (shared state), and the pure
//                 table-order.js (sort, fewest moves), table-widths.js (column widths), table-keys.js (flag keys)
//   columns.js    flag columns (dotted-key tree, "only columns that vary")     filter.js   the filter language
//   details.js    expanded panel: actions and live refresh; details-config.js (config + editor, command),
//                 details-jobs.js (jobs + SVG timeline, logs), details-activity.js (audit trail)
//   specform.js   spec fields + server field errors      form.js     New / Duplicate dialog
//   flagseditor.js  flags JSON editor with validation and typeahead (schemas.js, suggest.js)
//   bulk.js       bulk Start/Stop/Delete: preview (bulkplan.js), then apply, per-row report   actions.js   start/stop/delete+undo/restart
//   health.js     header pills and the stale-data banner          view.js      filter/sort/toggles in the URL hash
//   jobs.js       the all-jobs panel (GET /api/jobs: filters, cursor paging)
//   notifications.js  webhook deliveries: a header pill and a panel of the recent ones (GET /api/webhooks)
//   sweeps.js     by=sweep group rows (axes, progress, counts, Start/Stop/Refill/Extend/Restart each previewed), New sweep
//                 dialog (template from an experiment, axes editor, live preview, cap warning); sweepplan.js its pure parts
//   meta.js       the server's rules from GET /api/meta: id and flag-key patterns, limits, job liveness, state order
//   format.js, dom.js, toast.js, clipboard.js                     small helpers

import { getUser, setUser } from './api.js';
import { store } from './store.js';
import { view, readHash, updateView, onViewChange, shareableUrl } from './view.js';
import { initTable, reveal, isShown, stats, flushNow } from './table.js';
import { initBulk, selectionChanged } from './bulk.js';
import { initForm, openExperimentDialog } from './form.js';
import { initHealth } from './health.js';
import { initNotifications } from './notifications.js';
import { startLiveUpdates } from './stream.js';
import { copyText } from './clipboard.js';
import { toast } from './toast.js';
import { loadSchemas } from './schemas.js';
import { initCompare } from './compare.js';
import { initJobsPanel } from './jobs.js';
import { initSweeps } from './sweeps.js';
import { loadMeta } from './meta.js';
import { decidePaging } from './paging.js';

const byTestId = id => document.querySelector(`[data-testid="${id}"]`);

readHash();

const filter = byTestId('filter');
const varying = byTestId('toggle-varying');
const deleted = byTestId('toggle-deleted');
const user = byTestId('user-name');

function syncToolbar() {
  if (document.activeElement !== filter) filter.value = view.q;
  varying.checked = view.varying;
  deleted.checked = view.deleted;
}
syncToolbar();
onViewChange(syncToolbar);

let filterTimer = 0;
filter.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => updateView({ q: filter.value.trim() }), 120);
});
filter.addEventListener('keydown', e => {
  if (e.key === 'Escape') {
    filter.value = '';
    updateView({ q: '' });
  }
});
varying.addEventListener('change', () => updateView({ varying: varying.checked }));
deleted.addEventListener('change', () => updateView({ deleted: deleted.checked }));

user.value = getUser();
user.addEventListener('change', () => {
  user.value = setUser(user.value);
  toast(`Changes are now recorded as “${user.value}”`, { type: 'info' });
});

byTestId('new-experiment').addEventListener('click', () => openExperimentDialog());
byTestId('copy-link').addEventListener('click', () => copyText(shareableUrl(), 'Link to this view'));

// the server's rules (validation patterns, job liveness, state order) before anything is drawn or checked
await loadMeta();
// beyond the server's threshold the table pages (paging.js) and the stream sends changes only
const pagedSink = await decidePaging();
initTable({ selectionChanged });
initCompare();
initBulk();
initForm({
  created: dto => {
    if (isShown(dto.id) || !view.q) reveal(dto.id);
    else {
      toast(`${dto.id} is hidden by the filter`, { type: 'warning', action: { label: 'Clear filter', run: () => { updateView({ q: '' }); reveal(dto.id); } } });
    }
  },
});
initHealth();
initJobsPanel();
initNotifications();
initSweeps();
startLiveUpdates(pagedSink);
loadSchemas();

document.addEventListener('keydown', e => {
  const typing = e.target.closest?.('input, textarea, select, [contenteditable="true"], dialog');
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === '/') {
    e.preventDefault();
    filter.focus();
    filter.select();
  } else if (e.key === 'n') {
    e.preventDefault();
    openExperimentDialog();
  }
});

// Read-only hooks for measurements and debugging from the console (never used by the page itself).
window.__skydeck = Object.freeze({
  stats,
  flushNow,
  size: () => store.size,
  ingest: dtos => {
    for (const dto of dtos) store.applyOne(dto);
  },
  /** Replaces everything, as the stream's snapshot does (measurements load synthetic experiments this way). */
  load: list => store.applySnapshot(list),
  snapshot: () => [...store.values()],
});
