// Header health: SkyPilot poll status and staleness, backend reachability, counts, and the live-stream status
// (with a banner whenever the data on screen may be stale).

import { el, setText, setClass } from './dom.js';
import { api } from './api.js';
import { onStreamStatus, reconnectNow, suspectStream } from './stream.js';
import { formatDuration, formatClock, plural } from './format.js';

const HEALTH_INTERVAL_MS = 5000;

let lastHealth = null;
let lastHealthAt = null;
let healthError = null;
let stream = null;

export function initHealth() {
  const backend = document.querySelector('[data-testid="pill-backend"]');
  const sky = document.querySelector('[data-testid="pill-skypilot"]');
  const counts = document.querySelector('[data-testid="health-counts"]');
  const streamPill = document.querySelector('[data-testid="stream-status"]');
  const banner = document.querySelector('[data-testid="stale-banner"]');

  async function poll() {
    try {
      lastHealth = await api.health();
      lastHealthAt = Date.now();
      healthError = null;
    } catch (e) {
      healthError = e.message;
      // SkyDeck did not answer: the stream pill must not go on saying 'live' beside 'backend: unreachable'.
      suspectStream(`the backend is unreachable (${e.message})`);
    }
    render();
  }

  function render() {
    const now = Date.now();
    // backend: can we reach SkyDeck at all, and how fresh is what we know
    const age = lastHealthAt === null ? null : (now - lastHealthAt) / 1000;
    // backend = SkyDeck itself (reachable, its own status); SkyPilot's health has its own pill
    const own = lastHealth?.backend ?? lastHealth?.status;
    const backendLevel = healthError ? (age === null || age > 3 * HEALTH_INTERVAL_MS / 1000 ? 'bad' : 'warn')
      : lastHealth ? (own === 'ok' ? 'ok' : 'warn') : 'unknown';
    setClass(backend, `pill pill-${backendLevel}`);
    setText(backend, healthError ? `backend: unreachable${age !== null ? ` (${formatDuration(age)})` : ''}` : lastHealth ? `backend: ${own}` : 'backend: …');
    backend.title = healthError || (lastHealth ? `SkyDeck ${lastHealth.version}, up ${formatDuration(lastHealth.uptime_seconds)}; overall ${lastHealth.status}` : '');
    backend.dataset.level = backendLevel;

    const s = lastHealth?.skypilot;
    if (s) {
      const interval = s.poll_interval_seconds || 30;
      const staleness = s.staleness_seconds === null || s.staleness_seconds === undefined ? null : s.staleness_seconds + (healthError ? age : 0);
      let level = s.status === 'ok' ? 'ok' : s.status === 'failing' ? 'bad' : s.status === 'disabled' ? 'unknown' : 'warn';
      if (staleness !== null && level !== 'unknown') {
        if (staleness >= 3 * interval) level = 'bad';
        else if (staleness >= 1.2 * interval && level === 'ok') level = 'warn';
      }
      setClass(sky, `pill pill-${level}`);
      sky.dataset.level = level;
      sky.dataset.status = s.status;
      setText(sky, `SkyPilot: ${s.status}${staleness !== null ? ` · ${staleness.toFixed(1)}s` : ''}`);
      sky.title = [
        `Last successful poll: ${s.last_success_at ? formatClock(s.last_success_at) : 'never'}`,
        `Poll interval: ${interval}s`,
        s.consecutive_failures ? `Consecutive failures: ${s.consecutive_failures}` : '',
        s.last_error ? `Last error: ${s.last_error}` : '',
      ].filter(Boolean).join('\n');
      const c = lastHealth.counts;
      setText(counts, `${plural(c.experiments, 'experiment')} · ${c.running} running · ${c.failed} failed · ${plural(c.live_jobs, 'live job')}`);
    } else {
      setClass(sky, 'pill pill-unknown');
      setText(sky, 'SkyPilot: …');
    }

    if (stream) renderStream(now);
  }

  function renderStream(now) {
    const age = stream.lastDataAt === null ? null : (now - stream.lastDataAt) / 1000;
    const level = stream.mode === 'live' ? 'ok' : stream.mode === 'connecting' ? 'unknown' : stream.mode === 'polling' ? 'warn' : 'bad';
    setClass(streamPill, `pill pill-${level}`);
    streamPill.dataset.state = stream.mode;
    setText(streamPill, stream.mode === 'live' ? 'live' : stream.mode === 'connecting' ? 'connecting…'
      : stream.mode === 'polling' ? `polling · ${age === null ? '—' : formatDuration(age)}` : `offline · ${age === null ? '—' : formatDuration(age)}`);
    streamPill.title = stream.mode === 'live' ? 'Following live updates' : stream.lastError || '';

    const stale = stream.mode === 'polling' || stream.mode === 'offline';
    banner.hidden = !stale;
    banner.dataset.state = stream.mode;
    if (stale) {
      const when = stream.lastDataAt === null ? 'never' : `${formatClock(stream.lastDataAt)} (${formatDuration(age)} ago)`;
      const text = stream.mode === 'polling'
        ? `Live updates interrupted: refreshing every ${stream.pollIntervalMs / 1000} s instead. Data as of ${when}.`
        : `SkyDeck is unreachable: the data shown may be stale. Last updated ${when}.`;
      const message = banner.querySelector('[data-testid="stale-text"]');
      setText(message, text);
    }
  }

  banner.append(
    el('span', { testid: 'stale-text' }),
    el('button', { type: 'button', class: 'small', testid: 'reconnect', onclick: () => reconnectNow() }, 'Reconnect now'));

  onStreamStatus(s => {
    stream = s;
    renderStream(Date.now());
  });
  poll();
  setInterval(poll, HEALTH_INTERVAL_MS);
  setInterval(render, 1000);
}
