// The all-jobs panel: every job of every experiment, newest first, from GET /api/jobs, with the same filters as the
// API (status, experiment, cluster). Opened from the toolbar; open/closed and the filters live in the URL hash like
// the rest of the view. Pages come by cursor ("Load more"); the first page refreshes itself while the panel is open.

import { el, setText, byTestId } from './dom.js';
import { api } from './api.js';
import { view, updateView, onViewChange } from './view.js';
import { badgeClass, jobStatus, formatShortTime, formatTime, costText, costBreakdown } from './format.js';
import { errorToast } from './toast.js';
import { jobStatuses } from './meta.js';

const REFRESH_MS = 5000;

let panel;
let status;
let experiment;
let cluster;
let body;
let more;
let count;
let next = null;
let pages = 0;
let timer = 0;
let loading = null;

export function initJobsPanel() {
  panel = byTestId('jobs-panel');
  status = el('select', { testid: 'jobs-filter-status', 'aria-label': 'Status' }, ['', ...jobStatuses()].map(s => el('option', { value: s }, s || 'any status')));
  experiment = el('input', { type: 'search', testid: 'jobs-filter-experiment', placeholder: 'experiment id', 'aria-label': 'Experiment', spellcheck: false });
  cluster = el('input', { type: 'search', testid: 'jobs-filter-cluster', placeholder: 'cluster', 'aria-label': 'Cluster', spellcheck: false });
  body = el('tbody', { testid: 'jobs-panel-body' });
  more = el('button', { type: 'button', class: 'small', testid: 'jobs-more', hidden: true, onclick: () => load(true) }, 'Load more');
  count = el('span', { class: 'muted', testid: 'jobs-count' });
  const head = ['Job', 'Experiment', 'Status', 'Requested', 'Started', 'Ended', 'GPU-h · $', 'Launched by'];
  panel.append(
    el('div', { class: 'jobs-panel-bar' },
      el('strong', null, 'All jobs'), status, experiment, cluster, count,
      el('span', { class: 'spacer' }),
      el('button', { type: 'button', class: 'small', testid: 'jobs-close', onclick: () => updateView({ jobs: false }) }, 'Close')),
    el('div', { class: 'scroll' }, el('table', { class: 'jobs-table', testid: 'jobs-panel-table' },
      el('thead', null, el('tr', null, head.map(h => el('th', { scope: 'col' }, h)))), body)),
    more);

  const filterChanged = () => updateView({ jobFilter: { status: status.value, experiment: experiment.value.trim(), cluster: cluster.value.trim() } });
  status.addEventListener('change', filterChanged);
  let typing = 0;
  for (const input of [experiment, cluster]) {
    input.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(filterChanged, 250);
    });
  }
  byTestId('open-jobs').addEventListener('click', () => updateView({ jobs: !view.jobs }));
  onViewChange(patch => {
    if ('jobs' in patch || 'jobFilter' in patch) sync();
  });
  sync();
}

function sync() {
  panel.hidden = !view.jobs;
  byTestId('open-jobs').setAttribute('aria-pressed', String(view.jobs));
  clearInterval(timer);
  if (!view.jobs) return;
  const f = view.jobFilter;
  if (status.value !== f.status) status.value = jobStatuses().includes(f.status) ? f.status : '';
  if (document.activeElement !== experiment) experiment.value = f.experiment;
  if (document.activeElement !== cluster) cluster.value = f.cluster;
  load(false);
  // Keep the first page current while nobody paged further.
  timer = setInterval(() => {
    if (pages <= 1 && !document.hidden) load(false);
  }, REFRESH_MS);
}

async function load(append) {
  loading?.abort();
  const controller = new AbortController();
  loading = controller;
  try {
    const page = await api.allJobs(view.jobFilter, append ? next : null, 50, controller.signal);
    if (controller.signal.aborted) return;
    if (!append) {
      body.replaceChildren();
      pages = 0;
    }
    pages++;
    for (const job of page.jobs) body.append(row(job));
    next = page.next;
    more.hidden = !next;
    setText(count, `${body.children.length}${next ? '+' : ''} job${body.children.length === 1 ? '' : 's'}`);
  } catch (error) {
    if (error?.name === 'AbortError' || controller.signal.aborted) return;
    errorToast('Could not list jobs', error);
  } finally {
    if (loading === controller) loading = null;
  }
}

function row(job) {
  const s = jobStatus(job);
  return el('tr', { testid: 'jobs-panel-row', dataset: { jobId: job.job_id, status: s || '' } },
    el('td', { class: 'mono', title: `generation ${job.generation}, run ${job.run}, attempt ${job.attempt}${job.reason ? ` · ${job.reason}` : ''}` }, job.job_id),
    el('td', { class: 'mono', testid: 'jobs-panel-experiment' }, job.experiment_id ?? ''),
    el('td', null, el('span', { class: badgeClass(s, 'job'), testid: 'jobs-panel-status' }, s || '—')),
    el('td', { title: formatTime(job.requested_at) }, formatShortTime(job.requested_at)),
    el('td', { title: formatTime(job.started_at) }, formatShortTime(job.started_at)),
    el('td', { title: formatTime(job.ended_at) }, formatShortTime(job.ended_at)),
    el('td', { class: 'num', testid: 'jobs-panel-cost', title: costBreakdown(job.cost) }, costText(job.cost) + (job.use_spot ? ' (spot)' : '')),
    el('td', null, job.launched_by ?? ''));
}
