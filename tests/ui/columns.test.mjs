// Flag columns: key order, varying vs constant keys, and the dotted-key header tree (src/SkyDeck.Ui/wwwroot/columns.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareKeys, headerLayout, leafOrder, moveColumn, orderColumns, splitVarying, orderBase, moveBase, MOVABLE_BASE } from '../../src/SkyDeck.Ui/wwwroot/columns.js';

test('dotted keys sort segment by segment, so groups stay adjacent', () => {
  assert.deepEqual(['a.c', 'a.b.c', 'a_b', 'a.b'].sort(compareKeys), ['a.b', 'a.b.c', 'a.c', 'a_b']);
  assert.deepEqual(leafOrder(['z', 'a.b', 'a']), ['a', 'a.b', 'z']);
});

test('splitVarying separates keys that differ from keys common to all rows', () => {
  const experiments = [
    { flags: { lr: 0.1, seed: 1, data: 'x' } },
    { flags: { lr: 0.1, seed: 2, data: 'x', extra: true } },
  ];
  const { varying, constant } = splitVarying(['data', 'extra', 'lr', 'seed'], experiments);
  assert.deepEqual(varying, ['extra', 'seed'], 'a flag missing from one row varies');
  assert.deepEqual(constant, [{ key: 'data', text: 'x' }, { key: 'lr', text: '0.1' }]);
});

test('a string and a number with the same text differ', () => {
  const { varying } = splitVarying(['v'], [{ flags: { v: '1' } }, { flags: { v: 1 } }]);
  assert.deepEqual(varying, ['v']);
});

test('headerLayout builds one header row per key depth with spans', () => {
  const layout = headerLayout(['model.layers', 'model.width', 'seed', 'trainer.optim.lr']);
  assert.equal(layout.depth, 3);
  assert.deepEqual(layout.rows[0].map(c => [c.kind, c.label, c.colSpan ?? c.rowSpan]), [
    ['group', 'model', 2], ['leaf', 'seed', 3], ['group', 'trainer', 1],
  ]);
  assert.deepEqual(layout.rows[1].map(c => [c.kind, c.label]), [['leaf', 'layers'], ['leaf', 'width'], ['group', 'optim']]);
  assert.deepEqual(layout.rows[2].map(c => [c.kind, c.key]), [['leaf', 'trainer.optim.lr']]);
});

test('a key that is also a prefix of another keeps its own column, labelled in parentheses', () => {
  const layout = headerLayout(['a.b', 'a.b.c']);
  const leaves = layout.rows.flat().filter(c => c.kind === 'leaf');
  assert.deepEqual(leaves.map(c => [c.label, c.key]), [['(b)', 'a.b'], ['c', 'a.b.c']]);
  assert.equal(layout.rows[0][0].colSpan, 2);
});

test('no keys: one empty header row', () => {
  assert.deepEqual(headerLayout([]), { depth: 1, rows: [[]] });
});

test('a chosen column order keeps dotted groups together, at their first member', () => {
  const keys = ['model.layers', 'model.width', 'seed', 'trainer.lr'];
  assert.deepEqual(orderColumns(keys, []), keys);
  assert.deepEqual(orderColumns(keys, ['seed', 'trainer.lr']), ['seed', 'trainer.lr', 'model.layers', 'model.width']);
  assert.deepEqual(orderColumns(keys, ['model.width', 'seed']), ['model.width', 'model.layers', 'seed', 'trainer.lr']);
  assert.deepEqual(orderColumns(['a.b.c', 'a.b', 'x'], ['x']), ['x', 'a.b', 'a.b.c'], 'a key that is also a group comes first in it');
  assert.deepEqual(orderColumns(['a', 'new'], ['gone', 'a']), ['a', 'new'], 'keys no longer shown are ignored, new ones follow');
});

test('moving a column swaps it with its neighbour; a group moves as one; at an edge nothing changes', () => {
  const shown = ['model.layers', 'model.width', 'seed', 'trainer.lr'];
  assert.deepEqual(moveColumn(shown, 'seed', -1), ['seed', 'model.layers', 'model.width', 'trainer.lr'], 'past the whole model group');
  assert.deepEqual(moveColumn(shown, 'model.width', -1), ['model.width', 'model.layers', 'seed', 'trainer.lr'], 'within its group');
  assert.deepEqual(moveColumn(shown, 'model.width', 1), ['seed', 'model.layers', 'model.width', 'trainer.lr'], 'last in its group: the group moves');
  assert.deepEqual(moveColumn(shown, 'model.layers', -1), shown, 'the first column stays');
  assert.deepEqual(moveColumn(shown, 'trainer.lr', 1), shown, 'the last column stays');
  assert.deepEqual(moveColumn(shown, 'missing', 1), shown);
  // what the header draws is the same order
  const moved = moveColumn(shown, 'seed', -1);
  assert.deepEqual(headerLayout(moved).rows.flat().filter(c => c.kind === 'leaf').length, 4);
  assert.deepEqual(orderColumns(shown, moved), moved);
});

test('base columns after Name: the chosen order first, the rest in their natural order; unknown and frozen keys dropped', () => {
  assert.deepEqual(orderBase([]), MOVABLE_BASE);
  assert.deepEqual(orderBase(['cost', 'id', 'name', 'nope', 'job', 'cost']), ['cost', 'job', 'desired', 'current', 'nodes', 'gpus', 'actions']);
});

test('moving a base column swaps it with its neighbour; nothing moves past either end', () => {
  assert.deepEqual(moveBase([], 'current', -1), ['current', 'desired', 'job', 'nodes', 'gpus', 'cost', 'actions']);
  assert.deepEqual(moveBase(['cost'], 'cost', -1), ['cost', 'desired', 'current', 'job', 'nodes', 'gpus', 'actions']);
  assert.deepEqual(moveBase(['cost'], 'cost', 1), ['desired', 'cost', 'current', 'job', 'nodes', 'gpus', 'actions']);
  assert.deepEqual(moveBase([], 'actions', 1), MOVABLE_BASE);
  assert.deepEqual(moveBase([], 'name', 1), MOVABLE_BASE, 'Name is frozen');
});
