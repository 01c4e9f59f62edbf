// One experiment row of the grid: cloned from a template, then patched field by field from each newer version of
// the experiment (text through textContent only), its flag cells tinted against the baseline row.

import { el, setText, setAttr, setClass } from './dom.js';
import { view } from './view.js';
import {
  badgeClass, stateHelp, jobStatus, formatAge, formatDuration, jobDuration, parseTime,
  flagKind, flagDisplay, flagText, costText, costBreakdown, attemptStrip, attemptTitle, isGaveUp,
} from './format.js';
import { differingFlags } from './grouping.js';
import { isStarred } from './stars.js';
import { T } from './table-state.js';
import { MOVABLE_BASE } from './columns.js';

const NATURAL_BASE = MOVABLE_BASE.join(','); // the template's order of the movable base cells

// Rows are cloned from a template: far cheaper than building 25 elements one by one, 2,000 times.
let rowTemplate = null;
let flagCellTemplate = null;

function template() {
  if (rowTemplate) return rowTemplate;
  const cell = (cls, testid, ...children) => el('div', { class: `td ${cls}`, role: 'gridcell', testid }, ...children);
  rowTemplate = el('div', { class: 'row', role: 'row', tabIndex: 0, testid: 'row' },
    cell('col-select', null, el('input', { type: 'checkbox', testid: 'row-select' })),
    cell('col-expand', null, el('span', { class: 'expander', 'aria-hidden': 'true' }, '▸')),
    cell('col-id', 'cell-id', el('button', { type: 'button', class: 'star', testid: 'row-star' }), el('span', { class: 'id-text' }),
      el('span', { class: 'chip chip-deleted', testid: 'deleted-chip', hidden: true }, 'deleted')),
    // the chip comes first and never shrinks: only the name is cut with an ellipsis, so a pending restart is always seen
    cell('col-name', 'cell-name', el('span', {
      class: 'chip chip-restart',
      testid: 'needs-restart',
      hidden: true,
      title: 'The configuration changed while a job was running. Stop and start again to apply it.',
    }, 'restart to apply'), el('span', { class: 'name-text', testid: 'name-text' })),
    cell('col-desired', 'cell-desired', el('span')),
    cell('col-current', 'cell-current', el('span'), el('span', { class: 'state-note', testid: 'state-note' })),
    cell('col-job', 'cell-job', el('span'), el('span', { class: 'job-note' }), el('span', { class: 'attempt-strip', testid: 'attempt-strip' })),
    cell('col-nodes num', 'cell-nodes'),
    cell('col-gpus num', 'cell-gpus'),
    cell('col-cost num', 'cell-cost'),
    cell('col-actions', null, el('button', { type: 'button', class: 'icon' })));
  flagCellTemplate = el('div', { class: 'td col-flag', role: 'gridcell', testid: 'cell-flag' });
  return rowTemplate;
}

export function createRow(dto) {
  const tr = template().cloneNode(true);
  tr.dataset.id = dto.id;
  const c = tr.children;
  const cells = { select: c[0], expand: c[1], id: c[2], name: c[3], desired: c[4], current: c[5], job: c[6], nodes: c[7], gpus: c[8], cost: c[9], actions: c[10] };
  const checkbox = cells.select.firstChild;
  checkbox.setAttribute('aria-label', `Select ${dto.id}`);
  const rv = {
    id: dto.id,
    dto: null,
    tr,
    cells,
    parts: {
      checkbox,
      expander: cells.expand.firstChild,
      star: cells.id.firstChild,
      idText: cells.id.children[1],
      deletedChip: cells.id.lastChild,
      restartChip: cells.name.firstChild,
      nameText: cells.name.lastChild,
      desired: cells.desired.firstChild,
      current: cells.current.firstChild,
      currentNote: cells.current.lastChild,
      job: cells.job.firstChild,
      jobNote: cells.job.children[1],
      strip: cells.job.lastChild,
      toggle: cells.actions.firstChild,
    },
    flagCells: [],
    signature: null,
    baseSignature: NATURAL_BASE,
    detailTr: null,
    details: null,
  };
  buildFlagCells(rv, dto);
  patchRow(rv, dto);
  patchStar(rv);
  return rv;
}

/**
 * Re-fills a row that left the window with another experiment (a closed, unfocused row): its nodes are patched, not
 * rebuilt, so scrolling allocates no DOM. The result is what createRow(dto) would have built.
 */
export function recycleRow(rv, dto) {
  rv.id = dto.id;
  rv.tr.dataset.id = dto.id;
  rv.parts.checkbox.setAttribute('aria-label', `Select ${dto.id}`);
  rv.flash = false;
  rv.checkedAs = undefined;
  rv.flagDto = null;
  delete rv.parts.toggle.dataset.action; // its labels name the experiment: patchRow writes them again
  setText(rv.parts.expander, '▸');
  setAttr(rv.tr, 'aria-expanded', null);
  if (rv.signature !== T.columnSignature) buildFlagCells(rv, dto);
  patchRow(rv, dto);
  patchStar(rv);
  return rv;
}

export function buildFlagCells(rv, dto) {
  for (const td of rv.flagCells) td.remove();
  // the movable base cells in the chosen order (the template has the natural one), then the flag cells after them
  if (rv.baseSignature !== T.baseSignature) {
    for (const key of T.baseOrder) rv.tr.append(rv.cells[key]);
    rv.baseSignature = T.baseSignature;
  }
  template();
  rv.flagCells = T.columnKeys.map(key => {
    const td = flagCellTemplate.cloneNode(false);
    td.dataset.key = key;
    return td;
  });
  if (!T.columnKeys.length) rv.flagCells = [el('div', { class: 'td col-flag-none', role: 'gridcell' })];
  rv.tr.append(...rv.flagCells);
  rv.signature = T.columnSignature;
  rv.flagDto = null;
  patchFlags(rv, dto);
}

export function patchFlags(rv, dto) {
  if (rv.flagDto === dto) return;
  rv.flagDto = dto;
  const flags = dto.flags || {};
  // against a baseline row, the cells that differ from it are tinted (and say what the baseline has)
  const diff = T.baseline && T.baseline.id !== dto.id ? differingFlags(dto, T.baseline, T.columnKeys) : null;
  T.columnKeys.forEach((key, i) => {
    const td = rv.flagCells[i];
    const kind = flagKind(flags, key);
    const differs = diff?.has(key);
    setText(td, flagDisplay(flags, key));
    setClass(td, `td col-flag v-${kind}${kind === 'bool' ? (flags[key] ? ' v-true' : ' v-false') : ''}${differs ? ' v-diff' : ''}`);
    const title = kind === 'missing' ? `${key}: not set` : `${key} = ${flagText(flags, key)}`;
    setAttr(td, 'title', differs ? `${title} (baseline ${T.baseline.id}: ${key in (T.baseline.flags || {}) ? flagText(T.baseline.flags, key) : 'not set'})` : title);
  });
}

export function patchRow(rv, dto) {
  const old = rv.dto;
  rv.dto = dto;
  const p = rv.parts;
  setText(p.idText, dto.id);
  setText(p.nameText, dto.name);
  setAttr(rv.cells.name, 'title', dto.description || null);
  p.deletedChip.hidden = !dto.deleted;
  p.restartChip.hidden = !dto.needs_restart;

  setText(p.desired, dto.desired_state);
  setClass(p.desired, badgeClass(dto.desired_state, 'desired'));
  setAttr(p.desired, 'title', `Desired: ${dto.desired_state}`);
  setText(p.current, dto.current_state);
  setClass(p.current, badgeClass(dto.current_state, 'current'));
  setAttr(p.current, 'title', [stateHelp(dto.current_state), dto.message].filter(Boolean).join(' — '));
  setText(p.currentNote, stateNote(dto));

  const job = dto.current_job;
  const js = jobStatus(job);
  setText(p.job, js || '—');
  setClass(p.job, js ? badgeClass(js, 'job') : 'muted');
  setAttr(p.job, 'title', job ? `${job.job_id}${job.sky_job_id !== null ? ` (SkyPilot #${job.sky_job_id})` : ''}` : 'No current job');
  setText(p.jobNote, jobNote(job));
  // the strip appears once a run has retried or failed: one mark per attempt, the last one's cause in words
  const attempts = dto.attempts || [];
  const worth = attempts.length > 1 || attempts.some(a => a.outcome !== 'succeeded' && a.outcome !== 'live');
  setText(p.strip, worth ? attemptStrip(attempts) : '');
  setAttr(p.strip, 'title', worth ? attemptTitle(dto) : null);

  setText(rv.cells.nodes, dto.nodes);
  setText(rv.cells.gpus, dto.gpus);
  patchCost(rv, dto);

  // one button per row: Start, Stop, Retry for a run SkyDeck gave up on, or Restore for a deleted experiment
  const action = dto.deleted ? 'restore' : isGaveUp(dto) ? 'retry' : dto.desired_state === 'RUNNING' ? 'stop' : 'start';
  if (p.toggle.dataset.action !== action) {
    const look = {
      start: ['▶', 'row-start', 'icon start', `Start ${dto.id} (desired: RUNNING)`],
      stop: ['■', 'row-stop', 'icon stop', `Stop ${dto.id} (desired: STOPPED)`],
      restore: ['↺', 'row-restore', 'icon restore', `Restore ${dto.id}`],
      retry: ['↻', 'row-retry', 'icon retry', `Retry ${dto.id}: a new run with a fresh restart budget`],
    }[action];
    p.toggle.dataset.action = action;
    p.toggle.textContent = look[0];
    p.toggle.dataset.testid = look[1];
    p.toggle.className = look[2];
    p.toggle.title = look[3];
    p.toggle.setAttribute('aria-label', look[3]);
  }

  setClass(rv.tr, rowClass(rv, dto));
  rv.tr.dataset.current = dto.current_state;
  rv.tr.dataset.desired = dto.desired_state;
  patchFlags(rv, dto);
  if (rv.details && old !== dto) rv.details.update(dto);
}

/** GPU-hours and dollars over every run and attempt, counting on while something runs; marked when the budget stopped it. */
export function patchCost(rv, dto, now = Date.now()) {
  setText(rv.cells.cost, (dto.budget_reached ? '⛔ ' : '') + costText(dto.cost, now));
  setClass(rv.cells.cost, `td col-cost num${dto.budget_reached ? ' over-budget' : ''}`);
  setAttr(rv.cells.cost, 'title', [dto.budget_reached ? dto.message : null, costBreakdown(dto.cost, dto.budget)].filter(Boolean).join(' — ') || null);
}

export function rowClass(rv, dto) {
  return 'row'
    + (dto.deleted ? ' is-deleted' : '')
    + (T.selection.has(dto.id) ? ' is-selected' : '')
    + (rv.details ? ' is-open' : '')
    + (view.base === dto.id ? ' is-baseline' : '')
    + (rv.flash ? ' flash' : '');
}

export function stateNote(dto, now = Date.now()) {
  const cause = dto.current_job?.cause || '';
  if (dto.current_state === 'RETRYING' && dto.retry_at) {
    const at = parseTime(dto.retry_at);
    if (at !== null) return (at > now ? `retry in ${formatDuration((at - now) / 1000)}` : 'retrying…') + (cause ? ` · ${cause}` : '');
  }
  if (dto.current_state === 'FAILED') return cause;
  return '';
}

export function jobNote(job, now = Date.now()) {
  if (!job) return '';
  const d = jobDuration(job, now);
  if (d) return formatDuration(d.seconds);
  if (job.requested_at) return formatAge(job.requested_at, now);
  return '';
}


export function patchStar(rv) {
  const on = isStarred(rv.id);
  setText(rv.parts.star, on ? '★' : '☆');
  setClass(rv.parts.star, `star${on ? ' on' : ''}`);
  setAttr(rv.parts.star, 'aria-pressed', on ? 'true' : 'false');
  setAttr(rv.parts.star, 'aria-label', `${on ? 'Unstar' : 'Star'} ${rv.id}`);
}

