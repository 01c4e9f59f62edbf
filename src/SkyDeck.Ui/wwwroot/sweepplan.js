// Pure helpers of the sweep UI (no DOM): the axes editor's text format, the cell count and cap, a sweep template from
// an experiment, what a sweep command's changes say in words, and the sweep's own budget (its use, its form fields).

import { formatUsd, formatGpuHours } from './format.js';

/** The server's default cap (SKYDECK_MAX_SWEEP_CELLS); a server with another cap answers its own 400 in the preview. */
export const DEFAULT_CAP = 1000;

/** Splits `a, "b, c", 3` on commas outside double quotes. */
function splitValues(text) {
  const parts = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(p => p.length > 0);
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** One value as JSON text: a JSON number keeps its spelling (1.0 stays a float), true/false, "quoted" or bare strings. */
function valueJson(token) {
  if (token === 'true' || token === 'false' || NUMBER.test(token)) return token;
  if (token.length >= 2 && token.startsWith('"') && token.endsWith('"')) {
    JSON.parse(token); // throws on a bad escape
    return token;
  }
  return JSON.stringify(token);
}

/**
 * Reads the axes editor: one axis a line, `key: value, value, …` (numbers, true/false, anything else a string; quote a
 * string that looks like a number or holds a comma). Returns {axes, json}: the values, and the axes as JSON text that
 * keeps each number's spelling. Throws an Error naming the line that is not `key: values`.
 */
export function parseAxes(text) {
  const entries = [];
  for (const line of String(text).split('\n').map(l => l.trim()).filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`“${line}” is not “key: value, value”`);
    const key = line.slice(0, colon).trim();
    if (entries.some(([k]) => k === key)) throw new Error(`axis “${key}” appears twice`);
    entries.push([key, splitValues(line.slice(colon + 1)).map(valueJson)]);
  }
  const json = `{${entries.map(([k, vs]) => `${JSON.stringify(k)}: [${vs.join(', ')}]`).join(', ')}}`;
  return { axes: JSON.parse(json), json };
}

/**
 * The axes as the editor shows them. spell(list, i) gives a number's JSON spelling (api.js keeps the server's);
 * strings that would read back as something else are quoted.
 */
export function axesToText(axes, spell = (list, i) => JSON.stringify(list[i])) {
  return Object.entries(axes || {}).map(([key, list]) => `${key}: ${list.map((v, i) => {
    if (typeof v === 'number') return spell(list, i);
    if (typeof v === 'boolean') return String(v);
    const s = String(v);
    return s === 'true' || s === 'false' || NUMBER.test(s) || s.includes(',') || s.includes('"') || s !== s.trim() || s === '' ? JSON.stringify(s) : s;
  }).join(', ')}`).join('\n');
}

/** How many cells the axes make: the product of the lengths (grid) or the longest list (zip). */
export function cellCount(axes, mode) {
  const lengths = Object.values(axes || {}).map(v => v.length);
  if (lengths.length === 0) return 0;
  return mode === 'zip' ? Math.max(...lengths) : lengths.reduce((a, b) => a * b, 1);
}

/** The cap warning, or '' when the count is within the cap. */
export function capWarning(n, cap = DEFAULT_CAP) {
  return n > cap ? `${n} cells: more than the cap of ${cap}. Remove values or split the sweep.` : '';
}

const TEMPLATE_FIELDS = ['name', 'description', 'base_command', 'run_name', 'nodes', 'gpus', 'accelerator', 'cloud', 'region', 'use_spot', 'tags', 'group', 'autostop_minutes', 'autostop_down'];

/** A sweep template from an experiment: every spec field but id (and its flags), unset optional fields left out. */
export function templateFrom(dto) {
  const template = {};
  for (const key of TEMPLATE_FIELDS) {
    const v = dto?.[key];
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    template[key] = v;
  }
  return template;
}

const WORDS = {
  create: 'created',
  update: 'updated',
  set_desired: 'desired state set',
  archive: 'stopped and archived',
  restore: 'restored',
  restart: 'restarted',
  unchanged: 'left alone',
};

/**
 * A sweep command's changes ({counts, remaining, cells}) in words: "4 created · 12 left alone". touched: the cells
 * that change (every action but unchanged); nothing: no cell changes.
 */
export function describeChanges(changes) {
  const counts = changes?.counts || {};
  const order = Object.keys(WORDS);
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => (order.indexOf(a[0]) + 99 * (a[0] === 'unchanged')) - (order.indexOf(b[0]) + 99 * (b[0] === 'unchanged')))
    .map(([action, n]) => `${n} ${WORDS[action] ?? action.replace(/_/g, ' ')}`);
  const remaining = changes?.remaining ? ` (${changes.remaining} more after these: the restart cap)` : '';
  const touched = (changes?.cells || []).filter(c => c.action !== 'unchanged');
  return { summary: (parts.join(' · ') || 'no cells') + remaining, touched, nothing: touched.length === 0 };
}

/** A cell's values as a short label: "lr=0.001 seed=1". */
export function valuesText(values) {
  return Object.entries(values || {}).map(([k, v]) => `${k.slice(k.lastIndexOf('.') + 1)}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
}

/**
 * A sweep's own budget in words for its group row: "$12.40 of $20", "3.1 of 5 GPU-h" (both when both are set), and
 * {reached, title}: stopped by it, with the server's message (what was used; raise it or Start again). '' text: no budget.
 */
export function budgetUse(sweep) {
  const b = sweep?.budget;
  if (!b || (b.gpu_hours == null && b.usd == null)) return { text: '', reached: false, title: '' };
  const cost = sweep.cost || {};
  const parts = [];
  if (b.usd != null) parts.push(`${formatUsd(cost.usd ?? 0)} of $${b.usd}`);
  if (b.gpu_hours != null) parts.push(`${formatGpuHours(cost.gpu_hours ?? 0)} of ${b.gpu_hours} GPU-h`);
  const use = parts.join(' · ');
  if (sweep.budget_reached) return { text: `budget reached — stopped (${use})`, reached: true, title: sweep.budget_message || 'stopped by its budget' };
  return { text: `budget: ${use}`, reached: false, title: 'The sweep\'s own budget over all its cells (every run and attempt); reached, SkyDeck stops the sweep' };
}

/**
 * The budget fields of the sweep forms: each empty (no limit) or a number above 0. Returns {budget} (null: none) or
 * {error: {field, message}} naming the API field (budget.gpu_hours, budget.usd).
 */
export function readBudget(gpuHoursText, usdText) {
  const budget = {};
  for (const [key, raw] of [['gpu_hours', gpuHoursText], ['usd', usdText]]) {
    const text = String(raw ?? '').trim();
    if (text === '') continue;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) return { error: { field: `budget.${key}`, message: 'must be a number greater than 0 (empty: no limit)' } };
    budget[key] = n;
  }
  return { budget: Object.keys(budget).length ? budget : null };
}

/** What an edit sends for the budget: undefined when unchanged, null to clear it, else the new one. */
export function budgetChange(before, after) {
  const same = (before?.gpu_hours ?? null) === (after?.gpu_hours ?? null) && (before?.usd ?? null) === (after?.usd ?? null);
  if (same) return undefined;
  return after ?? null;
}
