// What the server validates with and how it names things, from GET /api/meta (the server's own constants): the id
// and flag-key patterns, the spec's limits, which jobs are live, and the order of current states. The page loads it
// once before it starts (app.js); nothing here is a copy of the server's rules.

import { api } from './api.js';
import { setStateOrder } from './table-order.js';

let meta = null;
let livePhases = new Set();
let untilTerminalPhases = new Set();
let terminalStatuses = new Set();

/** Loads the rules, asking again (1 s, 2 s, … up to 10 s apart) until the server answers. */
export async function loadMeta() {
  for (let wait = 1000; ; wait = Math.min(wait * 2, 10000)) {
    try {
      setMeta(await api.meta());
      return;
    } catch (e) {
      console.warn('GET /api/meta failed; asking again', e);
      await new Promise(r => setTimeout(r, wait));
    }
  }
}

/** Takes the server's answer (app.js after GET /api/meta; tests with a literal). */
export function setMeta(value) {
  meta = value;
  livePhases = new Set(value.jobs.live_phases);
  untilTerminalPhases = new Set(value.jobs.live_until_terminal_phases);
  terminalStatuses = new Set(value.jobs.terminal_statuses);
  setStateOrder(value.current_states);
}

function current() {
  if (!meta) throw new Error('the server\'s rules (GET /api/meta) are not loaded yet');
  return meta;
}

/** Experiment ids: {pattern: RegExp, maxLength, reserved, forbiddenSuffixes}. */
export function idRules() {
  const id = current().id;
  return { pattern: new RegExp(id.pattern), maxLength: id.max_length, reserved: id.reserved, forbiddenSuffixes: id.forbidden_suffixes };
}

/** Flag keys: {pattern: RegExp, maxLength}. */
export function flagKeyRules() {
  const k = current().flag_key;
  return { pattern: new RegExp(k.pattern), maxLength: k.max_length };
}

/** Accelerator, cloud and region names. */
export function resourceNamePattern() {
  return new RegExp(current().resource_name_pattern);
}

/** The spec's numeric limits (snake_case, as sent: max_nodes, max_gpus, max_autostop_minutes, …). */
export function limits() {
  return current().limits;
}

/** Might the job be using a cluster: a live phase, or one that is live until SkyPilot reports a terminal status. */
export function isLiveIn(phase, status) {
  current();
  return livePhases.has(phase) || (untilTerminalPhases.has(phase) && !(status && terminalStatuses.has(status)));
}

/** Has the job ended by its own status: SkyPilot's terminal one, or without one, a phase that is not live (never ran, lost). */
export function hasEndedStatus(job) {
  current();
  return job.status ? terminalStatuses.has(job.status) : !livePhases.has(job.phase) && !untilTerminalPhases.has(job.phase);
}

/** Above this many experiments the table pages through the server (SKYDECK_DASHBOARD_PAGED_ABOVE; default 5,000). */
export function pagedAbove() {
  return current().dashboard?.paged_above ?? 5000;
}

/** Every status a job can show, for the jobs panel's filter. */
export function jobStatuses() {
  return current().jobs.statuses;
}
