// The expanded panel under a row: configuration (and its editor), the command that will run, job history with a
// small SVG timeline, and the audit timeline. It refreshes live: every newer version of the experiment re-renders
// the configuration at once and re-reads jobs and events (debounced); running durations tick every second.

import { el, svg, setText, clear } from './dom.js';
import { api } from './api.js';
import { store } from './store.js';
import {
  badge, badgeClass, jobStatus, jobIsLive, jobOutcome, jobDuration, formatTime, formatShortTime, formatDuration, formatAge,
  parseTime, flagKind, flagText, costText, costBreakdown, costNow, attemptStrip, attemptTitle, isGaveUp, retryText,
} from './format.js';
import { createLogView } from './logview.js';
import * as actions from './actions.js';
import { view, updateView } from './view.js';
import { copyText } from './clipboard.js';
import { createSpecForm } from './specform.js';
import { openExperimentDialog } from './form.js';
import { toast, errorToast } from './toast.js';

const JOB_LIMIT = 50;
const EVENT_LIMIT = 100;

export function createDetails(initialDto) {
  let dto = initialDto;
  let jobs = null;
  let jobsKey = '';
  let events = null;
  let eventsShown = EVENT_LIMIT;
  let editing = null; // {spec, baseVersion, conflict}
  let fetchTimer = 0;
  let destroyed = false;

  const td = el('div', { class: 'details-cell', role: 'gridcell' });
  const tr = el('div', { class: 'detail-row', role: 'row', testid: 'details', dataset: { id: dto.id } }, td);

  // ----- skeleton -----
  const actionBar = el('div', { class: 'details-actions', testid: 'details-actions' });
  const configBody = el('div', { class: 'config-body', testid: 'details-config' });
  const configSection = el('section', { class: 'panel panel-config' }, el('h2', null, 'Configuration'), configBody);
  const jobsTitle = el('h2', null, 'Jobs');
  const timeline = el('div', { class: 'timeline', testid: 'job-timeline' });
  const jobsBody = el('div', { class: 'jobs-body', testid: 'details-jobs' }, el('p', { class: 'muted' }, 'Loading jobs…'));
  const logBody = el('div', { class: 'log-body', testid: 'details-log' });
  const jobsSection = el('section', { class: 'panel panel-jobs' }, jobsTitle, timeline, jobsBody, logBody);
  let logView = null;
  let autoLogJob = null;

  /** Shows one job's log under the jobs table (replacing the one shown). */
  function showLog(job, options = {}) {
    logView?.close();
    logView = createLogView(dto.id, job, options);
    logBody.replaceChildren(logView.node);
  }
  const commandBody = el('div', { class: 'command-body' });
  const commandSection = el('section', { class: 'panel panel-command' }, el('h2', null, 'Command that will run'), commandBody);
  const activityBody = el('div', { class: 'activity-body', testid: 'details-activity' }, el('p', { class: 'muted' }, 'Loading activity…'));
  const activitySection = el('section', { class: 'panel panel-activity' }, el('h2', null, 'Activity'), activityBody);
  td.append(el('div', { class: 'details' },
    actionBar,
    el('div', { class: 'details-grid' }, configSection, jobsSection),
    commandSection,
    activitySection));

  // ----- actions -----
  let actionsKey = '';

  function renderActions() {
    // rebuilt only when what they offer changes, so a focused button keeps its focus across live updates
    const isBaseline = view.base === dto.id;
    const key = `${dto.deleted}|${dto.desired_state}|${!!editing}|${dto.needs_restart}|${isBaseline}|${isGaveUp(dto)}`;
    if (key === actionsKey) return;
    actionsKey = key;
    const running = dto.desired_state === 'RUNNING';
    const buttons = [];
    if (dto.deleted) {
      buttons.push(button('Restore', 'detail-restore', () => actions.restore([dto.id]), 'primary'));
    } else {
      buttons.push(
        isGaveUp(dto) ? button('Retry', 'detail-retry', () => actions.retry(dto.id), 'primary') : null,
        button('Start', 'detail-start', () => actions.start(dto.id), isGaveUp(dto) ? '' : 'primary', running),
        button('Stop', 'detail-stop', () => actions.stop(dto.id), '', !running),
        dto.needs_restart && running
          ? button('Restart to apply', 'detail-restart', () => actions.restart(dto.id), 'primary')
          : null,
        button(editing ? 'Editing…' : 'Edit', 'detail-edit', () => startEditing(), '', !!editing),
        button('Duplicate', 'detail-duplicate', () => openExperimentDialog(dto)),
        button('Copy command', 'detail-copy-command', () => copyText(dto.command, 'Command')),
        button(isBaseline ? 'Baseline ✓' : 'Compare to this', 'detail-baseline', () => updateView({ base: isBaseline ? '' : dto.id }), isBaseline ? 'pressed' : ''),
        button('Poll SkyPilot now', 'detail-refresh', async () => {
          try {
            await api.refresh();
            toast('Asked SkyPilot for fresh status', { type: 'info' });
          } catch (e) {
            errorToast('Could not poll', e);
          }
        }),
        el('span', { class: 'spacer' }),
        button('Delete', 'detail-delete', () => actions.remove(dto.id), 'danger'));
    }
    actionBar.replaceChildren(...buttons.filter(Boolean));
  }

  function button(label, testid, onclick, cls = '', disabled = false) {
    return el('button', { type: 'button', class: cls, testid, onclick, disabled }, label);
  }

  // ----- configuration -----
  function renderConfig() {
    if (editing) return;
    const resources = `${dto.nodes} node${dto.nodes === 1 ? '' : 's'} × ${dto.gpus} GPU${dto.gpus === 1 ? '' : 's'}`
      + (dto.accelerator ? ` (${dto.accelerator})` : '');
    const items = [
      ['ID', dto.id],
      ['Name', dto.name],
      ['Run name', dto.run_name],
      ['Base command', dto.base_command],
      ['Resources', resources + (dto.use_spot ? ', spot' : '')],
      ['Cloud / region', [dto.cloud, dto.region].filter(Boolean).join(' / ') || 'any'],
      ['Autostop', (dto.autostop_minutes == null ? 'server default' : dto.autostop_minutes === 0 ? 'off' : `${dto.autostop_minutes} min idle`)
        + (dto.autostop_down && dto.autostop_minutes !== 0 ? ', then tear down' : '')],
      ['Retry policy', retryText(dto)],
      ['Attempts', null],
      ['Tags', (dto.tags || []).join(', ') || '—'],
      ['Group', dto.group || '—'],
      ['Description', dto.description || '—'],
      ['State', null],
      ['Message', dto.message || '—'],
      ['Cost', costText(dto.cost) + (dto.cost ? ` — ${costBreakdown(dto.cost)}` : '')],
      ['Budget', budgetText(dto)],
      ['Cluster', `${dto.cluster?.name ?? '—'} (${dto.cluster?.status ?? 'UNKNOWN'})`],
      ['Generation / run', `${dto.generation} / ${dto.run}`],
      ['Created', formatTime(dto.created_at)],
      ['Updated', `${formatTime(dto.updated_at)} · version ${dto.version}`],
    ];
    const dl = el('dl', { class: 'config-list' });
    for (const [label, value] of items) {
      dl.append(el('dt', null, label));
      if (label === 'Attempts') {
        const strip = attemptStrip(dto.attempts);
        dl.append(el('dd', { testid: 'details-attempts', title: attemptTitle(dto) },
          strip ? el('span', { class: 'attempt-strip', testid: 'details-attempt-strip' }, strip) : '—',
          ` · ${dto.restarts_used} of ${dto.max_restarts} restarts on errors used`,
          dto.current_job?.cause ? el('span', { class: 'attempt-cause', testid: 'details-last-cause' }, ` · last: ${dto.current_job.cause}`) : ''));
      } else if (label === 'State') {
        dl.append(el('dd', { testid: 'details-state' },
          badge(dto.desired_state, 'desired', 'details-desired'), ' ', badge(dto.current_state, 'current', 'details-current'),
          dto.current_state === 'RETRYING' && dto.retry_at ? ` retry at ${formatTime(dto.retry_at)}` : '',
          dto.needs_restart ? el('span', { class: 'chip chip-restart', testid: 'details-needs-restart' }, 'restart to apply') : ''));
      } else {
        dl.append(el('dd', { testid: `config-${label.toLowerCase().replace(/[^a-z]+/g, '-')}` }, value));
      }
    }
    const keys = Object.keys(dto.flags || {}).sort();
    const flagsTable = keys.length
      ? el('table', { class: 'flags-table', testid: 'details-flags' },
        el('tbody', null, keys.map(k => {
          const kind = flagKind(dto.flags, k);
          return el('tr', { dataset: { key: k } },
            el('th', { scope: 'row' }, k),
            el('td', { class: `v-${kind}${kind === 'bool' ? (dto.flags[k] ? ' v-true' : ' v-false') : ''}` }, flagText(dto.flags, k)));
        })))
      : el('p', { class: 'muted', testid: 'details-flags' }, 'No flags');
    configBody.replaceChildren(dl, el('h3', null, `Flags (${keys.length})`), flagsTable);
  }

  // ----- editing -----
  function startEditing() {
    if (editing || dto.deleted) return;
    const spec = createSpecForm({ mode: 'edit', initial: dto });
    const notice = el('div', { class: 'edit-conflict', testid: 'edit-conflict', hidden: true });
    const save = el('button', { type: 'submit', class: 'primary', testid: 'edit-save' }, 'Save');
    const cancel = el('button', { type: 'button', testid: 'edit-cancel', onclick: () => stopEditing() }, 'Cancel');
    const running = dto.current_job && jobIsLive(dto.current_job);
    const form = el('form', { class: 'edit-form', testid: 'edit-form', novalidate: true },
      running ? el('p', { class: 'note' }, 'A job is running: saved changes apply when the experiment is restarted (Stop, then Start).') : null,
      notice,
      spec.element,
      el('div', { class: 'dialog-actions' }, cancel, save));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const collected = spec.collect();
      if (!collected) return;
      save.disabled = true;
      try {
        const updated = await api.patchRaw(dto.id, collected.fields, collected.flagsText);
        store.applyOne(updated);
        stopEditing();
        toast(updated.needs_restart ? `Saved ${dto.id}: restart to apply` : `Saved ${dto.id}`, { type: 'success' });
      } catch (error) {
        spec.showError(error);
      } finally {
        save.disabled = false;
      }
    });
    form.addEventListener('keydown', e => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault();
        stopEditing();
      }
    });
    editing = { spec, notice, baseVersion: dto.version };
    configBody.replaceChildren(form);
    renderActions();
    spec.flags.focus();
  }

  function stopEditing() {
    editing = null;
    renderConfig();
    renderActions();
  }

  function noteConflict() {
    if (!editing || dto.version === editing.baseVersion) return;
    const { notice } = editing;
    notice.hidden = false;
    notice.replaceChildren(
      'This experiment changed on the server since you started editing. ',
      el('button', {
        type: 'button', class: 'link', testid: 'edit-reload',
        onclick: () => {
          editing = null;
          startEditing();
        },
      }, 'Discard my edits and reload'),
      ' or save to overwrite.');
  }

  // ----- command -----
  function renderCommand() {
    const blocks = [
      el('div', { class: 'command-row' },
        el('pre', { class: 'command', testid: 'details-command' }, dto.command),
        el('button', { type: 'button', class: 'small', testid: 'copy-command', title: 'Copy the command', onclick: () => copyText(dto.command, 'Command') }, 'Copy')),
    ];
    const job = dto.current_job;
    if (job && jobIsLive(job) && job.command && job.command !== dto.command) {
      blocks.push(el('p', { class: 'note' }, 'The running job was started with the previous configuration:'),
        el('pre', { class: 'command old', testid: 'details-running-command' }, job.command));
    }
    commandBody.replaceChildren(...blocks);
  }

  // ----- jobs -----
  function renderJobs() {
    if (!jobs) return;
    const key = JSON.stringify(jobs);
    if (key === jobsKey) return;
    jobsKey = key;
    setText(jobsTitle, dto.job_count > jobs.length ? `Jobs (latest ${jobs.length} of ${dto.job_count})` : `Jobs (${jobs.length})`);
    if (!jobs.length) {
      jobsBody.replaceChildren(el('p', { class: 'muted', testid: 'no-jobs' }, 'No jobs yet. Start the experiment to launch one.'));
      clear(timeline);
      return;
    }
    const head = ['Job', 'SkyPilot #', 'Status', 'Exit / reason', 'Created', 'Started', 'Ended', 'Duration', 'GPU-h · $', ''];
    const body = el('tbody');
    for (const job of jobs) {
      const status = jobStatus(job);
      const d = jobDuration(job);
      const durationCell = el('td', { class: 'num', testid: 'job-duration' }, d ? formatDuration(d.seconds) : '—');
      if (d?.live) {
        durationCell.dataset.liveStart = job.started_at;
        durationCell.classList.add('live');
      }
      // SkyPilot's exit code only means something once the job is over (101 is "not finished yet")
      const exitCode = !jobIsLive(job) && job.sky_exit_code !== null && job.sky_exit_code !== undefined ? `exit ${job.sky_exit_code}` : '';
      const exit = [job.cause || '', exitCode, job.reason || '']
        .filter(Boolean).join(' · ') || '—';
      const cancel = cancelCell(job, status);
      body.append(el('tr', { testid: 'job-row', dataset: { jobId: job.job_id, status: status || '' } },
        el('td', { class: 'mono', title: `${job.job_id} · generation ${job.generation}, run ${job.run}, attempt ${job.attempt}` }, job.job_id),
        el('td', { class: 'num', testid: 'job-sky-id' }, job.sky_job_id ?? '—'),
        el('td', null, el('span', { class: badgeClass(status, 'job'), testid: 'job-status', title: `phase ${job.phase}` }, status || '—')),
        el('td', { class: 'reason', testid: 'job-exit', title: exit }, exit),
        el('td', { title: `${formatTime(job.requested_at)} (${formatAge(job.requested_at)})` }, formatShortTime(job.requested_at)),
        el('td', { title: formatTime(job.started_at) }, formatShortTime(job.started_at)),
        el('td', { title: formatTime(job.ended_at) }, formatShortTime(job.ended_at)),
        durationCell,
        el('td', { class: 'num', testid: 'job-cost', title: job.use_spot ? 'spot' : null }, costText(job.cost) + (job.use_spot ? ' (spot)' : '')),
        el('td', null, cancel, ' ', el('button', {
          type: 'button', class: 'small', testid: 'job-log', title: `Show the last lines of ${job.job_id}`,
          onclick: () => showLog(job),
        }, 'Log'))));
    }
    // the latest attempt failed: its last lines next to its cause, without a click
    const latest = jobs[0];
    if (latest?.failure_class && autoLogJob !== latest.job_id) {
      autoLogJob = latest.job_id;
      showLog(latest, { tail: 20, heading: el('strong', { class: 'attempt-cause', testid: 'log-cause' }, `Attempt ${latest.attempt}: ${latest.cause} — last lines`) });
    }
    jobsBody.replaceChildren(el('div', { class: 'scroll' }, el('table', { class: 'jobs-table', testid: 'jobs-table' },
      el('thead', null, el('tr', null, head.map(h => el('th', { scope: 'col' }, h || el('span', { class: 'sr-only' }, 'Actions'))))), body)));
    renderTimeline();
  }

  // "cancelling…" only while the job is still live; once it has ended the label follows its real state
  function cancelCell(job, status) {
    const who = job.cancelled_by || '?';
    if (jobIsLive(job)) {
      return job.cancel_requested_at
        ? el('span', { class: 'muted', testid: 'job-cancel-state', title: `by ${who}` }, 'cancelling…')
        : el('button', { type: 'button', class: 'small danger', testid: 'job-cancel', onclick: () => cancelJob(job) }, 'Cancel');
    }
    if (!job.cancel_requested_at) return '';
    return status === 'CANCELLED'
      ? el('span', { class: 'muted', testid: 'job-cancel-state' }, `cancelled by ${who}`)
      : el('span', { class: 'muted', testid: 'job-cancel-state', title: `cancel requested by ${who}` }, `ended ${(status || '').toLowerCase()} before the cancel`);
  }

  async function cancelJob(job) {
    try {
      const result = await api.cancelJob(job.job_id);
      toast(`Job ${job.job_id}: ${result?.status || 'cancelling'}`, { type: 'info' });
      scheduleFetch(0);
    } catch (e) {
      errorToast(`Could not cancel ${job.job_id}`, e);
    }
  }

  function renderTimeline(now = Date.now()) {
    const spans = jobs
      .map(job => {
        const requested = parseTime(job.requested_at);
        const started = parseTime(job.started_at);
        const ended = parseTime(job.ended_at);
        const live = jobIsLive(job);
        const from = requested ?? started;
        const to = ended ?? (live ? now : started ?? requested);
        return { job, requested: from, started, end: to, live };
      })
      .filter(s => s.requested !== null)
      .reverse(); // oldest on top
    if (!spans.length) {
      clear(timeline);
      return;
    }
    const t0 = Math.min(...spans.map(s => s.requested));
    const t1 = Math.max(...spans.map(s => s.end), t0 + 1000);
    const W = 1000;
    const rowH = 12;
    const gap = 4;
    const H = spans.length * (rowH + gap);
    const x = t => ((t - t0) / (t1 - t0)) * W;
    const chart = svg('svg', { class: 'timeline-svg', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'Job timeline', height: H });
    spans.forEach((s, i) => {
      const y = i * (rowH + gap);
      const outcome = jobOutcome(s.job);
      const status = jobStatus(s.job);
      const d = jobDuration(s.job, now);
      const label = `${s.job.job_id}: ${status}${d ? `, ${formatDuration(d.seconds)}` : ''} (${formatTime(s.requested)} → ${s.live ? 'now' : formatTime(s.end)})`;
      const g = svg('g', { 'data-testid': 'timeline-bar', 'data-outcome': outcome, 'data-job-id': s.job.job_id }, svg('title', null, label));
      const runStart = s.started ?? s.end;
      if (runStart > s.requested) g.append(svg('rect', { class: 'tl-wait', x: x(s.requested), y: y + rowH / 4, width: Math.max(1, x(runStart) - x(s.requested)), height: rowH / 2 }));
      if (s.started !== null) g.append(svg('rect', { class: `tl-run tl-${outcome}`, x: x(s.started), y, width: Math.max(3, x(s.end) - x(s.started)), height: rowH, rx: 2 }));
      else g.append(svg('rect', { class: `tl-run tl-${outcome}`, x: x(s.end) - 3, y, width: 3, height: rowH }));
      chart.append(g);
    });
    timeline.replaceChildren(chart, el('div', { class: 'timeline-axis' },
      el('span', null, formatTime(t0)),
      el('span', { class: 'legend' },
        el('i', { class: 'lg tl-ok' }), 'succeeded ', el('i', { class: 'lg tl-failed' }), 'failed ',
        el('i', { class: 'lg tl-cancelled' }), 'cancelled ', el('i', { class: 'lg tl-running' }), 'running ',
        el('i', { class: 'lg tl-pending' }), 'pending'),
      el('span', null, spans.some(s => s.live) ? 'now' : formatTime(t1))));
  }

  // ----- activity (audit log) -----
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

  // ----- data -----
  function scheduleFetch(delay = 250) {
    clearTimeout(fetchTimer);
    fetchTimer = setTimeout(fetchAll, delay);
  }

  // Jobs and events load independently (the event log can be slower); a refresh asked for while one is in flight
  // runs once more when it finishes, so the newest state always wins and nothing is aborted half-way.
  const loaders = {
    jobs: { busy: false, again: false, load: () => api.jobs(dto.id, JOB_LIMIT), apply: data => { jobs = data.jobs || []; renderJobs(); }, fail: e => { if (!jobs) jobsBody.replaceChildren(el('p', { class: 'error' }, `Could not load jobs: ${e.message}`)); } },
    events: { busy: false, again: false, load: () => api.events(dto.id), apply: data => { events = data.events || []; renderActivity(); }, fail: e => { if (!events) activityBody.replaceChildren(el('p', { class: 'error' }, `Could not load activity: ${e.message}`)); } },
  };

  async function load(loader) {
    if (loader.busy) {
      loader.again = true;
      return;
    }
    loader.busy = true;
    try {
      do {
        loader.again = false;
        try {
          const data = await loader.load();
          if (destroyed) return;
          loader.apply(data);
        } catch (e) {
          if (destroyed) return;
          loader.fail(e);
        }
      } while (loader.again && !destroyed);
    } finally {
      loader.busy = false;
    }
  }

  function fetchAll() {
    if (destroyed) return;
    load(loaders.jobs);
    load(loaders.events);
  }

  // Durations of running jobs and the timeline's "now" edge move every second; a slow safety refresh catches
  // anything the stream did not say (e.g. when it is down and polling only sees summaries).
  let ticks = 0;
  const ticker = setInterval(() => {
    if (!tr.isConnected) return;
    const now = Date.now();
    for (const cell of jobsBody.querySelectorAll('td[data-live-start]')) {
      setText(cell, formatDuration((now - parseTime(cell.dataset.liveStart)) / 1000));
    }
    if (jobs?.some(j => jobIsLive(j))) renderTimeline(now);
    if (++ticks % 15 === 0 && dto.current_job && jobIsLive(dto.current_job)) scheduleFetch(0);
  }, 1000);

  function renderAll() {
    renderActions();
    renderConfig();
    renderCommand();
  }

  renderAll();
  fetchAll();

  return {
    tr,
    update(next) {
      const versionChanged = next.version !== dto.version;
      dto = next;
      renderAll();
      noteConflict();
      if (versionChanged) scheduleFetch();
    },
    destroy() {
      destroyed = true;
      logView?.close();
      clearInterval(ticker);
      clearTimeout(fetchTimer);
    },
  };
}

function budgetText(dto) {
  const b = dto.budget;
  if (!b) return 'none';
  const limits = [b.gpu_hours != null ? `${b.gpu_hours} GPU-h` : null, b.usd != null ? `$${b.usd}` : null].filter(Boolean).join(' or ');
  if (!dto.budget_reached) return limits;
  const used = costNow(dto.cost);
  const still = used && (b.gpu_hours != null && used.gpuHours >= b.gpu_hours || b.usd != null && used.usd != null && used.usd >= b.usd);
  return still
    ? `${limits} — ${dto.message || 'budget reached'}; raise it to start again`
    : `${limits} — stopped by the earlier budget (${dto.message || 'budget reached'}); Start runs it again`;
}

function humanize(type) {
  return type.replace(/_/g, ' ');
}

function findPreviousSpec(newestFirst, index) {
  for (let i = index + 1; i < newestFirst.length; i++) {
    const spec = newestFirst[i].change?.spec;
    if (spec) return spec;
  }
  return null;
}

/** One line on what an event changed. */
function summarize(e, previousSpec) {
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
    default:
      return '';
  }
}

function specDiff(before, after) {
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

function short(text) {
  return text && text.length > 40 ? text.slice(0, 39) + '…' : text;
}

