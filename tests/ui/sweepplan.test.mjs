// The sweep UI's pure parts (src/SkyDeck.Ui/wwwroot/sweepplan.js): the axes editor, cell count and cap, templates,
// and what a sweep command's changes say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAxes, axesToText, cellCount, capWarning, templateFrom, describeChanges, valuesText, DEFAULT_CAP, budgetUse, readBudget, budgetChange } from '../../src/SkyDeck.Ui/wwwroot/sweepplan.js';

test('axes lines read numbers, booleans and strings, and keep each number\'s spelling in the JSON', () => {
  const { axes, json } = parseAxes('trainer.lr: 0.001, 3e-4, 1.0\nseed: 1, 2\n\n  opt: adam, "1", "a, b", true ');
  assert.deepEqual(axes, { 'trainer.lr': [0.001, 3e-4, 1], seed: [1, 2], opt: ['adam', '1', 'a, b', true] });
  assert.equal(json, '{"trainer.lr": [0.001, 3e-4, 1.0], "seed": [1, 2], "opt": ["adam", "1", "a, b", true]}');
});

test('a line without a key, or a key twice, is refused naming it', () => {
  assert.throws(() => parseAxes('seed 1, 2'), /“seed 1, 2” is not “key: value, value”/);
  assert.throws(() => parseAxes(': 1'), /is not/);
  assert.throws(() => parseAxes('seed: 1\nseed: 2'), /axis “seed” appears twice/);
  assert.deepEqual(parseAxes('').axes, {});
  assert.deepEqual(parseAxes('seed:').axes, { seed: [] }); // the server names the empty axis
});

test('axes round-trip through the editor text, quoting strings that would read back as something else', () => {
  const axes = { 'trainer.lr': [0.001, 1], opt: ['adam', '1', 'true', 'a, b'], flag: [true, false] };
  const text = axesToText(axes);
  assert.equal(text, 'trainer.lr: 0.001, 1\nopt: adam, "1", "true", "a, b"\nflag: true, false');
  assert.deepEqual(parseAxes(text).axes, axes);
  // a number's original spelling, when known, is what the editor shows
  assert.equal(axesToText({ lr: [1, 2] }, (list, i) => (i === 0 ? '1.0' : String(list[i]))), 'lr: 1.0, 2');
});

test('cells: the product for grid, the longest list for zip; over the cap warns', () => {
  assert.equal(cellCount({ lr: [1, 2, 3], seed: [1, 2, 3, 4] }, 'grid'), 12);
  assert.equal(cellCount({ lr: [1, 2, 3], seed: [1, 2, 3] }, 'zip'), 3);
  assert.equal(cellCount({}, 'grid'), 0);
  assert.equal(cellCount({ a: [1, 2], b: [] }, 'grid'), 0);
  assert.equal(capWarning(DEFAULT_CAP), '');
  assert.equal(capWarning(1001), '1001 cells: more than the cap of 1000. Remove values or split the sweep.');
  assert.match(capWarning(12, 10), /cap of 10/);
});

test('a template from an experiment: every spec field but id and flags, unset ones left out', () => {
  const dto = {
    id: 'x', name: 'X', description: null, base_command: 'lt', run_name: 'me.x', nodes: 2, gpus: 4, accelerator: 'H100', cloud: null,
    region: null, use_spot: false, tags: [], group: 'g', autostop_minutes: null, autostop_down: false, flags: { lr: 1 }, current_state: 'RUNNING',
  };
  assert.deepEqual(templateFrom(dto), { name: 'X', base_command: 'lt', run_name: 'me.x', nodes: 2, gpus: 4, accelerator: 'H100', use_spot: false, group: 'g', autostop_down: false });
});

test('changes in words: what is created or changed first, what is left alone last, and the restart cap', () => {
  const changes = {
    counts: { create: 4, update: 0, set_desired: 0, archive: 1, restore: 0, restart: 0, unchanged: 12 },
    remaining: 0,
    cells: [{ id: 'a', action: 'create' }, { id: 'b', action: 'unchanged' }, { id: 'c', action: 'archive' }],
  };
  const d = describeChanges(changes);
  assert.equal(d.summary, '4 created · 1 stopped and archived · 12 left alone');
  assert.deepEqual(d.touched.map(c => c.id), ['a', 'c']);
  assert.equal(d.nothing, false);

  const none = describeChanges({ counts: { unchanged: 3 }, remaining: 0, cells: [{ id: 'a', action: 'unchanged' }] });
  assert.equal(none.summary, '3 left alone');
  assert.equal(none.nothing, true);
  assert.equal(describeChanges({ counts: { restart: 10 }, remaining: 5, cells: [] }).summary, '10 restarted (5 more after these: the restart cap)');
  assert.equal(describeChanges({ counts: {}, cells: [] }).summary, 'no cells');
});

test('a cell\'s values as a short label', () => {
  assert.equal(valuesText({ 'trainer.lr': 0.001, seed: 1, opt: 'adam' }), 'lr=0.001 seed=1 opt=adam');
});

test('a sweep budget reads as its use: dollars, GPU-hours or both; reached says stopped with the server\'s message', () => {
  assert.deepEqual(budgetUse({ budget: null }), { text: '', reached: false, title: '' });
  assert.equal(budgetUse({ budget: { usd: 20, gpu_hours: null }, cost: { usd: 12.4, gpu_hours: 3 } }).text, 'budget: $12.40 of $20');
  assert.equal(budgetUse({ budget: { gpu_hours: 5 }, cost: { usd: null, gpu_hours: 3.1 } }).text, 'budget: 3.10 of 5 GPU-h');
  assert.equal(budgetUse({ budget: { gpu_hours: 5, usd: 20 }, cost: {} }).text, 'budget: $0.00 of $20 · 0 of 5 GPU-h');
  const reached = budgetUse({ budget: { usd: 20 }, cost: { usd: 21.87 }, budget_reached: true, budget_message: 'budget reached: $21.87 / $20; stopped — raise the budget to start again' });
  assert.equal(reached.text, 'budget reached — stopped ($21.87 of $20)');
  assert.equal(reached.reached, true);
  assert.match(reached.title, /raise the budget/);
});

test('the budget fields: empty is no limit, a number above 0 a limit, anything else an error naming the field', () => {
  assert.deepEqual(readBudget('', ' '), { budget: null });
  assert.deepEqual(readBudget('2.5', ''), { budget: { gpu_hours: 2.5 } });
  assert.deepEqual(readBudget('', '20'), { budget: { usd: 20 } });
  assert.equal(readBudget('0', '').error.field, 'budget.gpu_hours');
  assert.equal(readBudget('', 'lots').error.field, 'budget.usd');
  assert.equal(budgetChange({ usd: 20, gpu_hours: null }, { usd: 20 }), undefined);
  assert.deepEqual(budgetChange({ usd: 20 }, { usd: 30 }), { usd: 30 });
  assert.equal(budgetChange({ usd: 20 }, null), null);
  assert.equal(budgetChange(null, null), undefined);
});
