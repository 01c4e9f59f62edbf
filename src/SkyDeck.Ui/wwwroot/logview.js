// The log view of the details panel: a job's last lines in monospace, SGR colours rendered as spans whose text is set
// with textContent (never HTML), auto-scrolled to the end unless the reader scrolled up, with a copy button. A live job
// is followed over server-sent events (GET …/logs?follow=true); a finished one shows the tail SkyDeck kept.

import { el, setText } from './dom.js';
import { api } from './api.js';
import { copyText } from './clipboard.js';
import { isLiveIn } from './meta.js';

const COLOURS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
const SGR = /\x1b\[([0-9;]*)m/g;
// eslint-disable-next-line no-control-regex
const OTHER_ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

/** One log line as nodes: text runs, each in a span carrying the classes of the SGR state it was printed in. */
export function renderLine(line) {
  const out = el('div', { class: 'log-line' });
  let bold = false, dim = false, colour = null;
  let last = 0;
  const emit = text => {
    const clean = text.replace(OTHER_ESCAPES, '');
    if (!clean) return;
    const classes = [bold && 'ansi-bold', dim && 'ansi-dim', colour && `ansi-${colour}`].filter(Boolean).join(' ');
    const span = el('span', classes ? { class: classes } : null);
    span.textContent = clean;
    out.append(span);
  };
  for (const m of line.matchAll(SGR)) {
    emit(line.slice(last, m.index));
    last = m.index + m[0].length;
    for (const code of (m[1] || '0').split(';').map(Number)) {
      if (code === 0) { bold = false; dim = false; colour = null; }
      else if (code === 1) bold = true;
      else if (code === 2) dim = true;
      else if (code === 22) { bold = false; dim = false; }
      else if (code >= 30 && code <= 37) colour = COLOURS[code - 30];
      else if (code >= 90 && code <= 97) colour = COLOURS[code - 90];
      else if (code === 39) colour = null;
    }
  }
  emit(line.slice(last));
  if (!out.firstChild) out.append(el('span', null, '\u00a0'));
  return out;
}

/** A log view for one job; `follow` streams while the job is live. Returns {node, close}. */
export function createLogView(experimentId, job, { tail = 200, heading = null } = {}) {
  const meta = el('div', { class: 'log-meta', testid: 'log-meta' }, 'Loading the log…');
  const pre = el('div', { class: 'log-view', testid: 'log-view', role: 'log', tabIndex: 0 });
  const lines = [];
  const copy = el('button', { type: 'button', class: 'small', testid: 'log-copy', onclick: () => copyText(lines.join('\n').replace(SGR, '').replace(OTHER_ESCAPES, ''), 'Log') }, 'Copy');
  const node = el('div', { class: 'log-panel', testid: 'log-panel', dataset: { jobId: job.job_id } },
    el('div', { class: 'log-head' }, heading || el('strong', null, `Log of ${job.job_id}`), ' ', copy), meta, pre);
  let source = null;
  let closed = false;

  function append(newLines) {
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    for (const line of newLines) {
      lines.push(line);
      pre.append(renderLine(line));
    }
    if (atEnd || lines.length === newLines.length) pre.scrollTop = pre.scrollHeight;
  }

  function describe(dto) {
    const from = dto.source === 'live' ? 'live from SkyPilot' : dto.source === 'kept' ? 'kept when the job finished' : 'not available';
    const exit = dto.exit_code !== null && dto.exit_code !== undefined
      ? ` · exit code ${dto.exit_code}${dto.exit_codes?.length > 1 ? ` (per node: ${dto.exit_codes.join(', ')})` : ''}` : '';
    setText(meta, `${dto.lines.length} line${dto.lines.length === 1 ? '' : 's'}, ${from}${dto.truncated ? ', earlier lines cut' : ''}${exit}${dto.message ? ` — ${dto.message}` : ''}`);
  }

  const live = job.phase === 'SUBMITTED' && isLiveIn(job.phase, job.status);
  if (live && typeof EventSource === 'function') {
    source = new EventSource(`/api/experiments/${encodeURIComponent(experimentId)}/jobs/${encodeURIComponent(job.job_id)}/logs?tail=${tail}&follow=true`);
    source.addEventListener('lines', e => {
      const chunk = JSON.parse(e.data);
      append(chunk.lines);
      setText(meta, `${lines.length} lines, following (${chunk.source})${chunk.message ? ` — ${chunk.message}` : ''}`);
    });
    source.addEventListener('end', e => {
      const chunk = JSON.parse(e.data);
      setText(meta, `${lines.length} lines; the job ended (${chunk.message})`);
      source.close();
    });
    source.onerror = () => { if (source.readyState === EventSource.CLOSED) return; };
  } else {
    api.logs(experimentId, job.job_id, tail).then(dto => {
      if (closed) return;
      append(dto.lines);
      describe(dto);
    }, e => setText(meta, `Could not read the log: ${e.message}`));
  }

  return {
    node,
    close() {
      closed = true;
      source?.close();
    },
  };
}
