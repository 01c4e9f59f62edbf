// The experiment spec fields shared by the New/Duplicate dialog and the Edit panel: inputs, client-side checks,
// and the server's field errors shown next to the field they name.

import { el, setText } from './dom.js';
import { flagsToJson } from './api.js';
import { createFlagsEditor } from './flagseditor.js';
import { idRules, limits, resourceNamePattern } from './meta.js';

/** The longest experiment id (the server's, from /api/meta). */
export function idMax() {
  return idRules().maxLength;
}

export function idProblem(id) {
  const rules = idRules();
  if (!id) return 'is required';
  if (id.length > rules.maxLength) return `must be at most ${rules.maxLength} characters (got ${id.length})`;
  if (!rules.pattern.test(id)) return "must start with a letter, end with a letter or digit, and contain only letters, digits, '-', '_' and '.'";
  if (id === rules.reserved) return `'${rules.reserved}' is reserved by SkyDeck; choose another id`;
  const suffix = rules.forbiddenSuffixes.find(x => id.toLowerCase().endsWith(x.toLowerCase()));
  if (suffix) return `must not end in '${suffix}': SkyPilot takes a cluster name ending in .yaml, .yml or .json for a file path`;
  return null;
}

const TEXT_FIELDS = [
  { name: 'name', label: 'Name', placeholder: 'defaults to the ID' },
  { name: 'base_command', label: 'Base Command', placeholder: 'e.g. lt  or  python train.py', required: true, mono: true },
  { name: 'run_name', label: 'Run Name', placeholder: 'for run=…; defaults to the ID', mono: true },
];

const ADVANCED_FIELDS = [
  { name: 'description', label: 'Description', textarea: true },
  { name: 'accelerator', label: 'Accelerator', placeholder: 'e.g. A100 (server default if empty)', resource: true },
  { name: 'cloud', label: 'Cloud', placeholder: 'e.g. aws', resource: true },
  { name: 'region', label: 'Region', placeholder: 'e.g. us-east-1', resource: true },
  { name: 'tags', label: 'Tags', placeholder: 'comma-separated' },
  { name: 'group', label: 'Group' },
];

/**
 * Builds the spec fields. mode: 'create' (with ID and Start immediately) or 'edit'. initial: an ExperimentDto-like
 * object or null. Returns {element, flags, collect(), showError(ApiError), clearErrors(), focusFirst()}.
 */
export function createSpecForm({ mode, initial = null, onChange, idTaken = () => null }) {
  const inputs = {};
  const errors = {};
  const rows = [];

  const errorFor = name => (errors[name] = el('div', { class: 'field-error', testid: `error-${name}`, hidden: true, id: uid(`err-${name}`) }));

  const row = (name, label, control, hint) => {
    const err = errorFor(name);
    control.setAttribute('aria-describedby', err.id);
    return el('label', { class: `field field-${name}` },
      el('span', { class: 'field-label' }, label),
      control,
      hint ? el('span', { class: 'field-hint' }, hint) : null,
      err);
  };

  if (mode === 'create') {
    inputs.id = el('input', { type: 'text', testid: 'field-id', required: true, maxLength: 200, autocomplete: 'off', spellcheck: false, placeholder: 'e.g. ppo_baseline' });
    inputs.id.value = initial?.id ?? '';
    rows.push(row('id', 'ID', inputs.id, 'Letters, digits, - _ . ; becomes the SkyPilot cluster name'));
  }

  for (const f of TEXT_FIELDS) {
    inputs[f.name] = el('input', { type: 'text', testid: `field-${f.name}`, placeholder: f.placeholder || '', spellcheck: false, class: f.mono ? 'mono' : '' });
    inputs[f.name].value = initial?.[f.name] ?? '';
    rows.push(row(f.name, f.label, inputs[f.name]));
  }

  inputs.nodes = el('input', { type: 'number', testid: 'field-nodes', min: 1, max: limits().max_nodes, step: 1 });
  inputs.nodes.value = String(initial?.nodes ?? 1);
  inputs.gpus = el('input', { type: 'number', testid: 'field-gpus', min: 0, max: limits().max_gpus, step: 1 });
  inputs.gpus.value = String(initial?.gpus ?? 0);
  rows.push(el('div', { class: 'field-pair' }, row('nodes', 'Nodes', inputs.nodes), row('gpus', 'GPUs per node', inputs.gpus)));

  // Budget over every run and attempt (empty = none); reached, SkyDeck stops the experiment.
  inputs['budget.gpu_hours'] = el('input', { type: 'number', testid: 'field-budget-gpu_hours', min: 0, step: 'any', placeholder: 'no limit' });
  inputs['budget.gpu_hours'].value = initial?.budget?.gpu_hours ?? '';
  inputs['budget.usd'] = el('input', { type: 'number', testid: 'field-budget-usd', min: 0, step: 'any', placeholder: 'no limit' });
  inputs['budget.usd'].value = initial?.budget?.usd ?? '';
  rows.push(el('div', { class: 'field-pair' },
    row('budget.gpu_hours', 'Budget: GPU-hours', inputs['budget.gpu_hours']),
    row('budget.usd', 'Budget: dollars', inputs['budget.usd'])));
  errors.budget = errors['budget.gpu_hours'];

  const flags = createFlagsEditor({ text: initial ? flagsToJson(initial.flags) : '{\n  \n}', testid: 'flags', onInput: () => onChange?.() });
  const flagsRow = el('div', { class: 'field field-flags' }, el('span', { class: 'field-label' }, 'Flags (JSON)'), flags.element);
  rows.push(flagsRow);

  const advanced = el('details', { class: 'advanced', testid: 'advanced' }, el('summary', null, 'More: description, resources, tags, group, retry policy'));
  for (const f of ADVANCED_FIELDS) {
    const control = f.textarea
      ? el('textarea', { testid: `field-${f.name}`, rows: 2 })
      : el('input', { type: 'text', testid: `field-${f.name}`, placeholder: f.placeholder || '', spellcheck: false });
    control.value = f.name === 'tags' ? (initial?.tags || []).join(', ') : initial?.[f.name] ?? '';
    inputs[f.name] = control;
    advanced.append(row(f.name, f.label, control));
  }
  inputs.use_spot = el('input', { type: 'checkbox', testid: 'field-use_spot' });
  inputs.use_spot.checked = !!initial?.use_spot;
  advanced.append(el('label', { class: 'field check' }, inputs.use_spot, ' Use spot instances', errorFor('use_spot')));
  // Autostop: empty = the server's default (SKYDECK_AUTOSTOP), 0 = never stop for idleness.
  inputs.autostop_minutes = el('input', { type: 'number', testid: 'field-autostop_minutes', min: 0, max: limits().max_autostop_minutes, step: 1, placeholder: 'server default' });
  inputs.autostop_minutes.value = initial?.autostop_minutes ?? '';
  advanced.append(row('autostop_minutes', 'Autostop after idle minutes (0 = off)', inputs.autostop_minutes));
  inputs.autostop_down = el('input', { type: 'checkbox', testid: 'field-autostop_down' });
  inputs.autostop_down.checked = !!initial?.autostop_down;
  advanced.append(el('label', { class: 'field check' }, inputs.autostop_down, ' Tear down (not stop) when idle', errorFor('autostop_down')));
  // Retry policy, in SkyPilot's words: empty = the server's default (SKYDECK_MAX_RESTARTS), retry on preemption.
  const retry = initial?.retry || null;
  inputs['retry.max_restarts_on_errors'] = el('input', { type: 'number', testid: 'field-retry-max', min: 0, max: limits().max_restarts_on_errors, step: 1, placeholder: 'server default' });
  inputs['retry.max_restarts_on_errors'].value = retry?.max_restarts_on_errors ?? '';
  advanced.append(row('retry.max_restarts_on_errors', 'Max restarts on errors (user errors, setup and driver failures)', inputs['retry.max_restarts_on_errors']));
  inputs['retry.recover_on_exit_codes'] = el('input', { type: 'text', testid: 'field-retry-codes', placeholder: 'e.g. 137, 143', spellcheck: false });
  inputs['retry.recover_on_exit_codes'].value = (retry?.recover_on_exit_codes || []).join(', ');
  advanced.append(row('retry.recover_on_exit_codes', 'Exit codes that always retry', inputs['retry.recover_on_exit_codes']));
  inputs['retry.on_preemption'] = el('select', { testid: 'field-retry-preemption' },
    el('option', { value: 'always' }, 'always relaunch'), el('option', { value: 'never' }, 'give up'));
  inputs['retry.on_preemption'].value = retry?.on_preemption || 'always';
  advanced.append(row('retry.on_preemption', 'On preemption', inputs['retry.on_preemption']));
  if (initial && ADVANCED_FIELDS.some(f => (f.name === 'tags' ? initial.tags?.length : initial[f.name])) || initial?.use_spot
      || initial?.autostop_minutes != null || initial?.autostop_down || retry) advanced.open = true;
  rows.push(advanced);

  if (mode === 'create') {
    inputs.start = el('input', { type: 'checkbox', testid: 'field-start' });
    rows.push(el('label', { class: 'field check start-now' }, inputs.start, ' Start immediately', errorFor('desired_state')));
  }

  const general = el('div', { class: 'form-error', testid: 'form-error', role: 'alert', hidden: true });
  const element = el('div', { class: 'spec-form' }, general, ...rows);

  // Client-side checks as you type (the server has the last word).
  if (inputs.id) {
    inputs.id.addEventListener('input', () => {
      const id = inputs.id.value.trim();
      const problem = idProblem(id);
      showField('id', id && problem ? [`ID ${problem}`] : id && idTaken(id) ? [idTaken(id)] : []);
      onChange?.();
    });
  }
  for (const name of ['nodes', 'gpus', 'budget.gpu_hours', 'budget.usd']) inputs[name].addEventListener('input', () => showField(name, []));
  for (const f of [...TEXT_FIELDS, ...ADVANCED_FIELDS]) inputs[f.name].addEventListener('input', () => showField(f.name, []));

  function showField(name, messages) {
    const node = errors[name];
    if (!node) return false;
    setText(node, messages.join(' '));
    node.hidden = messages.length === 0;
    const input = inputs[name];
    if (input) input.setAttribute('aria-invalid', messages.length ? 'true' : 'false');
    return true;
  }

  function clearErrors() {
    for (const name of Object.keys(errors)) showField(name, []);
    flags.clearServerErrors();
    general.hidden = true;
    general.replaceChildren();
  }

  function int(name) {
    const raw = inputs[name].value.trim();
    if (!/^-?\d+$/.test(raw)) return { error: 'must be a whole number' };
    return { value: Number(raw) };
  }

  /** Reads the fields. Returns {fields, flagsText} (edit: only changed fields) or null after showing what is wrong. */
  function collect() {
    clearErrors();
    let ok = true;
    const fields = {};
    const text = name => inputs[name].value.trim();

    if (mode === 'create') {
      const id = text('id');
      const problem = idProblem(id);
      if (problem || idTaken(id)) {
        showField('id', [problem ? `ID ${problem}` : idTaken(id)]);
        ok = false;
      }
      fields.id = id;
    }
    for (const f of TEXT_FIELDS) {
      const value = text(f.name);
      if (f.required && !value) {
        showField(f.name, [`${f.label} is required`]);
        ok = false;
      } else if (value) fields[f.name] = value;
      else if (mode === 'edit') {
        if (f.name === 'base_command') {
          showField(f.name, [`${f.label} is required`]);
          ok = false;
        } else fields[f.name] = initial[f.name]; // blank name/run name: keep the current one
      }
    }
    for (const [name, min, max] of [['nodes', 1, limits().max_nodes], ['gpus', 0, limits().max_gpus]]) {
      const n = int(name);
      if (n.error || n.value < min || n.value > max) {
        showField(name, [`must be a whole number from ${min} to ${max}`]);
        ok = false;
      } else fields[name] = n.value;
    }
    for (const f of ADVANCED_FIELDS) {
      const value = text(f.name);
      if (f.name === 'tags') {
        const tags = value ? value.split(',').map(t => t.trim()).filter(Boolean) : [];
        if (mode === 'create' ? tags.length : !sameList(tags, initial.tags || [])) fields.tags = tags;
        continue;
      }
      if (f.resource && value && !resourceNamePattern().test(value)) {
        showField(f.name, ["must be a plain name of letters, digits, '-' and '_'"]);
        ok = false;
        continue;
      }
      if (value) fields[f.name] = value;
      else if (mode === 'edit' && initial[f.name]) fields[f.name] = null; // emptied: null clears it (PATCH)
    }
    if (mode === 'create' ? inputs.use_spot.checked : inputs.use_spot.checked !== !!initial.use_spot) fields.use_spot = inputs.use_spot.checked;
    const autostop = inputs.autostop_minutes.value.trim();
    if (autostop !== '' && !/^\d+$/.test(autostop) || Number(autostop) > limits().max_autostop_minutes) {
      showField('autostop_minutes', [`must be a whole number of minutes from 0 (off) to ${limits().max_autostop_minutes}`]);
      ok = false;
    } else if (autostop !== '') {
      if (mode === 'create' || Number(autostop) !== initial.autostop_minutes) fields.autostop_minutes = Number(autostop);
    } else if (mode === 'edit' && initial.autostop_minutes != null) fields.autostop_minutes = null; // emptied: back to the default
    if (mode === 'create' ? inputs.autostop_down.checked : inputs.autostop_down.checked !== !!initial.autostop_down) fields.autostop_down = inputs.autostop_down.checked;
    const budget = {};
    for (const key of ['gpu_hours', 'usd']) {
      const raw = inputs[`budget.${key}`].value.trim();
      if (raw === '') continue;
      const n = Number(raw);
      if (!Number.isFinite(n) || n <= 0) {
        showField(`budget.${key}`, ['must be a number greater than 0 (empty: no limit)']);
        ok = false;
      } else budget[key] = n;
    }
    const hadBudget = !!initial?.budget;
    const sameBudget = hadBudget && (budget.gpu_hours ?? null) === (initial.budget.gpu_hours ?? null) && (budget.usd ?? null) === (initial.budget.usd ?? null);
    if (Object.keys(budget).length) {
      if (mode === 'create' || !sameBudget) fields.budget = budget;
    } else if (mode === 'edit' && hadBudget) fields.budget = null; // emptied: no budget
    const maxText = inputs['retry.max_restarts_on_errors'].value.trim();
    const codesText = inputs['retry.recover_on_exit_codes'].value.trim();
    const preemption = inputs['retry.on_preemption'].value;
    const codes = codesText ? codesText.split(/[\s,]+/).filter(Boolean) : [];
    if (maxText !== '' && (!/^\d+$/.test(maxText) || Number(maxText) > limits().max_restarts_on_errors)) {
      showField('retry.max_restarts_on_errors', [`must be a whole number from 0 to ${limits().max_restarts_on_errors}`]);
      ok = false;
    } else if (codes.some(c => !/^\d+$/.test(c) || Number(c) < limits().min_exit_code || Number(c) > limits().max_exit_code)) {
      showField('retry.recover_on_exit_codes', [`must be exit codes from ${limits().min_exit_code} to ${limits().max_exit_code}, separated by commas`]);
      ok = false;
    } else {
      const policy = maxText === '' && !codes.length && preemption === 'always' ? null
        : { max_restarts_on_errors: maxText === '' ? null : Number(maxText), recover_on_exit_codes: codes.map(Number), on_preemption: preemption };
      if (mode === 'create' ? policy : JSON.stringify(policy) !== JSON.stringify(initial.retry ?? null)) fields.retry = policy;
    }
    if (mode === 'create') fields.desired_state = inputs.start.checked ? 'RUNNING' : 'STOPPED';

    const check = flags.validate();
    if (!check.ok) ok = false;
    if (!ok) {
      focusFirstError();
      return null;
    }
    const flagsText = check.empty ? '{}' : flags.text().trim();
    if (mode === 'edit') {
      for (const key of Object.keys(fields)) {
        if (!['tags', 'use_spot', 'autostop_minutes', 'autostop_down', 'budget', 'retry'].includes(key) && fields[key] === initial[key]) delete fields[key];
      }
    }
    return { fields, flagsText };
  }

  /** Shows an ApiError: each field's messages next to it, the rest at the top. */
  function showError(error) {
    clearErrors();
    const leftovers = [];
    const flagMessages = [];
    for (const [field, messages] of Object.entries(error.fieldErrors || {})) {
      const list = Array.isArray(messages) ? messages : [String(messages)];
      if (field === 'flags' || field.startsWith('flags.')) {
        const key = field.slice('flags.'.length);
        flagMessages.push(...list.map(m => (key ? `${key}: ${m}` : m)));
      } else if (!showField(field, list.map(m => `${labelOf(field)} ${m}`))) {
        leftovers.push(...list.map(m => `${field}: ${m}`));
      }
    }
    if (flagMessages.length) flags.showServerErrors(flagMessages);
    if (error.status === 409 && inputs.id && !Object.keys(error.fieldErrors || {}).length) {
      showField('id', [error.message]);
    } else if (!Object.keys(error.fieldErrors || {}).length || leftovers.length) {
      general.replaceChildren(el('strong', null, error.status === 0 ? 'Not saved. ' : 'The server refused this. '), leftovers.length ? leftovers.join('; ') : error.message);
      general.hidden = false;
    }
    focusFirstError();
  }

  function focusFirstError() {
    const bad = element.querySelector('[aria-invalid="true"]');
    if (bad) {
      const details = bad.closest('details');
      if (details) details.open = true;
      bad.focus();
    }
  }

  return {
    element,
    inputs,
    flags,
    collect,
    showError,
    clearErrors,
    focusFirst: () => (inputs.id || inputs.name).focus(),
  };
}

function labelOf(field) {
  const all = [...TEXT_FIELDS, ...ADVANCED_FIELDS];
  const f = all.find(x => x.name === field);
  return f ? f.label : field === 'id' ? 'ID' : field === 'nodes' ? 'Nodes' : field === 'gpus' ? 'GPUs' : field;
}

function sameList(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

let counter = 0;
function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}
