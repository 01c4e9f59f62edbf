// The filter language of the table's search box (src/SkyDeck.Ui/wwwroot/filter.js), as documented at its top.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter, parseFilter } from '../../src/SkyDeck.Ui/wwwroot/filter.js';

const rows = [
  { id: 'lr-small', name: 'ResNet small lr', run_name: 'r1', current_state: 'RUNNING', desired_state: 'RUNNING', nodes: 1, gpus: 8, tags: ['baseline'], group: 'resnet', flags: { 'trainer.lr': 0.001, 'model.layers': 50, 'data.name': 'imagenet' } },
  { id: 'lr-big', name: 'ResNet big lr', run_name: 'r2', current_state: 'FAILED', desired_state: 'RUNNING', nodes: 2, gpus: 8, tags: [], group: 'resnet', flags: { 'trainer.lr': 0.1, 'model.layers': 101 } },
  { id: 'vit', name: 'ViT', run_name: 'vit-run', current_state: 'STOPPED', desired_state: 'STOPPED', nodes: 4, gpus: 0, deleted: true, needs_restart: true, flags: { 'optim.lr': 0.0003, debug: true } },
];
const ids = query => rows.filter(compileFilter(query)).map(r => r.id);

test('an empty query matches every row', () => {
  assert.deepEqual(ids(''), ['lr-small', 'lr-big', 'vit']);
  assert.deepEqual(ids('   '), ['lr-small', 'lr-big', 'vit']);
});

test('bare text searches id, name and run name, case-insensitively', () => {
  assert.deepEqual(ids('RESNET'), ['lr-small', 'lr-big']);
  assert.deepEqual(ids('vit-run'), ['vit']);
  assert.deepEqual(ids('imagenet'), [], 'flag values are not free text');
});

test('all terms must match', () => {
  assert.deepEqual(ids('resnet state=FAILED'), ['lr-big']);
});

test('a key may be a full flag key or its last segments', () => {
  assert.deepEqual(ids('trainer.lr=0.1'), ['lr-big']);
  assert.deepEqual(ids('lr=0.1'), ['lr-big']);
  assert.deepEqual(ids('lr=3e-4'), ['vit'], 'numbers compare by value, not spelling');
  assert.deepEqual(ids('flag.layers=50'), ['lr-small']);
});

test('!= matches rows whose flag differs or is missing', () => {
  assert.deepEqual(ids('layers!=50'), ['lr-big', 'vit']);
});

test('numeric comparisons ignore rows without a number', () => {
  assert.deepEqual(ids('layers>=100'), ['lr-big']);
  assert.deepEqual(ids('nodes<2'), ['lr-small']);
  assert.deepEqual(ids('nodes>abc'), []);
  assert.deepEqual(ids('data.name>1'), []);
});

test('* is a wildcard and quotes keep spaces', () => {
  assert.deepEqual(ids('name="resnet big*"'), ['lr-big']);
  assert.deepEqual(ids('id=lr-*'), ['lr-small', 'lr-big']);
  assert.deepEqual(ids('name=*.*'), [], 'regex metacharacters are literal');
});

test('has: and -has: test presence of a flag', () => {
  assert.deepEqual(ids('has:debug'), ['vit']);
  assert.deepEqual(ids('-has:layers'), ['vit']);
});

test('fields: state, desired, tag, group, restart, deleted', () => {
  assert.deepEqual(ids('desired=STOPPED'), ['vit']);
  assert.deepEqual(ids('tag=baseline'), ['lr-small']);
  assert.deepEqual(ids('group=resnet'), ['lr-small', 'lr-big']);
  assert.deepEqual(ids('restart=true'), ['vit']);
  assert.deepEqual(ids('deleted=true'), ['vit']);
  assert.deepEqual(ids('debug=true'), ['vit'], 'booleans compare as true/false');
});

test('a flag named like a field wins over the field', () => {
  const shadow = [{ id: 'x', flags: { state: 'custom' }, current_state: 'RUNNING' }];
  assert.equal(shadow.filter(compileFilter('state=custom')).length, 1);
});

test('parseFilter splits terms and unquotes values', () => {
  assert.deepEqual(parseFilter('a "b c" lr>=0.1 has:x -has:y name="q r"'), [
    { kind: 'text', value: 'a' },
    { kind: 'text', value: 'b c' },
    { kind: 'cmp', key: 'lr', op: '>=', value: '0.1' },
    { kind: 'has', key: 'x', negate: false },
    { kind: 'has', key: 'y', negate: true },
    { kind: 'cmp', key: 'name', op: '=', value: 'q r' },
  ]);
});

test('sweep=ID keeps one sweep\'s cells', () => {
  const cells = [{ id: 'lrs.seed1', name: 'a', sweep: 'lrs', flags: {} }, { id: 'other', name: 'b', flags: {} }];
  assert.deepEqual(cells.filter(compileFilter('sweep=lrs')).map(c => c.id), ['lrs.seed1']);
  assert.deepEqual(cells.filter(compileFilter('sweep!=lrs')).map(c => c.id), ['other']);
});

test('a compiled query answers the same for rows with other flag keys, and a new version of a row is read afresh', () => {
  const f = compileFilter('lr=0.1 has:model.layers');
  const a = { id: 'a', name: 'A', flags: { 'trainer.lr': 0.1, 'model.layers': 2 } };
  const b = { id: 'b', name: 'B', flags: { lr: '0.1', 'model.layers': 2 } }; // other keys: resolved on their own
  const c = { id: 'c', name: 'C', flags: { 'trainer.lr': 0.2, 'model.layers': 2 } }; // same keys as a, another value
  assert.deepEqual([a, b, c].filter(f).map(r => r.id), ['a', 'b']);
  assert.equal(f({ ...c, flags: { ...c.flags, 'trainer.lr': 0.1 } }), true, 'the next version of c');
  assert.equal(f(c), false, 'the old version still answers for itself');
  assert.equal(compileFilter('TRAINER.LR=0.1')(a), false, 'flag keys are case-sensitive, as before');
});

test('bare text matches inside one field, never across id, name and run name', () => {
  const r = { id: 'abc', name: 'def', run_name: null, flags: {} };
  assert.equal(compileFilter('cd')(r), false);
  assert.equal(compileFilter('BC')(r), true);
  assert.equal(compileFilter('"c d"')(r), false);
});
