// Pure formatting: states, times, durations and flag values. No DOM except badge().

import { el } from './dom.js';
import { numberSource } from './api.js';
import { isLiveIn, hasEndedStatus } from './meta.js';

/** States that are on their way somewhere: shown with a pulse so "in progress" is visible at a glance. */
export const TRANSITIONAL = new Set(['LAUNCHING', 'PENDING', 'RETRYING', 'STOPPING', 'TERMINATING', 'SETTING_UP', 'REQUESTED', 'SUBMITTED']);

const STATE_HELP = {
  INIT: 'Never launched',
  LAUNCHING: 'Asking SkyPilot to launch a job',
  PENDING: 'Job submitted, waiting for resources or setup',
  RUNNING: 'A job is running',
  RETRYING: 'The last attempt failed; waiting to retry',
  SUCCEEDED: 'The job finished successfully',
  FAILED: 'The job failed and will not be retried',
  STOPPING: 'Cancelling jobs and stopping the cluster',
  STOPPED: 'Nothing running; cluster stopped or absent',
  TERMINATING: 'Tearing the cluster down',
  TERMINATED: 'No cluster',
  UNKNOWN: 'SkyPilot cannot be asked right now; last known state may be stale',
};

export function stateHelp(state) {
  return STATE_HELP[state] || '';
}

/** A colour-coded state badge. kind: 'current' | 'desired' | 'job'. */
export function badge(state, kind = 'current', testid) {
  const text = state || '—';
  const node = el('span', {
    class: badgeClass(state, kind),
    testid,
    title: kind === 'desired' ? `Desired: ${text}` : stateHelp(state) || text,
  }, text);
  return node;
}

export function badgeClass(state, kind = 'current') {
  const s = (state || 'NONE').toUpperCase();
  return `badge badge-${kind} st-${s}${TRANSITIONAL.has(s) ? ' transitional' : ''}`;
}

/** The status to show for a job: SkyPilot's status when known, else SkyDeck's phase. */
export function jobStatus(job) {
  if (!job) return null;
  if (job.status) return job.status;
  if (job.phase === 'REQUESTED') return 'REQUESTED';
  if (job.phase === 'SUBMITTED') return 'SUBMITTED';
  return job.phase;
}

/** Might the job be using a cluster (the server's rule, from /api/meta) and has not ended. */
export function jobIsLive(job) {
  return !!job && isLiveIn(job.phase, job.status) && !job.ended_at;
}

export function jobOutcome(job) {
  const s = jobStatus(job);
  if (s === 'SUCCEEDED') return 'ok';
  if (s === 'CANCELLED') return 'cancelled';
  if (hasEndedStatus(job)) return 'failed';
  if (s === 'RUNNING') return 'running';
  return 'pending';
}

export function parseTime(value) {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

const pad = n => String(n).padStart(2, '0');

/** Local date-time "2026-01-31 14:05:09" (the server sends UTC with an offset; the browser shows local time). */
export function formatTime(value) {
  const t = typeof value === 'number' ? value : parseTime(value);
  if (t === null) return '—';
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Compact: "14:05:09" today, "01-31 14:05" on another day (the full time goes in a title). */
export function formatShortTime(value, now = Date.now()) {
  const t = typeof value === 'number' ? value : parseTime(value);
  if (t === null) return '—';
  const d = new Date(t);
  const today = new Date(now);
  if (d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate()) {
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatClock(value) {
  const t = typeof value === 'number' ? value : parseTime(value);
  if (t === null) return '—';
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "4s", "3m 05s", "2h 07m", "3d 4h". */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function formatAge(value, now = Date.now()) {
  const t = typeof value === 'number' ? value : parseTime(value);
  if (t === null) return '—';
  const s = Math.round((now - t) / 1000);
  if (s < 0) return `in ${formatDuration(-s)}`;
  if (s < 5) return 'just now';
  return `${formatDuration(s)} ago`;
}

/**
 * A job's duration: a finished job is end − start (never "to now"); a running one counts to now.
 * Returns {seconds, live} or null when it never started.
 */
export function jobDuration(job, now = Date.now()) {
  const start = parseTime(job.started_at);
  if (start === null) return null;
  const end = parseTime(job.ended_at);
  if (end !== null) return { seconds: (end - start) / 1000, live: false };
  if (!jobIsLive(job)) return null;
  return { seconds: (now - start) / 1000, live: true };
}

/** Kind of a flag value: 'bool' | 'int' | 'float' | 'string' | 'missing'. */
export function flagKind(flags, key) {
  if (!flags || !(key in flags)) return 'missing';
  const v = flags[key];
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') {
    const src = numberSource(flags, key);
    return src !== null ? (/[.eE]/.test(src) ? 'float' : 'int') : Number.isInteger(v) ? 'int' : 'float';
  }
  if (v === null || v === undefined) return 'missing';
  return 'string';
}

/** The exact text of a flag value as it appears on the command line. */
export function flagText(flags, key) {
  if (!flags || !(key in flags)) return '';
  const v = flags[key];
  if (typeof v === 'number') return numberSource(flags, key) ?? String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v === null || v === undefined ? '' : String(v);
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });

/** Display text: exact value; large integers get thousands separators. */
export function flagDisplay(flags, key) {
  const kind = flagKind(flags, key);
  if (kind === 'missing') return '—';
  if (kind === 'int' && Math.abs(flags[key]) >= 10000 && Number.isSafeInteger(flags[key])) return grouped.format(flags[key]);
  return flagText(flags, key);
}

export function compareValues(a, b) {
  const am = a === null || a === undefined;
  const bm = b === null || b === undefined;
  if (am || bm) return am === bm ? 0 : am ? 1 : -1; // missing sorts last in both directions (handled by caller)
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (typeof a === 'number' && typeof b !== 'number') return -1;
  if (typeof b === 'number' && typeof a !== 'number') return 1;
  return collator.compare(String(a), String(b));
}

export const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function plural(n, one, many = one + 's') {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * An experiment's or job's cost now: the server states it as of `as_of` with the rate it grows at while something
 * runs, so a row needs no refetch to keep counting. Returns {gpuHours, usd} (usd null when there is no price).
 */
export function costNow(cost, now = Date.now()) {
  if (!cost) return null;
  const asOf = parseTime(cost.as_of);
  const hours = cost.gpus_accruing > 0 && asOf !== null ? Math.max(0, (now - asOf) / 3_600_000) : 0;
  return {
    gpuHours: cost.gpu_hours + cost.gpus_accruing * hours,
    usd: cost.usd === null || cost.usd === undefined ? null : cost.usd + cost.usd_per_hour * hours,
  };
}

/** GPU-hours as people read them: 12.3, 0.042, 0. */
export function formatGpuHours(hours) {
  if (!hours) return '0';
  return hours >= 10 ? hours.toFixed(1) : hours >= 0.1 ? hours.toFixed(2) : hours.toPrecision(2);
}

export function formatUsd(usd) {
  if (usd === null || usd === undefined) return '';
  return usd >= 100 ? `$${Math.round(usd).toLocaleString('en-US')}` : `$${usd.toFixed(2)}`;
}

/** The cost cell: "12.3 GPU-h · $50.43" ("—" with nothing used). */
export function costText(cost, now = Date.now()) {
  const c = costNow(cost, now);
  if (!c || (!c.gpuHours && !cost.gpus_accruing)) return '—';
  const usd = formatUsd(c.usd);
  return `${formatGpuHours(c.gpuHours)} GPU-h${usd ? ` · ${usd}` : ''}`;
}

/** What the cost is made of, for a tooltip or the details panel. */
export function costBreakdown(cost, budget) {
  if (!cost) return '';
  const parts = [
    `jobs ${formatGpuHours(cost.job_gpu_hours)} GPU-h`,
    `cluster overhead (provisioning, idle) ${formatGpuHours(cost.overhead_gpu_hours)} GPU-h`,
  ];
  if (cost.spot_gpu_hours > 0) parts.push(`spot ${formatGpuHours(cost.spot_gpu_hours)} GPU-h`);
  if (cost.unpriced_gpu_hours > 0) parts.push(`${formatGpuHours(cost.unpriced_gpu_hours)} GPU-h without a price`);
  if (cost.gpus_accruing > 0) parts.push(`accruing ${cost.gpus_accruing} GPU-h/h${cost.usd_per_hour ? ` (${formatUsd(cost.usd_per_hour)}/h)` : ''}`);
  if (budget) parts.push(`budget ${[budget.gpu_hours != null ? `${budget.gpu_hours} GPU-h` : null, budget.usd != null ? `$${budget.usd}` : null].filter(Boolean).join(' or ')}`);
  return parts.join(' · ');
}

const MARKS = {
  succeeded: '✓', live: '●', preempted: '✗pre', no_capacity: '✗cap', setup_failed: '✗setup', driver_failed: '✗drv',
  cancelled: '✗cxl', lost: '✗lost', unknown: '✗?',
};

/** One attempt of the strip: ✓, ● (live), ✗pre, ✗exit 1, …; user errors show their exit code. */
export function attemptMark(a) {
  if (a.outcome === 'user_error') return a.exit_code === null || a.exit_code === undefined ? '✗exit ?' : `✗exit ${a.exit_code}`;
  return MARKS[a.outcome] || `✗${a.outcome}`;
}

/** The whole strip as text, e.g. "✓ ✗pre ✗pre ✗exit 1". */
export function attemptStrip(attempts) {
  return (attempts || []).map(attemptMark).join(' ');
}

/** What each attempt was, for the strip's tooltip. */
export function attemptTitle(dto) {
  const list = (dto.attempts || []).map(a => `#${a.attempt}: ${a.outcome.replace('_', ' ')}${a.exit_code !== null && a.exit_code !== undefined ? ` (exit ${a.exit_code})` : ''}${a.spent_restart ? ' — spent a restart' : ''}`);
  return [`Attempts of this run; ${dto.restarts_used} of ${dto.max_restarts} restarts on errors used`, ...list].join('\n');
}

/** SkyDeck gave up on the run (FAILED while RUNNING is desired): Start would do nothing, Retry starts a new run. */
export function isGaveUp(dto) {
  return !dto.deleted && dto.desired_state === 'RUNNING' && dto.current_state === 'FAILED';
}

/** The retry policy in words; null is the server's defaults. */
export function retryText(dto) {
  const r = dto.retry;
  const max = r?.max_restarts_on_errors ?? null;
  return `${max === null ? `${dto.max_restarts} restarts on errors (server default)` : `${max} restarts on errors`}`
    + `${r?.recover_on_exit_codes?.length ? `; exit codes ${r.recover_on_exit_codes.join(', ')} always retry` : ''}`
    + `; on preemption: ${r?.on_preemption === 'never' ? 'give up' : 'relaunch'}`;
}
