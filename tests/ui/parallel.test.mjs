// Parallel coordinates: axes, positions, brushes into filter terms (src/SkyDeck.Ui/wwwroot/parallel.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brushTerms, buildAxes, position, replaceTerms, valueAt } from '../../src/SkyDeck.Ui/wwwroot/parallel.js';
import { compileFilter } from '../../src/SkyDeck.Ui/wwwroot/filter.js';

const rows = [
  { id: 'a', current_state: 'RUNNING', flags: { lr: 0.001, opt: 'adam', layers: 50 } },
  { id: 'b', current_state: 'FAILED', flags: { lr: 0.01, opt: 'sgd', layers: 50 } },
  { id: 'c', current_state: 'SUCCEEDED', flags: { lr: 0.1, opt: 'adam' } },
];

test('numeric, categorical and the outcome axis last', () => {
  const axes = buildAxes(rows, ['lr', 'opt', 'layers']);
  assert.deepEqual(axes.map(a => [a.key, a.kind]), [['lr', 'num'], ['opt', 'cat'], ['layers', 'num'], ['state', 'cat']]);
  assert.equal(axes[0].log, true, 'a range over two decades is drawn on a log scale');
  assert.deepEqual(axes[1].categories, ['adam', 'sgd']);
  assert.deepEqual(axes[3].categories, ['RUNNING', 'FAILED', 'SUCCEEDED']);
});

test('positions: larger numbers higher, categories spread, missing values null, a single value centred', () => {
  const [lr, opt, layers, state] = buildAxes(rows, ['lr', 'opt', 'layers']);
  assert.equal(position(lr, rows[2]), 0);
  assert.equal(position(lr, rows[0]), 1);
  assert.ok(Math.abs(position(lr, rows[1]) - 0.5) < 1e-9, 'log scale: 0.01 is halfway between 0.001 and 0.1');
  assert.equal(position(opt, rows[1]), 1);
  assert.equal(position(layers, rows[2]), null);
  assert.equal(position(layers, rows[0]), 0.5);
  assert.equal(position(state, rows[1]), 0.5);
  assert.ok(Math.abs(valueAt(lr, 0.5) - 0.01) < 1e-12);
});

test('a numeric brush becomes a range the filter understands and that selects the rows under it', () => {
  const [lr] = buildAxes(rows, ['lr']);
  const terms = brushTerms(lr, 0.4, 1); // from just above 0.01 down to the bottom (0.001)
  assert.equal(terms.length, 2);
  const kept = rows.filter(compileFilter(terms.join(' '))).map(r => r.id);
  assert.deepEqual(kept, ['a', 'b']);
});

test('a categorical brush over one category is an equality; over several it cannot be filtered', () => {
  const [, opt, , state] = buildAxes(rows, ['lr', 'opt', 'layers']);
  assert.deepEqual(brushTerms(opt, 0.9, 1), ['opt=sgd']);
  assert.equal(brushTerms(opt, 0, 1), null);
  assert.deepEqual(brushTerms(state, 0.4, 0.6), ['state=FAILED']);
});

test('replaceTerms swaps the comparisons on one key and keeps the rest', () => {
  assert.equal(replaceTerms('resnet lr>=0.1 lr<=1 seed=2', 'lr', ['lr>=0.001', 'lr<=0.01']), 'resnet seed=2 lr>=0.001 lr<=0.01');
  assert.equal(replaceTerms('', 'opt', ['opt=sgd']), 'opt=sgd');
  assert.equal(replaceTerms('name="a b" LR=3', 'lr', []), 'name="a b"');
});

test('a brush starting at the very top of an axis keeps its largest value', () => {
  const [lr] = buildAxes(rows, ['lr']);
  const terms = brushTerms(lr, 0.01, 0.3);
  assert.deepEqual(rows.filter(compileFilter(terms.join(' '))).map(r => r.id), ['c']);
});
