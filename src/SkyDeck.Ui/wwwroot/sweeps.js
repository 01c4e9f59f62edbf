// Sweeps above the table: one collapsible group row per sweep (progress bar, counts by state, its cells underneath with
// the axes as the columns that vary), Refill / Restart to apply / Extend from the group row, each previewed first, and
// the "New sweep" dialog (template prefilled from a selected experiment, axes editor, live preview, cap warning).
// User text enters only through textContent (el()).

import { el, clear, byTestId } from './dom.js';
import { store } from './store.js';
import { selectedIds } from './table.js';
import { confirmAction } from './confirm.js';
import { toast, errorToast } from './toast.js';
import { ApiError, getUser, parseJson } from './api.js';

const CAP = 1000;
const open = new Set();
let section;
let timer = 0;

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-SkyDeck-User'] = getUser();
  }
  const response = await fetch(path, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(body ?? {}), cache: 'no-store' });
  const text = await response.text();
  const data = text ? parseJson(text) : null;
  if (!response.ok) throw new ApiError(response.status, data, `${response.status}`);
  return data;
}

const enc = encodeURIComponent;

function describe(changes) {
  const parts = Object.entries(changes.counts).filter(([, n]) => n > 0).map(([action, n]) => `${n} ${action.replace('_', ' ')}`);
  const remaining = changes.remaining ? ` (${changes.remaining} more over the cap)` : '';
  return (parts.join(' · ') || 'nothing') + remaining;
}

function stateCounts(progress) {
  return Object.entries(progress.by_state).map(([state, n]) => el('span', { class: `pill state-${state.toLowerCase()}`, testid: 'sweep-count', dataset: { state } }, `${state} ${n}`));
}

/** Previews the action, asks, then applies it. */
async function previewThenApply(title, path, method = 'POST', body = undefined, label = 'Apply') {
  try {
    const preview = await call(method, `${path}/preview`, body);
    const what = describe(preview.changes);
    if (!Object.entries(preview.changes.counts).some(([action, n]) => action !== 'unchanged' && n > 0)) {
      toast(`${title}: no change (${what})`, { type: 'info' });
      return;
    }
    if (!(await confirmAction({ title, message: `This will: ${what}.`, confirmLabel: label }))) return;
    const done = await call(method, path, body);
    toast(`${title}: ${describe(done.changes)}`, { type: 'success' });
    refreshSoon();
  } catch (e) {
    errorToast(title, e);
  }
}

function groupRow(sweep) {
  const p = sweep.progress;
  const axes = Object.keys(sweep.axes);
  const details = el('details', { class: 'sweep-group', testid: 'sweep-group', dataset: { sweep: sweep.id } });
  details.open = open.has(sweep.id);
  details.addEventListener('toggle', () => {
    if (details.open) {
      open.add(sweep.id);
      loadCells(sweep.id, details);
    } else open.delete(sweep.id);
  });
  const extend = () => openExtend(sweep);
  details.append(
    el('summary', { class: 'sweep-summary' },
      el('strong', { class: 'sweep-name', testid: 'sweep-name' }, sweep.name),
      el('span', { class: 'muted' }, ` ${sweep.id} · ${sweep.mode} over ${axes.join(' × ')} · ${p.cells} cells`),
      el('progress', { max: 100, value: p.percent_finished, testid: 'sweep-progress', title: `${p.percent_finished}% finished` }),
      el('span', { class: 'muted', testid: 'sweep-percent' }, `${p.percent_finished}%`),
      stateCounts(p),
      p.needs_restart > 0 ? el('span', { class: 'chip', testid: 'sweep-restart-chip' }, `restart to apply: ${p.needs_restart}`) : null,
      p.gpu_hours !== null && p.gpu_hours !== undefined ? el('span', { class: 'muted' }, `${p.gpu_hours} GPU-h`) : null,
      el('span', { class: 'spacer' }),
      el('button', { type: 'button', class: 'small', testid: 'sweep-refill', onclick: e => { e.preventDefault(); previewThenApply(`Refill ${sweep.id}`, `/api/sweeps/${enc(sweep.id)}/refill`, 'POST', undefined, 'Refill'); } }, 'Refill'),
      el('button', { type: 'button', class: 'small', testid: 'sweep-restart', onclick: e => { e.preventDefault(); previewThenApply(`Restart to apply (${sweep.id})`, `/api/sweeps/${enc(sweep.id)}/restart`, 'POST', undefined, 'Restart'); } }, 'Restart to apply'),
      el('button', { type: 'button', class: 'small', testid: 'sweep-extend', onclick: e => { e.preventDefault(); extend(); } }, 'Extend…')),
    el('div', { class: 'sweep-cells', testid: 'sweep-cells' }));
  if (details.open) loadCells(sweep.id, details);
  return details;
}

async function loadCells(id, details) {
  try {
    const sweep = await call('GET', `/api/sweeps/${enc(id)}`);
    const axes = Object.keys(sweep.axes);
    const rows = sweep.cells.filter(c => !c.archived).map(c => el('tr', { testid: 'sweep-cell', dataset: { id: c.id } },
      el('td', {}, c.id),
      axes.map(a => el('td', {}, JSON.stringify(c.values[a]))),
      el('td', { testid: 'sweep-cell-state' }, c.current_state ?? 'NOT CREATED'),
      el('td', {}, [c.needs_restart ? 'restart to apply' : '', c.deviates ? ' deviates' : '', c.problem ? ` ${c.problem}` : ''].join('').trim())));
    clear(details.querySelector('.sweep-cells')).append(el('table', { class: 'sweep-table' },
      el('thead', {}, el('tr', {}, el('th', {}, 'cell'), axes.map(a => el('th', {}, a)), el('th', {}, 'state'), el('th', {}, ''))),
      el('tbody', {}, rows)));
  } catch (e) {
    errorToast(`Sweep ${id}`, e);
  }
}

function openExtend(sweep) {
  const axes = el('textarea', { rows: 6, spellcheck: false, testid: 'extend-axes' });
  axes.value = JSON.stringify(sweep.axes, null, 1);
  const dialog = el('dialog', { class: 'confirm-dialog', testid: 'extend-dialog', 'aria-label': 'Extend sweep' },
    el('h2', {}, `Change the axes of ${sweep.id}`),
    el('p', { class: 'muted' }, 'Add a value to create only its cells; remove one to stop and archive its cells (undoable).'),
    axes,
    el('div', { class: 'dialog-actions' },
      el('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      el('button', { type: 'button', class: 'primary', testid: 'extend-apply', onclick: async () => {
        let parsed;
        try {
          parsed = JSON.parse(axes.value);
        } catch {
          toast('The axes are not valid JSON', { type: 'error' });
          return;
        }
        dialog.close();
        await previewThenApply(`Change the axes of ${sweep.id}`, `/api/sweeps/${enc(sweep.id)}`, 'PATCH', { axes: parsed });
      } }, 'Preview…')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

/** Axes editor lines: `key: v1, v2, v3` — numbers, true/false, anything else a string. */
function parseAxes(text) {
  const axes = {};
  for (const line of text.split('\n').map(l => l.trim()).filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`“${line}” is not “key: value, value”`);
    const key = line.slice(0, colon).trim();
    axes[key] = line.slice(colon + 1).split(',').map(v => v.trim()).filter(v => v.length > 0).map(v =>
      v === 'true' ? true : v === 'false' ? false : v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);
  }
  return axes;
}

function cellCount(axes, mode) {
  const lengths = Object.values(axes).map(v => v.length);
  if (lengths.length === 0) return 0;
  return mode === 'zip' ? Math.max(...lengths) : lengths.reduce((a, b) => a * b, 1);
}

export function openNewSweep() {
  const selected = selectedIds();
  const source = selected.length > 0 ? store.get?.(selected[0]) : null;
  const template = source
    ? { name: source.name, base_command: source.base_command, run_name: source.run_name, nodes: source.nodes, gpus: source.gpus, flags: source.flags }
    : { name: 'My sweep', base_command: 'lt', gpus: 1, flags: {} };
  const id = el('input', { type: 'text', testid: 'sweep-id', placeholder: 'lrs', spellcheck: false });
  const mode = el('select', { testid: 'sweep-mode' }, el('option', { value: 'grid' }, 'grid (every combination)'), el('option', { value: 'zip' }, 'zip (i-th values together)'));
  const desired = el('select', { testid: 'sweep-desired' }, el('option', { value: 'STOPPED' }, 'STOPPED'), el('option', { value: 'RUNNING' }, 'RUNNING'));
  const templateText = el('textarea', { rows: 8, spellcheck: false, testid: 'sweep-template' });
  templateText.value = JSON.stringify(template, null, 1);
  const axesText = el('textarea', { rows: 4, spellcheck: false, testid: 'sweep-axes', placeholder: 'trainer.lr: 0.001, 0.0003\nseed: 1, 2, 3' });
  const preview = el('div', { class: 'sweep-preview', testid: 'sweep-preview', 'aria-live': 'polite' });
  const warning = el('p', { class: 'warning', testid: 'sweep-cap-warning', hidden: true });
  const create = el('button', { type: 'button', class: 'primary', testid: 'sweep-create' }, 'Create sweep');
  const body = () => ({ id: id.value.trim(), name: id.value.trim() || undefined, mode: mode.value, desired_state: desired.value, template: JSON.parse(templateText.value), axes: parseAxes(axesText.value) });

  let previewTimer = 0;
  const refreshPreview = () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      let request;
      try {
        request = body();
      } catch (e) {
        preview.textContent = e.message;
        return;
      }
      const n = cellCount(request.axes, request.mode);
      warning.hidden = n <= CAP;
      warning.textContent = n > CAP ? `${n} cells: more than the cap of ${CAP}; remove values or split the sweep` : '';
      if (!request.id) {
        preview.textContent = `${n} cells (give the sweep an id to preview them)`;
        return;
      }
      try {
        const answer = await call('POST', '/api/sweeps/preview', request);
        clear(preview).append(el('strong', { testid: 'sweep-preview-count' }, `${answer.changes.cells.length} cells: ${describe(answer.changes)}`),
          el('ul', {}, answer.changes.cells.slice(0, 50).map(c => el('li', { testid: 'sweep-preview-cell' }, c.id))));
      } catch (e) {
        preview.textContent = e instanceof ApiError ? e.message : String(e);
      }
    }, 200);
  };
  for (const input of [id, mode, desired, templateText, axesText]) input.addEventListener('input', refreshPreview);

  const dialog = el('dialog', { class: 'experiment-dialog', testid: 'sweep-dialog', 'aria-label': 'New sweep' },
    el('h2', {}, source ? `New sweep from ${source.id}` : 'New sweep'),
    el('label', {}, 'Id ', id), el('label', {}, ' Mode ', mode), el('label', {}, ' Desired ', desired),
    el('label', { class: 'block' }, 'Template (every experiment field but id)', templateText),
    el('label', { class: 'block' }, 'Axes, one per line: key: value, value, …', axesText),
    warning, preview,
    el('div', { class: 'dialog-actions' }, el('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), create));
  create.addEventListener('click', async () => {
    try {
      const answer = await call('POST', '/api/sweeps', body());
      toast(`Sweep ${answer.sweep.id}: ${describe(answer.changes)}`, { type: 'success' });
      open.add(answer.sweep.id);
      dialog.close();
      refreshSoon();
    } catch (e) {
      errorToast('New sweep', e);
    }
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  refreshPreview();
}

async function refresh() {
  try {
    const { sweeps } = await call('GET', '/api/sweeps');
    section.hidden = sweeps.length === 0;
    clear(section).append(sweeps.map(groupRow));
  } catch {
    /* the table's own feed reports outages */
  }
}

function refreshSoon() {
  clearTimeout(timer);
  timer = setTimeout(refresh, 400);
}

export function initSweeps() {
  section = byTestId('sweeps');
  byTestId('new-sweep').addEventListener('click', () => openNewSweep());
  store.subscribe(() => refreshSoon());
  refresh();
}
