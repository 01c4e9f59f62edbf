// Bulk actions' preview (src/SkyDeck.Ui/wwwroot/bulkplan.js): what would change and what is a no-op, from the rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBulk, rowPlan, wholeSweeps } from '../../src/SkyDeck.Ui/wwwroot/bulkplan.js';

const rows = {
  s1: { id: 's1', desired_state: 'STOPPED', current_state: 'STOPPED', deleted: false },
  s2: { id: 's2', desired_state: 'STOPPED', current_state: 'STOPPED', deleted: false },
  r1: { id: 'r1', desired_state: 'RUNNING', current_state: 'RUNNING', deleted: false },
  p1: { id: 'p1', desired_state: 'RUNNING', current_state: 'PENDING', deleted: false },
  stopping: { id: 'stopping', desired_state: 'STOPPED', current_state: 'RUNNING', deleted: false },
  gone: { id: 'gone', desired_state: 'STOPPED', current_state: 'STOPPED', deleted: true },
};
const of = id => rows[id];

test('Start: stopped rows launch; rows already started are no-ops; deleted rows are skipped', () => {
  const plan = planBulk('start', ['s1', 's2', 'r1', 'p1', 'stopping', 'gone', 'missing'], of);
  assert.deepEqual(plan.change, ['s1', 's2', 'stopping']);
  assert.deepEqual(plan.noop, [{ id: 'r1', reason: 'already running' }, { id: 'p1', reason: 'already started (pending)' }]);
  assert.deepEqual(plan.skip, [{ id: 'gone', reason: 'deleted: restore it first' }, { id: 'missing', reason: 'no longer exists' }]);
  assert.equal(plan.summary, 'Start 7: 3 will launch, 1 already running — no change, 1 already started — no change, 1 deleted: restore it first — skipped, 1 no longer exists — skipped');
});

test('the issue\'s example: Start 12 with 3 already running', () => {
  const many = {};
  for (let i = 0; i < 12; i++) many[`e${i}`] = { id: `e${i}`, desired_state: i < 3 ? 'RUNNING' : 'STOPPED', current_state: i < 3 ? 'RUNNING' : 'STOPPED', deleted: false };
  const plan = planBulk('start', Object.keys(many), id => many[id]);
  assert.equal(plan.summary, 'Start 12: 9 will launch, 3 already running — no change');
  assert.equal(plan.change.length, 9);
});

test('Stop: running rows stop; stopped, stopping and deleted rows are no-ops', () => {
  const plan = planBulk('stop', ['r1', 'p1', 's1', 'stopping', 'gone'], of);
  assert.deepEqual(plan.change, ['r1', 'p1']);
  assert.deepEqual(plan.noop.map(n => n.reason), ['already stopped', 'already stopping (running)', 'deleted: already stopped']);
  assert.equal(plan.summary, 'Stop 5: 2 will stop, 1 already stopped — no change, 1 already stopping — no change, 1 deleted: already stopped — no change');
});

test('Delete and Restore: only rows whose deleted flag would flip change', () => {
  assert.deepEqual(planBulk('delete', ['s1', 'gone'], of).noop, [{ id: 'gone', reason: 'already deleted' }]);
  assert.equal(planBulk('delete', ['s1', 'gone'], of).summary, 'Delete 2: 1 will be deleted, 1 already deleted — no change');
  const restore = planBulk('restore', ['s1', 'gone'], of);
  assert.deepEqual(restore.change, ['gone']);
  assert.deepEqual(restore.noop, [{ id: 's1', reason: 'not deleted' }]);
});

test('every row is in exactly one list, in the order given', () => {
  const ids = Object.keys(rows);
  for (const op of ['start', 'stop', 'delete', 'restore']) {
    const plan = planBulk(op, ids, of);
    const all = [...plan.change, ...plan.noop.map(n => n.id), ...plan.skip.map(n => n.id)];
    assert.deepEqual(all.sort(), [...ids].sort(), op);
  }
  assert.equal(rowPlan('explode', rows.s1).kind, 'skip');
});

test('a sweep is selected whole when every one of its live cells is selected', () => {
  const all = [
    { id: 'a.1', sweep: 'a' }, { id: 'a.2', sweep: 'a' }, { id: 'a.3', sweep: 'a', deleted: true },
    { id: 'b.1', sweep: 'b' }, { id: 'b.2', sweep: 'b' },
    { id: 'plain' },
  ];
  const whole = wholeSweeps(['a.1', 'a.2', 'b.1', 'plain'], all);
  assert.deepEqual([...whole], [['a', ['a.1', 'a.2']]]);
  assert.equal(wholeSweeps(['plain'], all).size, 0);
});
