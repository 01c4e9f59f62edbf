// Sweeps in the table. Grouped by sweep (by=sweep), each sweep's group row also shows its progress bar, counts by
// state (cells not created yet and deleted ones included), its axes (whose flag columns are marked: the columns that
// vary) and its actions: Start / Stop (the sweep's desired state), Refill, Edit (extend an axis, change the template)
// and Restart to apply. Every action previews its effect first (the server's /preview twin: what would be created,
// changed or left alone) and applies only when confirmed. The "New sweep" dialog: template prefilled from a selected
// experiment, an axes editor, a live preview of the cells and the cap warning. A sweep's own budget (GPU-hours and/or
// dollars over all its cells) is set in both dialogs and its use shown in the group row ("budget reached — stopped"
// when it stopped the sweep). Pure parts live in sweepplan.js.
// User text enters only through textContent (el()).

import { el, clear, byTestId } from './dom.js';
import { store } from './store.js';
import { selectedIds, decorateGroupRows, onTableChange } from './table.js';
import { view, updateView, onViewChange } from './view.js';
import { confirmAction } from './confirm.js';
import { toast, errorToast } from './toast.js';
import { ApiError, getUser, parseJson, flagsToJson, numberSource } from './api.js';
import { parseAxes, axesToText, cellCount, capWarning, templateFrom, describeChanges, valuesText, budgetUse, readBudget, budgetChange } from './sweepplan.js';

const sweeps = new Map(); // id → the sweep as GET /api/sweeps answered it
const slots = new Map(); // sweep id → the container in its group row
let timer = 0;
let axisStyle;

/** A sweep request; body is JSON text (so numbers keep their spelling) or an object. */
async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-SkyDeck-User'] = getUser();
    payload = typeof body === 'string' ? body : JSON.stringify(body ?? {});
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
  } catch {
    throw new ApiError(0, null, 'SkyDeck is unreachable (network error)');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? parseJson(text) : null;
  } catch { /* not JSON: the status says enough */ }
  if (!response.ok) throw new ApiError(response.status, data, `${response.status} ${response.statusText}`.trim());
  return data;
}

const enc = encodeURIComponent;

/** A server problem with its field errors ("axes.seed: …"), for the preview line. */
function problemText(e) {
  if (!(e instanceof ApiError)) return String(e?.message ?? e);
  const fields = Object.entries(e.fieldErrors).map(([field, messages]) => `${field}: ${[].concat(messages).join('; ')}`);
  return fields.length ? fields.join(' · ') : e.message;
}

/** Template JSON text for an editor: the fields, then the flags with each number's original spelling. */
function templateJson(template, flags) {
  const head = JSON.stringify(template, null, 1);
  const flagText = flagsToJson(flags || {}).replace(/\n/g, '\n ');
  return Object.keys(template).length ? `${head.slice(0, -2)},\n "flags": ${flagText}\n}` : `{\n "flags": ${flagText}\n}`;
}

/** The list under a preview: what each touched cell would get. */
function changeList(touched, testid = 'preview-cell') {
  return el('ul', { class: 'sweep-preview-list' },
    touched.slice(0, 40).map(c => el('li', { testid, dataset: { action: c.action, id: c.id } },
      el('span', { class: 'muted' }, `${c.action.replace(/_/g, ' ')} `), c.id, c.note ? ` — ${c.note}` : '')),
    touched.length > 40 ? el('li', { class: 'muted' }, `… and ${touched.length - 40} more`) : null);
}

/**
 * Asks the server what the action would do, shows it, and applies it only when confirmed. also: a change of the sweep
 * itself that touches no cell (its budget), applied even when no cell changes.
 */
async function previewThenApply(title, path, method, body, label, also = '') {
  try {
    const preview = await call(method, `${path}/preview`, body);
    const plan = describeChanges(preview.changes);
    if (plan.nothing && !also) {
      toast(`${title}: no change (${plan.summary})`, { type: 'info' });
      return;
    }
    const ok = await confirmAction({ title, message: `Preview: ${also ? `${also}; ` : ''}${plan.summary}.`, confirmLabel: label, danger: false, details: changeList(plan.touched) });
    if (!ok) return;
    const done = await call(method, path, body);
    toast(`${title}: ${describeChanges(done.changes).summary}`, { type: 'success', timeout: 6000 });
    refreshSoon(0);
  } catch (e) {
    errorToast(title, { message: problemText(e) });
  }
}

// ---------- the group row ----------

function decorate(by, group, slot) {
  if (by !== 'sweep' || !group.value) {
    if (slot.firstChild) slot.replaceChildren();
    delete slot.dataset.sig;
    return;
  }
  slots.set(group.value, slot);
  render(slot, group.value);
}

function button(testid, text, title, run) {
  return el('button', {
    type: 'button', class: 'small', testid, title,
    onclick: e => {
      e.stopPropagation(); // the group row's own click folds it
      run();
    },
  }, text);
}

function render(slot, id) {
  const sweep = sweeps.get(id);
  const sig = sweep ? `${sweep.version}|${JSON.stringify(sweep.progress)}|${sweep.cost?.gpu_hours}|${sweep.cost?.usd}` : '';
  if (slot.dataset.sig === sig && slot.firstChild) return;
  slot.dataset.sig = sig;
  if (!sweep) {
    slot.replaceChildren();
    return;
  }
  const p = sweep.progress;
  const axes = Object.keys(sweep.axes);
  const path = `/api/sweeps/${enc(id)}`;
  const counts = Object.entries(p.by_state).filter(([, n]) => n > 0);
  const budget = budgetUse(sweep);
  slot.replaceChildren(...[
    el('span', { class: 'sweep-axes', testid: 'sweep-axes', title: `${sweep.mode} over\n${axesToText(sweep.axes)}` },
      `${sweep.mode}: ${axes.map(a => `${a} (${sweep.axes[a].length})`).join(' × ')} = ${p.cells}`),
    el('progress', { max: 100, value: p.percent_finished, testid: 'sweep-progress', title: `${p.finished} of ${p.cells} finished` }),
    el('span', { class: 'sweep-percent', testid: 'sweep-percent' }, `${Math.round(p.percent_finished)}%`),
    el('span', { class: 'sweep-counts', testid: 'sweep-counts' },
      counts.map(([state, n]) => el('span', { class: 'sweep-count', testid: 'sweep-count', dataset: { state } }, `${state.replace('_', ' ')} ${n}`))),
    budget.text ? el('span', { class: budget.reached ? 'chip sweep-budget is-reached' : 'sweep-budget', testid: 'sweep-budget', title: budget.title, dataset: { reached: String(budget.reached) } }, budget.text) : null,
    p.needs_restart > 0 ? el('span', { class: 'chip chip-restart', testid: 'sweep-restart-chip', title: 'The template changed while these cells ran' }, `restart to apply: ${p.needs_restart}`) : null,
    el('span', { class: 'sweep-actions' },
      button('sweep-start', '▶ Start', `Set ${id} RUNNING: every cell (preview first)`,
        () => previewThenApply(`Start sweep ${id}`, `${path}/state`, 'POST', { desired_state: 'RUNNING' }, 'Start')),
      button('sweep-stop', '■ Stop', `Set ${id} STOPPED: every cell (preview first)`,
        () => previewThenApply(`Stop sweep ${id}`, `${path}/state`, 'POST', { desired_state: 'STOPPED' }, 'Stop')),
      button('sweep-refill', 'Refill', 'Re-run only the cells that failed, gave up or were deleted (preview first)',
        () => previewThenApply(`Refill ${id}`, `${path}/refill`, 'POST', {}, 'Refill')),
      button('sweep-edit', 'Extend / edit…', 'Add or remove axis values, or change the template (preview first)', () => openEdit(id)),
      button('sweep-restart', 'Restart to apply', 'Restart the cells that run an older template, a few at a time (preview first)',
        () => previewThenApply(`Restart to apply (${id})`, `${path}/restart`, 'POST', {}, 'Restart'))),
  ].filter(Boolean));
}

/** The flag columns that are some shown sweep's axes are marked (header class, tinted cells) while grouped by sweep. */
let marked = false; // some header is marked: unmarking is needed even when nothing is grouped by sweep any more

function markAxes() {
  if (view.by !== 'sweep' && !marked) return; // every table flush calls this: nothing to do unless grouped by sweep
  const keys = new Map();
  if (view.by === 'sweep') for (const s of sweeps.values()) for (const key of Object.keys(s.axes)) keys.set(key, [...(keys.get(key) || []), s.id]);
  marked = keys.size > 0;
  const css = [...keys.keys()].map(k => `.grid [data-key="${CSS.escape(k)}"]`).join(',\n');
  const text = css ? `${css} { background-image: linear-gradient(var(--axis-tint), var(--axis-tint)); }` : '';
  if (axisStyle.textContent !== text) axisStyle.textContent = text;
  for (const th of document.querySelectorAll('[data-testid="col-flag"]')) {
    const of = keys.get(th.dataset.key);
    th.classList.toggle('is-axis', !!of);
    if (of) th.title = `${th.dataset.key}: an axis of ${of.join(', ')} (click to sort)`;
  }
}

async function refresh() {
  timer = 0;
  try {
    const { sweeps: list } = await call('GET', '/api/sweeps');
    sweeps.clear();
    for (const s of list) sweeps.set(s.id, s);
  } catch {
    return; /* the table's own feed reports outages */
  }
  for (const [id, slot] of slots) {
    if (slot.isConnected) render(slot, id);
    else slots.delete(id);
  }
  markAxes();
}

/** Refreshes the sweeps soon: at most once a second while cells change, only while grouped by sweep. */
function refreshSoon(delay = 1000) {
  if (view.by !== 'sweep') return;
  if (delay === 0) {
    clearTimeout(timer);
    timer = 0;
    refresh();
    return;
  }
  if (!timer) timer = setTimeout(refresh, delay);
}

// ---------- the budget fields of both dialogs ----------

/** The sweep's own budget inputs (testids PREFIX-budget-gpu_hours / PREFIX-budget-usd), prefilled from the budget. */
function budgetInputs(prefix, budget) {
  return ['gpu_hours', 'usd'].map(key => {
    const input = el('input', { type: 'number', min: 0, step: 'any', placeholder: 'no limit', testid: `${prefix}-budget-${key}` });
    input.value = budget?.[key] ?? '';
    return input;
  });
}

function budgetFields(gpuHours, usd) {
  return el('div', { class: 'sweep-fields', title: 'Over all the sweep\'s cells, every run and attempt; reached, SkyDeck stops the sweep (each cell\'s own budget is the template\'s)' },
    el('label', {}, 'Sweep budget: GPU-hours ', gpuHours), el('label', {}, 'Sweep budget: dollars ', usd));
}

// ---------- extend / edit ----------

function openEdit(id) {
  const sweep = sweeps.get(id);
  if (!sweep) return;
  const axesText = el('textarea', { rows: 4, spellcheck: false, testid: 'edit-axes', 'aria-label': 'Axes' });
  axesText.value = axesToText(sweep.axes, (list, i) => numberSource(list, i) ?? JSON.stringify(list[i]));
  const { flags, ...fields } = sweep.template;
  const templateText = el('textarea', { rows: 8, spellcheck: false, testid: 'edit-template', 'aria-label': 'Template' });
  templateText.value = templateJson(templateFrom(fields), flags);
  const initialTemplate = templateText.value;
  const problem = el('p', { class: 'field-error', testid: 'edit-error', hidden: true });
  const [gpuHours, usd] = budgetInputs('edit', sweep.budget);
  const dialog = el('dialog', { class: 'experiment-dialog sweep-dialog', testid: 'sweep-edit-dialog', 'aria-label': `Edit sweep ${id}` },
    el('h2', {}, `Extend or edit ${id}`),
    el('p', { class: 'muted' }, 'A new axis value creates only its cells; a removed one stops and archives its cells (adding it back restores them). A template change updates every cell; running ones then need “Restart to apply”.'),
    el('label', { class: 'block' }, 'Axes, one per line: key: value, value, …', axesText),
    el('label', { class: 'block' }, 'Template', templateText),
    budgetFields(gpuHours, usd),
    problem,
    el('div', { class: 'dialog-actions' },
      el('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      el('button', { type: 'button', class: 'primary', testid: 'edit-preview', onclick: async () => {
        let body;
        let also = '';
        try {
          const parts = [`"axes": ${parseAxes(axesText.value).json}`];
          if (templateText.value !== initialTemplate) {
            JSON.parse(templateText.value);
            parts.push(`"template": ${templateText.value}`);
          }
          const read = readBudget(gpuHours.value, usd.value);
          if (read.error) throw new Error(`${read.error.field}: ${read.error.message}`);
          const change = budgetChange(sweep.budget, read.budget);
          if (change !== undefined) {
            parts.push(`"budget": ${JSON.stringify(change)}`);
            also = change ? `sweep budget set to ${budgetUse({ budget: change, cost: sweep.cost }).text.replace(/^budget: /, '')}` : 'sweep budget removed';
          }
          body = `{${parts.join(', ')}}`;
        } catch (e) {
          problem.hidden = false;
          problem.textContent = e.message;
          return;
        }
        dialog.close();
        await previewThenApply(`Change ${id}`, `/api/sweeps/${enc(id)}`, 'PATCH', body, 'Apply', also);
      } }, 'Preview…')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

// ---------- new sweep ----------

/** The New sweep dialog; fromId (or the one selected experiment) prefills the template: "sweep from this experiment". */
export function openNewSweep(fromId) {
  const selected = selectedIds();
  const sourceId = fromId ?? (selected.length === 1 ? selected[0] : null);
  const source = sourceId ? store.get(sourceId) : null;
  const template = source ? templateFrom(source) : { name: 'My sweep', base_command: 'python train.py', nodes: 1, gpus: 1 };
  const id = el('input', { type: 'text', testid: 'sweep-id', placeholder: 'lrs', spellcheck: false, maxLength: 32 });
  id.value = source ? `${source.id.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 26)}-sweep` : '';
  const name = el('input', { type: 'text', testid: 'sweep-name', spellcheck: false });
  name.value = source ? `${source.name} sweep` : '';
  const mode = el('select', { testid: 'sweep-mode' }, el('option', { value: 'grid' }, 'grid (every combination)'), el('option', { value: 'zip' }, 'zip (i-th values together)'));
  const desired = el('select', { testid: 'sweep-desired' }, el('option', { value: 'STOPPED' }, 'STOPPED'), el('option', { value: 'RUNNING' }, 'RUNNING'));
  const [gpuHours, usd] = budgetInputs('sweep');
  const templateText = el('textarea', { rows: 9, spellcheck: false, testid: 'sweep-template' });
  templateText.value = templateJson(template, source?.flags);
  const axesText = el('textarea', { rows: 4, spellcheck: false, testid: 'sweep-axes', placeholder: 'trainer.lr: 0.001, 0.0003\nseed: 1, 2, 3' });
  const count = el('strong', { testid: 'sweep-preview-count' });
  const cells = el('ul', { class: 'sweep-preview-list' });
  const preview = el('div', { class: 'sweep-preview', testid: 'sweep-preview', 'aria-live': 'polite' }, count, cells);
  const warning = el('p', { class: 'warning', testid: 'sweep-cap-warning', hidden: true });
  const create = el('button', { type: 'button', class: 'primary', testid: 'sweep-create' }, 'Create sweep');

  /** The request as JSON text (template and axes keep their numbers' spelling); throws with what is wrong. */
  const request = () => {
    let axes;
    try {
      axes = parseAxes(axesText.value);
    } catch (e) {
      throw new Error(`Axes: ${e.message}`);
    }
    try {
      JSON.parse(templateText.value);
    } catch (e) {
      throw new Error(`Template: not valid JSON (${e.message})`);
    }
    const read = readBudget(gpuHours.value, usd.value);
    if (read.error) throw new Error(`Budget: ${read.error.field} ${read.error.message}`);
    const head = JSON.stringify({ id: id.value.trim(), name: name.value.trim() || undefined, mode: mode.value, desired_state: desired.value, budget: read.budget ?? undefined });
    return { axes: axes.axes, json: `${head.slice(0, -1)}, "axes": ${axes.json}, "template": ${templateText.value}}` };
  };

  let asked = 0;
  let previewTimer = 0;
  const refreshPreview = () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      const mine = ++asked;
      let r;
      try {
        r = request();
      } catch (e) {
        count.textContent = e.message;
        clear(cells);
        create.disabled = true;
        return;
      }
      const n = cellCount(r.axes, mode.value);
      // the default cap is a hint until the server answers: its preview applies its own cap (SKYDECK_MAX_SWEEP_CELLS)
      const over = capWarning(n);
      warning.hidden = !over;
      warning.textContent = over;
      create.disabled = !!over || n === 0 || !id.value.trim();
      if (n === 0) {
        count.textContent = 'Add an axis: one per line, key: value, value, …';
        clear(cells);
        return;
      }
      if (!id.value.trim()) {
        count.textContent = `${n} cells (give the sweep an id to preview them)`;
        clear(cells);
        return;
      }
      try {
        const answer = await call('POST', '/api/sweeps/preview', r.json);
        if (mine !== asked) return;
        warning.hidden = true; // within this server's cap, whatever the default
        create.disabled = false;
        const plan = describeChanges(answer.changes);
        count.textContent = `${answer.changes.cells.length} cells: ${plan.summary}`;
        cells.replaceChildren(...answer.changes.cells.slice(0, 60).map(c => el('li', { testid: 'sweep-preview-cell', dataset: { id: c.id, action: c.action } },
          el('span', { class: 'mono' }, c.id), el('span', { class: 'muted' }, ` ${valuesText(c.values)}`))),
        answer.changes.cells.length > 60 ? el('li', { class: 'muted' }, `… and ${answer.changes.cells.length - 60} more`) : '');
      } catch (e) {
        if (mine !== asked) return;
        count.textContent = problemText(e);
        clear(cells);
        if (e instanceof ApiError && e.status === 400) {
          create.disabled = true;
          const cap = [].concat(e.fieldErrors.axes ?? []).find(m => /\bcap\b/.test(m));
          if (cap) {
            warning.hidden = false;
            warning.textContent = `${n} cells: ${cap}`;
          }
        }
      }
    }, 250);
  };
  for (const input of [id, name, mode, desired, templateText, axesText, gpuHours, usd]) input.addEventListener('input', refreshPreview);

  const dialog = el('dialog', { class: 'experiment-dialog sweep-dialog', testid: 'sweep-dialog', 'aria-label': 'New sweep' },
    el('h2', { testid: 'sweep-dialog-title' }, source ? `New sweep from ${source.id}` : 'New sweep'),
    el('div', { class: 'sweep-fields' }, el('label', {}, 'Id ', id), el('label', {}, 'Name ', name), el('label', {}, 'Mode ', mode), el('label', {}, 'Desired ', desired)),
    budgetFields(gpuHours, usd),
    el('label', { class: 'block' }, 'Axes, one per line: key: value, value, … (quote a string that looks like a number)', axesText),
    warning, preview,
    el('label', { class: 'block' }, 'Template: every experiment field but id (each cell gets its axis values as flags)', templateText),
    el('div', { class: 'dialog-actions' }, el('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), create));
  create.addEventListener('click', async () => {
    try {
      const answer = await call('POST', '/api/sweeps', request().json);
      toast(`Sweep ${answer.sweep.id}: ${describeChanges(answer.changes).summary}`, { type: 'success' });
      dialog.close();
      const fold = new Set(view.fold);
      fold.delete(answer.sweep.id);
      updateView({ by: 'sweep', fold });
      refreshSoon(0);
    } catch (e) {
      errorToast('New sweep', { message: problemText(e) });
    }
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  axesText.focus();
  refreshPreview();
}

export function initSweeps() {
  axisStyle = document.head.appendChild(el('style', { dataset: { owner: 'sweeps' } }));
  byTestId('new-sweep').addEventListener('click', () => openNewSweep());
  decorateGroupRows(decorate);
  onTableChange(markAxes);
  store.subscribe(() => refreshSoon());
  onViewChange(patch => {
    if ('by' in patch) {
      if (view.by === 'sweep') refreshSoon(0);
      else markAxes();
    }
  });
  refreshSoon(0);
}
