// A parallel-coordinates plot of the rows the table shows: one vertical axis per flag column (numeric or categorical)
// and the outcome (state) last; one line per experiment, coloured by state. Linked both ways: the table's filter
// decides which lines are drawn, and dragging along an axis (brushing) writes the range into the filter
// (lr>=0.001 lr<=0.01, or layers=50 for a single category), so the table follows. Plain SVG, off by default
// (the toolbar's "Plot" button, #plot=1).

import { el, svg, clear } from './dom.js';
import { flagText, compareValues } from './format.js';
import { stateRank } from './table-order.js';

export const MAX_LINES = 1500; // beyond this the plot draws the first rows in table order and says so

// ---------- pure ----------

/** Axes for the rows: numeric when every present value is a number, else categorical; the state axis last. */
export function buildAxes(rows, keys) {
  const axes = keys.map(key => {
    const present = rows.filter(r => r.flags && key in r.flags).map(r => r.flags[key]);
    if (present.length && present.every(v => typeof v === 'number')) {
      const min = Math.min(...present);
      const max = Math.max(...present);
      return { key, label: key, kind: 'num', min, max, log: min > 0 && max / min >= 100 };
    }
    const categories = [...new Set(rows.filter(r => r.flags && key in r.flags).map(r => flagText(r.flags, key)))].sort(compareValues);
    return { key, label: key, kind: 'cat', categories };
  });
  const states = [...new Set(rows.map(r => r.current_state))].sort((a, b) => stateRank(a) - stateRank(b));
  axes.push({ key: 'state', label: 'state', kind: 'cat', categories: states, outcome: true });
  return axes;
}

/** Where a row sits on an axis, 0 (top) … 1 (bottom); null when it has no value there. */
export function position(axis, row) {
  if (axis.outcome) {
    const i = axis.categories.indexOf(row.current_state);
    return i < 0 ? null : slot(i, axis.categories.length);
  }
  if (!row.flags || !(axis.key in row.flags)) return null;
  const v = row.flags[axis.key];
  if (axis.kind === 'num') {
    if (axis.max === axis.min) return 0.5;
    const t = axis.log ? (Math.log(v) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min)) : (v - axis.min) / (axis.max - axis.min);
    return 1 - t; // larger values higher up
  }
  return slot(axis.categories.indexOf(flagText(row.flags, axis.key)), axis.categories.length);
}

function slot(i, n) {
  return n <= 1 ? 0.5 : i / (n - 1);
}

/** The value at a position of a numeric axis (the inverse of position). */
export function valueAt(axis, p) {
  const t = 1 - Math.min(1, Math.max(0, p));
  return axis.log ? Math.exp(Math.log(axis.min) + t * (Math.log(axis.max) - Math.log(axis.min))) : axis.min + t * (axis.max - axis.min);
}

/**
 * Filter terms for a brush from a to b (positions 0…1) on an axis: a numeric range, or the one category it covers.
 * Null when a brush cannot be said in the filter language (several categories, or the state axis with several states).
 */
export function brushTerms(axis, a, b) {
  let [top, bottom] = a < b ? [a, b] : [b, a];
  // a brush that starts or ends at an end of the axis includes that end's value exactly
  if (top < SNAP) top = 0;
  if (bottom > 1 - SNAP) bottom = 1;
  const key = axis.outcome ? 'state' : axis.key;
  if (axis.kind === 'num') {
    const hi = valueAt(axis, top);
    const lo = valueAt(axis, bottom);
    return [`${key}>=${round(lo, 'down')}`, `${key}<=${round(hi, 'up')}`];
  }
  const inside = axis.categories.filter((_, i) => {
    const p = slot(i, axis.categories.length);
    return p >= top && p <= bottom;
  });
  return inside.length === 1 ? [`${key}=${quote(inside[0])}`] : null;
}

const SNAP = 0.03;

function round(v, direction) {
  if (v === 0) return '0';
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(v))));
  const f = 10 ** digits;
  return String((direction === 'down' ? Math.floor(v * f) : Math.ceil(v * f)) / f);
}

function quote(text) {
  return /[\s"]/.test(text) ? `"${text.replace(/"/g, '')}"` : text;
}

/** The query with every comparison on `key` removed and `terms` appended. */
export function replaceTerms(query, key, terms) {
  const tokens = String(query || '').match(/(?:[^\s"]+|"[^"]*")+/g) || [];
  const lower = key.toLowerCase();
  const kept = tokens.filter(t => {
    const m = /^([^\s=!<>]+)(!=|>=|<=|=|>|<)/.exec(t);
    return !m || m[1].toLowerCase() !== lower;
  });
  return [...kept, ...terms].join(' ');
}

// ---------- the plot ----------

const W_AXIS = 150;
const H = 240;
const TOP = 34;
const BOTTOM = 22;

/**
 * Draws the plot into `host` for the rows shown and their flag columns. onBrush(key, terms) is called when an axis
 * is brushed (terms null: cannot be filtered).
 */
export function renderPlot(host, rows, keys, onBrush) {
  clear(host);
  const drawn = rows.slice(0, MAX_LINES);
  const axes = buildAxes(drawn, keys);
  const width = Math.max(480, axes.length * W_AXIS);
  const x = i => 60 + i * ((width - 120) / Math.max(1, axes.length - 1));
  const y = p => TOP + p * (H - TOP - BOTTOM);
  const chart = svg('svg', {
    class: 'plot-svg', width, height: H, viewBox: `0 0 ${width} ${H}`, role: 'img', 'data-testid': 'plot-svg',
    'aria-label': `Parallel coordinates of ${drawn.length} experiments over ${axes.map(a => a.label).join(', ')}`,
  });

  const lines = svg('g', { class: 'plot-lines' });
  for (const row of drawn) {
    let d = '';
    let pen = false;
    axes.forEach((axis, i) => {
      const p = position(axis, row);
      if (p === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(p).toFixed(1)}`;
      pen = true;
    });
    lines.append(svg('path', { d, class: `plot-line st-line-${row.current_state}`, 'data-id': row.id }, svg('title', null, row.id)));
  }
  chart.append(lines);

  axes.forEach((axis, i) => {
    const g = svg('g', { class: 'plot-axis', 'data-testid': 'plot-axis', 'data-key': axis.key });
    g.append(svg('line', { x1: x(i), x2: x(i), y1: TOP, y2: H - BOTTOM, class: 'plot-axis-line' }));
    g.append(svg('text', { x: x(i), y: 14, 'text-anchor': 'middle', class: 'plot-label' }, axis.label.length > 22 ? '…' + axis.label.slice(-21) : axis.label));
    const ticks = axis.kind === 'num'
      ? [[0, fmt(axis.max)], [1, fmt(axis.min)]]
      : axis.categories.length <= 12 ? axis.categories.map((c, k) => [slot(k, axis.categories.length), c]) : [[0, axis.categories[0]], [1, axis.categories.at(-1)]];
    for (const [p, text] of ticks) g.append(svg('text', { x: x(i) + 6, y: y(p) + 4, class: 'plot-tick' }, String(text).slice(0, 18)));
    // the brush: a wide, invisible target along the axis
    const target = svg('rect', { x: x(i) - 14, y: TOP, width: 28, height: H - TOP - BOTTOM, class: 'plot-brush-target', 'data-testid': 'plot-brush' });
    const band = svg('rect', { x: x(i) - 9, width: 18, y: TOP, height: 0, class: 'plot-brush', visibility: 'hidden' });
    target.addEventListener('pointerdown', e => {
      const box = chart.getBoundingClientRect();
      const scale = H / box.height;
      const at = ev => Math.min(1, Math.max(0, ((ev.clientY - box.top) * scale - TOP) / (H - TOP - BOTTOM)));
      const start = at(e);
      target.setPointerCapture(e.pointerId);
      band.setAttribute('visibility', 'visible');
      const move = ev => {
        const now = at(ev);
        band.setAttribute('y', y(Math.min(start, now)));
        band.setAttribute('height', Math.abs(y(now) - y(start)));
      };
      const up = ev => {
        target.removeEventListener('pointermove', move);
        target.removeEventListener('pointerup', up);
        band.setAttribute('visibility', 'hidden');
        const end = at(ev);
        if (Math.abs(end - start) < 0.01) return; // a click, not a brush
        onBrush(axis.outcome ? 'state' : axis.key, brushTerms(axis, start, end));
      };
      move(e);
      target.addEventListener('pointermove', move);
      target.addEventListener('pointerup', up);
    });
    g.append(band, target);
    chart.append(g);
  });

  const note = rows.length > drawn.length
    ? `${drawn.length.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} rows drawn (the first in table order); filter to see the rest.`
    : `${drawn.length} rows. Drag along an axis to filter the table to that range.`;
  host.append(el('div', { class: 'plot-scroll' }, chart), el('p', { class: 'muted plot-note', testid: 'plot-note' }, note));
}

function fmt(v) {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(+v.toPrecision(4));
}
