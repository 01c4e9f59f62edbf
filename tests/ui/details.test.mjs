// The details panel's pure parts: one line per audit event, spec diffs (src/SkyDeck.Ui/wwwroot/details-activity.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize, specDiff, findPreviousSpec, humanize } from '../../src/SkyDeck.Ui/wwwroot/details-activity.js';

test('a spec update reads as a diff against the spec before it: fields, flags added, removed and changed', () => {
  const before = { nodes: 1, gpus: 1, flags: { lr: 0.1, seed: 1 } };
  const after = { nodes: 2, gpus: 1, flags: { lr: 0.2, extra: true } };
  assert.equal(specDiff(before, after), 'nodes: 1 → 2, lr: 0.1 → 0.2, −seed, +extra=true');
  assert.equal(specDiff(null, after), '');
});

test('long values are cut to 40 characters', () => {
  const diff = specDiff({ base_command: 'a' }, { base_command: 'x'.repeat(60) });
  assert.match(diff, /^base_command: "a" → "x{38}…$/);
});

test('events summarize what they changed; an update without an earlier spec names its generation', () => {
  const newestFirst = [
    { type: 'spec_updated', change: { spec: { nodes: 2 }, generation: 3 } },
    { type: 'job_launched', change: { job_id: 'j1', sky_job_id: 7 } },
    { type: 'spec_updated', change: { spec: { nodes: 1 }, generation: 2 } },
  ];
  assert.deepEqual(findPreviousSpec(newestFirst, 0), { nodes: 1 });
  assert.equal(findPreviousSpec(newestFirst, 2), null);
  assert.equal(summarize(newestFirst[0], findPreviousSpec(newestFirst, 0)), 'nodes: 1 → 2');
  assert.equal(summarize(newestFirst[2], null), 'generation 2');
  assert.equal(summarize(newestFirst[1]), 'j1 → SkyPilot #7');
  assert.equal(summarize({ type: 'job_launched', change: { job_id: 'j2', sky_job_id: null, adopted: true } }), 'j2 → SkyPilot #? (adopted)');
  assert.equal(summarize({ type: 'cluster_status_changed', change: { cluster: 'c' } }), 'c: gone');
  assert.equal(summarize({ type: 'something_new' }), '');
  assert.equal(summarize({ type: 'cluster_span_corrected', change: { span: 0, from: 'a', to: 'b' } }),
    "cluster overhead span 1: times from SkyPilot's record (sky cost-report)");
  assert.equal(summarize({ type: 'cluster_span_corrected', change: { span: 1, from: 'a', to: null } }),
    "cluster overhead span 2 (still open): times from SkyPilot's record (sky cost-report)");
  assert.equal(humanize('job_status_changed'), 'job status changed');
});
