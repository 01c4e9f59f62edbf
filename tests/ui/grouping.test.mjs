// Group-by and baseline comparison (src/SkyDeck.Ui/wwwroot/grouping.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { differingFlags, displayItems, groupKeyFn, groupRows } from '../../src/SkyDeck.Ui/wwwroot/grouping.js';

const rows = [
  { id: 'a', current_state: 'RUNNING', group: 'resnet', flags: { lr: 0.1, seed: 1 } },
  { id: 'b', current_state: 'FAILED', group: 'vit', flags: { lr: 0.01, seed: 1 } },
  { id: 'c', current_state: 'RUNNING', group: 'resnet', flags: { lr: 0.1, seed: 2 } },
  { id: 'd', current_state: 'STOPPED', flags: { seed: 3 } },
  { id: 'e', current_state: 'SUCCEEDED', group: 'vit', flags: { lr: 1, seed: 2 } },
];

test('no group-by: no groups, the rows as they are', () => {
  assert.equal(groupRows(rows, ''), null);
  assert.equal(groupKeyFn('nonsense'), null);
  assert.deepEqual(displayItems(['a', 'b'], null, new Set()), [{ kind: 'row', id: 'a' }, { kind: 'row', id: 'b' }]);
});

test('by a flag: groups by value (numerically), rows keep their order, not-set last, counts by state', () => {
  const groups = groupRows(rows, 'f:lr');
  assert.deepEqual(groups.map(g => [g.label, g.ids]), [['0.01', ['b']], ['0.1', ['a', 'c']], ['1', ['e']], ['(not set)', ['d']]]);
  assert.deepEqual(groups[1].states, { RUNNING: 2 });
});

test('by group and by state', () => {
  assert.deepEqual(groupRows(rows, 'group').map(g => [g.label, g.ids.length]), [['resnet', 2], ['vit', 2], ['(not set)', 1]]);
  assert.deepEqual(groupRows(rows, 'state').map(g => g.label), ['FAILED', 'RUNNING', 'STOPPED', 'SUCCEEDED']);
});

test('by sweep: experiments outside any sweep form the not-set group', () => {
  const withSweeps = [{ id: 'x', sweep: 's2', current_state: 'RUNNING' }, { id: 'y', current_state: 'RUNNING' }, { id: 'z', sweep: 's1', current_state: 'FAILED' }];
  assert.deepEqual(groupRows(withSweeps, 'sweep').map(g => [g.value, g.ids]), [['s1', ['z']], ['s2', ['x']], ['', ['y']]]);
});

test('a folded group shows its header only', () => {
  const groups = groupRows(rows, 'group');
  const items = displayItems(rows.map(r => r.id), groups, new Set(['resnet']));
  assert.deepEqual(items.map(i => (i.kind === 'group' ? `[${i.group.label}]` : i.id)), ['[resnet]', '[vit]', 'b', 'e', '[(not set)]', 'd']);
});

test('differing flags against a baseline: value, type and presence', () => {
  const base = { flags: { lr: 0.1, seed: 1, name: '1' } };
  const row = { flags: { lr: 0.1, seed: 2, name: 1, extra: true } };
  assert.deepEqual([...differingFlags(row, base, ['lr', 'seed', 'name', 'extra', 'absent'])], ['seed', 'name', 'extra']);
  assert.deepEqual([...differingFlags(base, base, ['lr', 'seed', 'name'])], []);
});
