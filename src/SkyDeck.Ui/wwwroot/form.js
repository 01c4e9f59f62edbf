// The New Experiment / Duplicate dialog.

import { el, clear } from './dom.js';
import { api } from './api.js';
import { store } from './store.js';
import { createSpecForm, idMax } from './specform.js';
import { toast } from './toast.js';

let dialog;
let onCreated = () => {};

export function initForm({ created }) {
  onCreated = created;
  dialog = document.querySelector('[data-testid="experiment-dialog"]');
  dialog.addEventListener('cancel', e => {
    if (dialog.dataset.busy === '1') e.preventDefault();
  });
}

/** Opens the dialog: blank, or pre-filled from `source` (Duplicate) with a fresh, valid id. */
export function openExperimentDialog(source = null) {
  clear(dialog);
  const initial = source ? { ...source, id: uniqueId(source.id) } : null;
  if (initial) {
    // a copy keeps the spec, not the identity: name and run name follow the new id when they followed the old one
    if (source.name === source.id) initial.name = initial.id;
    // two experiments must never log to the same run: a custom run name gets its own -copy suffix
    if (!source.run_name || source.run_name === source.id) initial.run_name = initial.id;
    else initial.run_name = uniqueRunName(source.run_name, initial.id);
  }
  const spec = createSpecForm({
    mode: 'create',
    initial,
    idTaken: id => {
      const existing = store.get(id);
      if (!existing) return null;
      return existing.deleted ? `ID ${id} belongs to a deleted experiment: restore it (Show deleted) or choose another ID` : `ID ${id} already exists`;
    },
  });
  if (source) spec.inputs.start.checked = false;

  const submit = el('button', { type: 'submit', class: 'primary', testid: 'create-submit' }, source ? 'Create copy' : 'Create');
  const form = el('form', { class: 'dialog-form', novalidate: true },
    el('h2', null, source ? `Duplicate ${source.id}` : 'New Experiment'),
    spec.element,
    el('div', { class: 'dialog-actions' },
      el('button', { type: 'button', testid: 'create-cancel', onclick: () => dialog.close() }, 'Cancel'),
      submit));

  form.addEventListener('submit', async e => {
    e.preventDefault();
    const collected = spec.collect();
    if (!collected) return;
    submit.disabled = true;
    dialog.dataset.busy = '1';
    try {
      const created = await api.createRaw(collected.fields, collected.flagsText);
      store.applyOne(created);
      dialog.close();
      toast(`Created ${created.id}${collected.fields.desired_state === 'RUNNING' ? ' and asked it to start' : ''}`, { type: 'success' });
      onCreated(created);
    } catch (error) {
      spec.showError(error);
    } finally {
      submit.disabled = false;
      delete dialog.dataset.busy;
    }
  });

  dialog.append(form);
  dialog.showModal();
  spec.focusFirst();
  if (source) spec.inputs.id.select();
}

/** id-copy, id-copy2, … (within the 48-character limit), not used by any experiment, deleted ones included. */
export function uniqueId(id) {
  const base = id.replace(/-copy\d*$/, '');
  for (let n = 1; n < 1000; n++) {
    const suffix = n === 1 ? '-copy' : `-copy${n}`;
    const candidate = base.slice(0, idMax() - suffix.length).replace(/[-_.]+$/, '') + suffix;
    if (!store.has(candidate)) return candidate;
  }
  return base;
}

/** run-copy, run-copy2, … not used as a run name (or id, the default run name) by any experiment. */
export function uniqueRunName(runName, newId) {
  const taken = new Set();
  for (const dto of store.values()) {
    taken.add(dto.run_name || dto.id);
    taken.add(dto.id);
  }
  const base = runName.replace(/-copy\d*$/, '');
  for (let n = 1; n < 1000; n++) {
    const candidate = base + (n === 1 ? '-copy' : `-copy${n}`);
    if (!taken.has(candidate)) return candidate;
  }
  return newId;
}
