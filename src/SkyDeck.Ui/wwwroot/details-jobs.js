// The details panel's jobs: the latest jobs as a table (status, exit or cause, times, duration, cost, Cancel, Log),
// a small SVG timeline of them, and a job's log below (the latest failed attempt's last lines without a click).

import { el, svg, setText, clear } from './dom.js';
import { api } from './api.js';
import {
  badgeClass, jobStatus, jobIsLive, jobOutcome, jobDuration, formatTime, formatShortTime, formatDuration, formatAge, parseTime, costText,
} from './format.js';
import { createLogView } from './logview.js';
import { toast, errorToast } from './toast.js';

/**
 * @param {object} p
 * @param {() => object} p.current the experiment as it is now
 * @param {() => void} p.refetch   read the jobs again soon (after a cancel)
 */
export function createJobsSection({ current, refetch }) {
  let jobs = null;
  let jobsKey = '';
  let logView = null;
  let autoLogJob = null;
  const jobsTitle = el('h2', null, 'Jobs');
  const timeline = el('div', { class: 'timeline', testid: 'job-timeline' });
  const jobsBody = el('div', { class: 'jobs-body', testid: 'details-jobs' }, el('p', { class: 'muted' }, 'Loading jobs…'));
  const logBody = el('div', { class: 'log-body', testid: 'details-log' });
  const section = el('section', { class: 'panel panel-jobs' }, jobsTitle, timeline, jobsBody, logBody);

  /** Shows one job's log under the jobs table (replacing the one shown). */
  function showLog(job, options = {}) {
    logView?.close();
    logView = createLogView(current().id, job, options);
    logBody.replaceChildren(logView.node);
  }

  function renderJobs() {
    if (!jobs) return;
    const dto = current();
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
      refetch();
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

  return {
    section,
    show(list) {
      jobs = list;
      renderJobs();
    },
    fail(e) {
      if (!jobs) jobsBody.replaceChildren(el('p', { class: 'error' }, `Could not load jobs: ${e.message}`));
    },
    /** Once a second: running durations and the timeline's "now" edge. */
    tick(now) {
      for (const cell of jobsBody.querySelectorAll('td[data-live-start]')) {
        setText(cell, formatDuration((now - parseTime(cell.dataset.liveStart)) / 1000));
      }
      if (jobs?.some(j => jobIsLive(j))) renderTimeline(now);
    },
    close() {
      logView?.close();
    },
  };
}
