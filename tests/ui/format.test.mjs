// Pure formatting helpers (src/SkyDeck.Ui/wwwroot/format.js): job status and liveness, durations, ages, flag text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import './meta-sample.mjs';
import {
  compareValues, flagDisplay, flagKind, flagText, formatAge, formatDuration, jobDuration, jobIsLive, jobOutcome, jobStatus, plural,
} from '../../src/SkyDeck.Ui/wwwroot/format.js';
import { parseJson } from '../../src/SkyDeck.Ui/wwwroot/api.js';

test('a job shows SkyPilot status when known, else SkyDeck phase', () => {
  assert.equal(jobStatus(null), null);
  assert.equal(jobStatus({ phase: 'SUBMITTED', status: 'RUNNING' }), 'RUNNING');
  assert.equal(jobStatus({ phase: 'REQUESTED' }), 'REQUESTED');
  assert.equal(jobStatus({ phase: 'LOST' }), 'LOST');
});

test('liveness and outcome', () => {
  assert.equal(jobIsLive({ phase: 'SUBMITTED', status: 'RUNNING' }), true);
  assert.equal(jobIsLive({ phase: 'SUBMITTED', status: 'SUCCEEDED' }), false);
  assert.equal(jobIsLive({ phase: 'SUBMITTED', status: 'RUNNING', ended_at: '2026-01-01T00:00:00Z' }), false);
  assert.equal(jobIsLive({ phase: 'LAUNCH_FAILED' }), false);
  assert.equal(jobOutcome({ status: 'SUCCEEDED' }), 'ok');
  assert.equal(jobOutcome({ status: 'FAILED_SETUP' }), 'failed');
  assert.equal(jobOutcome({ status: 'CANCELLED' }), 'cancelled');
  assert.equal(jobOutcome({ status: 'RUNNING' }), 'running');
  assert.equal(jobOutcome({ phase: 'REQUESTED' }), 'pending');
});

test('durations are compact and never negative', () => {
  assert.equal(formatDuration(null), '—');
  assert.equal(formatDuration(-3), '0s');
  assert.equal(formatDuration(59.9), '59s');
  assert.equal(formatDuration(185), '3m 05s');
  assert.equal(formatDuration(2 * 3600 + 7 * 60), '2h 07m');
  assert.equal(formatDuration(3 * 86400 + 4 * 3600), '3d 4h');
});

test('ages: just now, past and future', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  assert.equal(formatAge('2026-12-02T09:59:58Z', now), 'just now');
  assert.equal(formatAge('2026-12-02T09:58:00Z', now), '2m 00s ago');
  assert.equal(formatAge('2026-12-02T10:00:30Z', now), 'in 30s');
  assert.equal(formatAge('not a time', now), '—');
});

test('a finished job lasts end − start; a running one counts to now; one never started has no duration', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  assert.deepEqual(jobDuration({ status: 'SUCCEEDED', started_at: '2026-12-02T09:00:00Z', ended_at: '2026-12-02T09:30:00Z' }, now), { seconds: 1800, live: false });
  assert.deepEqual(jobDuration({ phase: 'SUBMITTED', status: 'RUNNING', started_at: '2026-12-02T09:59:00Z' }, now), { seconds: 60, live: true });
  assert.equal(jobDuration({ status: 'FAILED', started_at: '2026-12-02T09:59:00Z' }, now), null);
  assert.equal(jobDuration({ status: 'PENDING' }, now), null);
});

test('flag text and kinds keep the JSON spelling where the runtime exposes it', (t) => {
  const flags = parseJson('{"lr": 1.0, "steps": 20000, "name": "x", "on": false}');
  assert.equal(flagText(flags, 'on'), 'false');
  assert.equal(flagText(flags, 'missing'), '');
  assert.equal(flagKind(flags, 'name'), 'string');
  assert.equal(flagKind(flags, 'on'), 'bool');
  assert.equal(flagKind(flags, 'missing'), 'missing');
  assert.equal(flagDisplay(flags, 'steps'), '20,000');
  assert.equal(flagDisplay(flags, 'missing'), '—');
  if (flagText(flags, 'lr') !== '1.0') {
    t.diagnostic('this Node has no JSON.parse source text access; the float spelling is checked in the browser tests');
    return;
  }
  assert.equal(flagKind(flags, 'lr'), 'float');
  assert.equal(flagKind(flags, 'steps'), 'int');
});

test('values compare numbers before text, missing last', () => {
  assert.deepEqual([3, 'b', null, 10, 'a10', 'a9'].sort(compareValues), [3, 10, 'a9', 'a10', 'b', null]);
  assert.equal(compareValues(false, true) < 0, true);
});

test('plural', () => {
  assert.equal(plural(1, 'row'), '1 row');
  assert.equal(plural(2, 'row'), '2 rows');
  assert.equal(plural(0, 'entry', 'entries'), '0 entries');
});
