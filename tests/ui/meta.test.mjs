// The server's rules as the page uses them (src/SkyDeck.Ui/wwwroot/meta.js), from a sample of GET /api/meta.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import './meta-sample.mjs';
import { idRules, flagKeyRules, resourceNamePattern, isLiveIn, hasEndedStatus, jobStatuses } from '../../src/SkyDeck.Ui/wwwroot/meta.js';
import { stateRank } from '../../src/SkyDeck.Ui/wwwroot/table-order.js';

test('the sent patterns become anchored regular expressions', () => {
  const id = idRules();
  assert.ok(id.pattern.test('ppo_baseline'));
  assert.ok(!id.pattern.test('1abc'));
  assert.ok(!id.pattern.test('abc-'));
  assert.equal(id.maxLength, 48);
  assert.ok(flagKeyRules().pattern.test('trainer.optimizer.lr'));
  assert.ok(!flagKeyRules().pattern.test('a..b'));
  assert.ok(resourceNamePattern().test('us-east-1'));
  assert.ok(!resourceNamePattern().test('-x'));
});

test('liveness: a live phase whose status is not terminal', () => {
  assert.equal(isLiveIn('REQUESTED'), true);
  assert.equal(isLiveIn('SUBMITTED', 'RUNNING'), true);
  assert.equal(isLiveIn('SUBMITTED', null), true);
  assert.equal(isLiveIn('SUBMITTED', 'CANCELLED'), false);
  assert.equal(isLiveIn('LOST', 'RUNNING'), false);
  assert.equal(hasEndedStatus({ phase: 'LAUNCH_FAILED' }), true);
  assert.equal(hasEndedStatus({ phase: 'SUBMITTED' }), false);
  assert.equal(hasEndedStatus({ phase: 'SUBMITTED', status: 'FAILED_SETUP' }), true);
  assert.ok(jobStatuses().includes('LOST'));
});

test('the state order is the sent one', () => {
  assert.equal(stateRank('RUNNING'), 0);
  assert.ok(stateRank('FAILED') < stateRank('STOPPED'));
});
