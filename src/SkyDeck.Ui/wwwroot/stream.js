// Live updates: follow /api/stream (server-sent events); when it drops, poll every 5 s until it comes back.
// The status ('connecting' | 'live' | 'polling' | 'offline') and the age of the data are reported every second.
// A paged table (paging.js) hands in a sink: the stream then asks for changes only (?snapshot=false), gives each to the
// sink, and a poll reloads the sink's pages instead of the whole list.

import { api, parseJson } from './api.js';
import { store } from './store.js';

export const POLL_INTERVAL_MS = 5000;
const SILENCE_LIMIT_MS = 45000; // the server pings every 15 s; three missed pings means the stream is dead
const FIRST_SNAPSHOT_WAIT_MS = 4000;

const state = {
  mode: 'connecting',
  lastDataAt: null,
  lastMessageAt: 0,
  lastEventId: '',
  lastError: null,
  source: null,
  pollTimer: 0,
  reconnectTimer: 0,
  reconnectDelay: 1000,
  polling: false,
};

const listeners = new Set();

/** The paged table's {change(dto), start(), poll()}; null: the whole list (snapshot, then changes, into the store). */
let sink = null;

export function onStreamStatus(listener) {
  listeners.add(listener);
  listener(status());
}

export function status() {
  return { mode: state.mode, lastDataAt: state.lastDataAt, lastError: state.lastError, pollIntervalMs: POLL_INTERVAL_MS };
}

function setMode(mode) {
  if (state.mode === mode) return;
  state.mode = mode;
  notify();
}

function notify() {
  const s = status();
  for (const listener of listeners) listener(s);
}

export function startLiveUpdates(pagedSink = null) {
  sink = pagedSink;
  open();
  setTimeout(() => {
    if (!store.loaded) fallBack('no snapshot yet');
  }, FIRST_SNAPSHOT_WAIT_MS);
  setInterval(watchdog, 1000);
  window.addEventListener('offline', () => {
    closeSource();
    state.lastError = 'the browser is offline';
    setMode('offline');
    startPolling();
  });
  window.addEventListener('online', () => reconnectNow());
}

/** Drops the current connection (if any) and connects again right away. */
export function reconnectNow() {
  closeSource();
  clearTimeout(state.reconnectTimer);
  state.reconnectDelay = 1000;
  open();
  if (state.mode !== 'live') pollOnce();
}

function open() {
  const params = new URLSearchParams();
  if (sink) params.set('snapshot', 'false');
  if (state.lastEventId) params.set('last_event_id', state.lastEventId);
  const query = params.toString();
  const url = query ? `/api/stream?${query}` : '/api/stream';
  const source = new EventSource(url);
  state.source = source;
  source.addEventListener('open', () => {
    if (state.source === source) markLive();
  });
  source.addEventListener('snapshot', e => {
    if (state.source !== source) return;
    remember(e);
    const data = parseJson(e.data);
    store.applySnapshot(data.experiments || [], { authoritative: true });
    markLive();
  });
  // changes only (paged): nothing before this point is replayed, so the sink reloads what it shows
  source.addEventListener('start', e => {
    if (state.source !== source) return;
    remember(e);
    sink?.start();
    markLive();
  });
  source.addEventListener('experiment', e => {
    if (state.source !== source) return;
    remember(e);
    if (sink) sink.change(parseJson(e.data));
    else store.applyOne(parseJson(e.data));
    markLive();
  });
  source.addEventListener('ping', e => {
    if (state.source === source) {
      remember(e);
      markLive();
    }
  });
  // The server cut this subscriber off for falling behind: start over (resume from the last id, or a fresh snapshot).
  source.addEventListener('resync', () => {
    if (state.source !== source) return;
    state.lastError = 'the live stream fell behind; resyncing';
    reconnectNow();
  });
  source.addEventListener('error', () => {
    if (state.source !== source) return;
    state.lastError = 'the live stream dropped';
    if (source.readyState === EventSource.CLOSED) scheduleReconnect();
    fallBack();
  });
}

/**
 * Something else (the health poll) failed to reach SkyDeck. An EventSource only notices a dead server when the
 * connection drops, which can take long; so a 'live' stream is no longer claimed: check by reconnecting now, which
 * either comes back live or falls back to polling (and 'offline' once polling fails too).
 */
export function suspectStream(reason) {
  if (state.mode !== 'live') return;
  state.lastError = reason;
  setMode('polling');
  reconnectNow();
}

function remember(e) {
  if (e.lastEventId) state.lastEventId = e.lastEventId;
}

function closeSource() {
  if (state.source) {
    state.source.close();
    state.source = null;
  }
}

function scheduleReconnect() {
  closeSource();
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = setTimeout(open, state.reconnectDelay);
  state.reconnectDelay = Math.min(state.reconnectDelay * 2, 15000);
}

function markLive() {
  const now = Date.now();
  state.lastMessageAt = now;
  state.lastDataAt = now;
  state.lastError = null;
  state.reconnectDelay = 1000;
  stopPolling();
  if (state.mode !== 'live') setMode('live');
}

function fallBack() {
  if (state.mode === 'live' || state.mode === 'connecting') setMode('polling');
  startPolling();
}

function startPolling() {
  if (state.pollTimer) return;
  pollOnce();
  state.pollTimer = setInterval(pollOnce, POLL_INTERVAL_MS);
}

function stopPolling() {
  if (!state.pollTimer) return;
  clearInterval(state.pollTimer);
  state.pollTimer = 0;
}

async function pollOnce() {
  if (state.polling) return;
  state.polling = true;
  try {
    if (sink) await sink.poll();
    else {
      const data = await api.list(true);
      store.applySnapshot(data.experiments || [], { authoritative: false });
    }
    state.lastDataAt = Date.now();
    if (state.mode !== 'live') setMode('polling');
    notify();
  } catch (e) {
    state.lastError = e.message;
    if (state.mode !== 'live') setMode('offline');
  } finally {
    state.polling = false;
  }
}

function watchdog() {
  if (state.mode === 'live' && Date.now() - state.lastMessageAt > SILENCE_LIMIT_MS) {
    state.lastError = 'the live stream went silent';
    fallBack();
    reconnectNow();
  }
  notify();
}
