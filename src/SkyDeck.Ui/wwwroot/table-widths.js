// Column widths from the data, not the DOM: text is measured once per font and string (a canvas in the page, any
// function in tests), each row can only widen its columns, and the result is one list of px per grid track. The
// page applies the list as one CSS variable, so columns stay aligned while scrolling and never reflow by themselves.

import { TRANSITIONAL, jobStatus, flagDisplay, attemptStrip } from './format.js';
import { MOVABLE_BASE as NATURAL_BASE } from './columns.js';

export const FONT = '13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const MONO = '12px ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';
export const MONO13 = '13px ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';
const BADGE_FONT = '700 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const NOTE_FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

const PAD = 18;
const STAR = 20; // the star button before the id
const WIDEST_CHAR = 13; // px: no letter of the 13px UI font is wider
export const NAME_MAX = 360; // the Name column's widest
export const FIXED = { select: 30, expand: 28, desired: 104, nodes: 64, gpus: 58, cost: 150, actions: 44 };

/** Base columns the column chooser can hide (select, expand, ID and actions always show). */
export const HIDEABLE = ['name', 'desired', 'current', 'job', 'nodes', 'gpus', 'cost'];

const measureContexts = new Map(); // font → its own canvas context: switching a context's font is costly

function canvasMeasure(text, font) {
  let context = measureContexts.get(font);
  if (!context) {
    context = document.createElement('canvas').getContext('2d');
    context.font = font;
    measureContexts.set(font, context);
  }
  return context.measureText(text).width;
}

let measure = canvasMeasure;
const measured = new Map(); // font + text → px: names repeat across thousands of rows and full passes
let charWidths = {};
let noteWidth = 0;

/** Replaces the text measure (tests: no canvas in Node). */
export function useTextMeasure(fn) {
  measure = fn;
  measured.clear();
  charWidths = {};
  noteWidth = 0;
}

export function textWidth(text, font) {
  const key = font + '\u0000' + text;
  let w = measured.get(key);
  if (w !== undefined) return w;
  w = measure(text, font);
  if (measured.size > 50000) measured.clear();
  measured.set(key, w);
  return w;
}

export function monoWidth(text, font = MONO) {
  charWidths[font] ??= textWidth('0123456789', font) / 10;
  return String(text).length * charWidths[font];
}

/** The widths before any row: the headers' own (flag columns by their last key segment). */
export function emptyWidths(keys) {
  return {
    id: monoWidth('ID', MONO13) + 30 + STAR,
    name: textWidth('Name', FONT) + 30,
    current: 132,
    job: 96,
    flags: keys.map(k => Math.max(monoWidth(k.slice(k.lastIndexOf('.') + 1)) + 30, 48)),
  };
}

/** Widens `widths` (in place) to fit one experiment's cells; `keys` are the flag columns shown. */
export function measureRow(widths, dto, keys) {
  if (!dto) return widths;
  const grow = (key, w) => {
    if (w > widths[key]) widths[key] = w;
  };
  grow('id', monoWidth(dto.id, MONO13) + PAD + STAR + (dto.deleted ? 64 : 0));
  // a name that cannot be wider than the column already is, even in its widest letters, is not measured
  const nameExtra = PAD + (dto.needs_restart ? 112 : 0);
  if (dto.name.length * WIDEST_CHAR + nameExtra > widths.name && widths.name < NAME_MAX) grow('name', textWidth(dto.name, FONT) + nameExtra);
  grow('current', dto.current_state === 'RETRYING' ? 300 : dto.current_state === 'FAILED' ? 260 : 132);
  const strip = attemptStrip(dto.attempts);
  grow('job', jobWidth(dto.current_job) + (strip ? monoWidth(strip) + 6 : 0));
  const flags = dto.flags || {};
  keys.forEach((key, i) => {
    if (!(key in flags)) return;
    const w = monoWidth(flagDisplay(flags, key)) + PAD;
    if (w > widths.flags[i]) widths.flags[i] = w;
  });
  return widths;
}

// What each row needs, by row version: a store update replaces the dto, so the dto object is the version. Every pass
// (a live update, a snapshot of 10,000 rows, a filter, a sort, a column change) merges these, so a row is measured
// once per version and set of columns, however often it is shown again.
let rowCache = new WeakMap(); // dto → {id, name, current, job, flags}
let rowCacheKeys = null; // the columns' signature the cache is for
let rowCacheRef = null; // …and the keys array last seen with it (the table passes the same array until columns change)

function ownWidths(dto, keys) {
  if (keys !== rowCacheRef) {
    const signature = keys.join('\n');
    if (signature !== rowCacheKeys) {
      rowCache = new WeakMap();
      rowCacheKeys = signature;
    }
    rowCacheRef = keys;
  }
  let own = rowCache.get(dto);
  if (!own) {
    measureAll.misses++;
    own = measureRow({ id: 0, name: 0, current: 0, job: 0, flags: new Array(keys.length).fill(0) }, dto, keys);
    rowCache.set(dto, own);
  }
  return own;
}

function merge(widths, own) {
  if (own.id > widths.id) widths.id = own.id;
  if (own.name > widths.name) widths.name = own.name;
  if (own.current > widths.current) widths.current = own.current;
  if (own.job > widths.job) widths.job = own.job;
  const flags = widths.flags;
  const f = own.flags;
  for (let i = 0; i < flags.length; i++) if (f[i] > flags[i]) flags[i] = f[i];
  return widths;
}

/** Widens `widths` (in place) to fit one experiment, through the per-version cache (what live updates use). */
export function measureCached(widths, dto, keys) {
  return dto ? merge(widths, ownWidths(dto, keys)) : widths;
}

/** The widths of a whole list of rows (each row measured once per version and set of columns). */
export function measureAll(list, keys) {
  const widths = emptyWidths(keys);
  for (const dto of list) merge(widths, ownWidths(dto, keys));
  return widths;
}

/** Rows measured (not found in the cache) by measureAll since the page loaded: the benchmark prints it. */
measureAll.misses = 0;

/** The Job cell: its status badge and the widest note the ticker can write there ("just now", "59m 59s ago"). */
export function jobWidth(job) {
  if (!job) return 96;
  const status = jobStatus(job) || '—';
  // badge: text + letter-spacing + padding and border (+ the pulse dot of a transitional state)
  const badge = textWidth(status, BADGE_FONT) + status.length * 0.2 + 16 + (TRANSITIONAL.has(status) ? 10 : 0);
  noteWidth ||= Math.max(...['just now', '59m 59s ago', 'in 59m 59s'].map(t => textWidth(t, NOTE_FONT)));
  return Math.ceil(badge + 6 + noteWidth + PAD + 4);
}

/**
 * px of every grid track, in the cells' order: select, expand, id, name, desired, current, job, nodes, gpus, cost,
 * actions, then one per flag column (or one "Flags" placeholder). Hidden base columns keep a zero-width track.
 */
export function columnWidths(widths, hide, flagCount, baseOrder = NATURAL_BASE) {
  const clamp = (w, lo, hi) => Math.ceil(Math.min(hi, Math.max(lo, w)));
  const shown = (key, w) => (hide.has(key) ? 0 : w);
  const movable = {
    desired: shown('desired', FIXED.desired), current: shown('current', clamp(widths.current, 110, 240)), job: shown('job', clamp(widths.job, 80, 260)),
    nodes: shown('nodes', FIXED.nodes), gpus: shown('gpus', FIXED.gpus), cost: shown('cost', FIXED.cost), actions: FIXED.actions,
  };
  return [
    FIXED.select, FIXED.expand, clamp(widths.id, 60, 380), shown('name', clamp(widths.name, 70, NAME_MAX)),
    ...baseOrder.map(k => movable[k]),
    ...(flagCount ? widths.flags.map(w => clamp(w, 44, 280)) : [120]),
  ];
}
