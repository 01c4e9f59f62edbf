// The details panel's activity: the experiment's audit events, newest first, each with one line on what it changed
// (a spec update as a diff against the spec before it), who did it, why, and the raw change.

import { el } from './dom.js';
import { formatTime, formatAge } from './format.js';

const EVENT_LIMIT = 100;

export function createActivitySection() {
  let events = null;
  let eventsShown = EVENT_LIMIT;
  const activityBody = el('div', { class: 'activity-body', testid: 'details-activity' }, el('p', { class: 'muted' }, 'Loading activity…'));
  const section = el('section', { class: 'panel panel-activity' }, el('h2', null, 'Activity'), activityBody);

  function renderActivity() {
    if (!events) return;
    if (!events.length) {
      activityBody.replaceChildren(el('p', { class: 'muted' }, 'No events.'));
      return;
    }
    const newestFirst = [...events].reverse();
    const shown = newestFirst.slice(0, eventsShown);
    const list = el('ol', { class: 'activity', testid: 'activity-list' });
    shown.forEach((e, i) => {
      const previousSpec = findPreviousSpec(newestFirst, i);
      list.append(el('li', { class: `activity-item ev-${e.type}`, testid: 'activity-item', dataset: { type: e.type } },
        el('time', { dateTime: e.at, title: formatAge(e.at) }, formatTime(e.at)),
        el('span', { class: 'ev-type' }, humanize(e.type)),
        el('span', { class: 'ev-who', title: 'who' }, e.who),
        el('span', { class: 'ev-summary' }, summarize(e, previousSpec)),
        e.reason ? el('span', { class: 'ev-reason' }, e.reason) : null,
        el('details', { class: 'ev-raw' }, el('summary', null, 'raw'), el('pre', null, JSON.stringify(e.change, null, 2)))));
    });
    const more = newestFirst.length > eventsShown
      ? el('button', { type: 'button', class: 'link', testid: 'activity-more', onclick: () => { eventsShown += EVENT_LIMIT; renderActivity(); } },
        `Show ${Math.min(EVENT_LIMIT, newestFirst.length - eventsShown)} older`)
      : null;
    activityBody.replaceChildren(list, more || '');
  }

  return {
    section,
    show(list) {
      events = list;
      renderActivity();
    },
    fail(e) {
      if (!events) activityBody.replaceChildren(el('p', { class: 'error' }, `Could not load activity: ${e.message}`));
    },
  };
}

export function humanize(type) {
  return type.replace(/_/g, ' ');
}

export function findPreviousSpec(newestFirst, index) {
  for (let i = index + 1; i < newestFirst.length; i++) {
    const spec = newestFirst[i].change?.spec;
    if (spec) return spec;
  }
  return null;
}

/** One line on what an event changed. */
export function summarize(e, previousSpec) {
  const c = e.change || {};
  switch (e.type) {
    case 'experiment_created':
      return `desired ${c.desired}`;
    case 'desired_state_changed':
      return `desired → ${c.desired}`;
    case 'spec_updated':
      return specDiff(previousSpec, c.spec) || `generation ${c.generation}`;
    case 'job_launch_requested':
      return `${c.job_id} (attempt ${c.attempt})`;
    case 'job_launched':
      return `${c.job_id} → SkyPilot #${c.sky_job_id ?? '?'}${c.adopted ? ' (adopted)' : ''}`;
    case 'job_status_changed':
      return `${c.job_id}: ${c.status}`;
    case 'job_launch_failed':
    case 'job_lost':
    case 'job_cancel_requested':
      return c.job_id || '';
    case 'cluster_action_requested':
      return `${c.action} ${c.cluster}`;
    case 'cluster_status_changed':
      return `${c.cluster}: ${c.status ?? 'gone'}`;
    case 'sky_action_completed':
    case 'sky_action_failed':
      return `${c.action} ${c.target}`;
    case 'run_restarted':
      return `run ${c.run}`;
    case 'cluster_span_corrected':
      return `cluster overhead span ${c.span + 1}${c.to ? '' : ' (still open)'}: times from SkyPilot's record (sky cost-report)`;
    default:
      return '';
  }
}

export function specDiff(before, after) {
  if (!before || !after) return '';
  const parts = [];
  for (const key of Object.keys(after)) {
    if (key === 'flags') continue;
    const a = JSON.stringify(before[key] ?? null);
    const b = JSON.stringify(after[key] ?? null);
    if (a !== b) parts.push(`${key}: ${short(a)} → ${short(b)}`);
  }
  const bf = before.flags || {};
  const af = after.flags || {};
  for (const key of new Set([...Object.keys(bf), ...Object.keys(af)])) {
    const a = key in bf ? JSON.stringify(bf[key]) : null;
    const b = key in af ? JSON.stringify(af[key]) : null;
    if (a !== b) parts.push(a === null ? `+${key}=${short(b)}` : b === null ? `−${key}` : `${key}: ${short(a)} → ${short(b)}`);
  }
  return parts.join(', ');
}

export function short(text) {
  return text && text.length > 40 ? text.slice(0, 39) + '…' : text;
}

