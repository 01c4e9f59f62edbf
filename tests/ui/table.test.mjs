// The table's pure parts: order (table-order.js), flag-key counts (table-keys.js), column widths (table-widths.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortList, sortChanged, nextSort, longestIncreasing, stateRank, setStateOrder, sortValueOf } from '../../src/SkyDeck.Ui/wwwroot/table-order.js';
import { createKeyCounts } from '../../src/SkyDeck.Ui/wwwroot/table-keys.js';
import { useTextMeasure, emptyWidths, measureRow, measureAll, measureCached, columnWidths, HIDEABLE } from '../../src/SkyDeck.Ui/wwwroot/table-widths.js';

const exp = (id, extra = {}) => ({ id, name: id, created_at: '2026-01-01T00:00:00Z', current_state: 'STOPPED', desired_state: 'STOPPED', nodes: 1, gpus: 1, flags: {}, ...extra });

test('no sort: newest first, ties by id', () => {
  const list = [exp('b'), exp('a'), exp('c', { created_at: '2026-02-01T00:00:00Z' })];
  assert.deepEqual(sortList(list, null).map(d => d.id), ['c', 'a', 'b']);
});

test('sort by a flag: numbers numerically, missing values last in both directions, ties by id', () => {
  const list = [exp('a', { flags: { lr: 0.1 } }), exp('b', { flags: {} }), exp('c', { flags: { lr: 0.01 } }), exp('d', { flags: { lr: 0.1 } })];
  assert.deepEqual(sortList([...list], { key: 'f:lr', dir: 1 }).map(d => d.id), ['c', 'a', 'd', 'b']);
  assert.deepEqual(sortList([...list], { key: 'f:lr', dir: -1 }).map(d => d.id), ['a', 'd', 'c', 'b']);
});

test('sort by current state follows the state order, which the server can replace', () => {
  const list = [exp('a', { current_state: 'STOPPED' }), exp('b', { current_state: 'RUNNING' }), exp('c', { current_state: 'FAILED' })];
  assert.deepEqual(sortList([...list], { key: 'current', dir: 1 }).map(d => d.id), ['b', 'c', 'a']);
  try {
    setStateOrder(['STOPPED', 'FAILED', 'RUNNING']);
    assert.equal(stateRank('STOPPED'), 0);
    assert.deepEqual(sortList([...list], { key: 'current', dir: 1 }).map(d => d.id), ['a', 'c', 'b']);
    setStateOrder([]); // nothing sent: the order stays
    assert.equal(stateRank('STOPPED'), 0);
  } finally {
    setStateOrder(['RUNNING', 'PENDING', 'LAUNCHING', 'RETRYING', 'STOPPING', 'TERMINATING', 'UNKNOWN', 'FAILED', 'SUCCEEDED', 'STOPPED', 'INIT', 'TERMINATED']);
  }
});

test('sort by text: collator order (numbers inside, case aside), numbers before text, ties by id in the same order', () => {
  const list = [exp('x10', { name: 'run 10' }), exp('x2', { name: 'Run 2' }), exp('x1', { name: 'run 2' }), exp('x3', { name: 7 }), exp('x4', { name: null })];
  assert.deepEqual(sortList([...list], { key: 'name', dir: 1 }).map(d => d.id), ['x3', 'x1', 'x2', 'x10', 'x4']);
  assert.deepEqual(sortList([...list], { key: 'name', dir: -1 }).map(d => d.id), ['x10', 'x1', 'x2', 'x3', 'x4']);
  assert.deepEqual(sortList([...list], { key: 'id', dir: 1 }).map(d => d.id), ['x1', 'x2', 'x3', 'x4', 'x10']);
  // another text column, then a new string: the ranks are remade and the orders stay the collator's
  const more = [...list, exp('x0', { name: 'a run' })];
  assert.deepEqual(sortList([...more], { key: 'desired', dir: 1 }).map(d => d.id), ['x0', 'x1', 'x2', 'x3', 'x4', 'x10']);
  assert.deepEqual(sortList([...more], { key: 'name', dir: 1 }).map(d => d.id), ['x3', 'x0', 'x1', 'x2', 'x10', 'x4']);
  assert.deepEqual(sortList([exp('b'), exp('B2'), exp('a10'), exp('a9')], null).map(d => d.id), ['a9', 'a10', 'b', 'B2']);
});

test('thousands of ties are broken by id in the collator order (the ids ranked midway through the sort)', () => {
  const ids = Array.from({ length: 3000 }, (_, i) => `t${(i * 7919) % 3000}`);
  const list = ids.map((id, i) => exp(id, { flags: { lr: i % 2 } }));
  const expected = lr => ids.filter((_, i) => i % 2 === lr).sort(new Intl.Collator('en', { numeric: true, sensitivity: 'base' }).compare);
  assert.deepEqual(sortList([...list], { key: 'f:lr', dir: 1 }).map(d => d.id), [...expected(0), ...expected(1)]);
  assert.deepEqual(sortList([...list].reverse(), { key: 'f:lr', dir: -1 }).map(d => d.id), [...expected(1), ...expected(0)]);
});

test('sort values are read once per row version: a new version of a row sorts by its new value', () => {
  const a = exp('a', { flags: { lr: 1 } });
  const b = exp('b', { flags: { lr: 2 } });
  assert.deepEqual(sortList([a, b], { key: 'f:lr', dir: 1 }).map(d => d.id), ['a', 'b']);
  assert.deepEqual(sortList([{ ...a, flags: { lr: 3 } }, b], { key: 'f:lr', dir: 1 }).map(d => d.id), ['b', 'a']);
  assert.deepEqual(sortList([a, b], { key: 'f:lr', dir: -1 }).map(d => d.id), ['b', 'a']);
});

test('a new version moves a row only when its sort value changed', () => {
  const before = exp('a', { flags: { lr: 1 }, name: 'x' });
  assert.equal(sortChanged(undefined, before, null), true);
  assert.equal(sortChanged(before, { ...before, name: 'y' }, { key: 'f:lr', dir: 1 }), false);
  assert.equal(sortChanged(before, { ...before, flags: { lr: 2 } }, { key: 'f:lr', dir: 1 }), true);
  assert.equal(sortChanged(before, { ...before, name: 'y' }, null), false);
  assert.equal(sortValueOf(before, 'f:missing'), null);
});

test('a header click cycles ascending, descending, unsorted; another column starts ascending', () => {
  assert.deepEqual(nextSort(null, 'id'), { key: 'id', dir: 1 });
  assert.deepEqual(nextSort({ key: 'id', dir: 1 }, 'id'), { key: 'id', dir: -1 });
  assert.equal(nextSort({ key: 'id', dir: -1 }, 'id'), null);
  assert.deepEqual(nextSort({ key: 'id', dir: -1 }, 'name'), { key: 'name', dir: 1 });
});

test('longest increasing subsequence: the rows that need not move', () => {
  assert.deepEqual([...longestIncreasing([0, 1, 2])].sort(), [0, 1, 2]);
  const kept = [...longestIncreasing([2, 0, 1, -1, 3])].sort();
  assert.deepEqual(kept, [1, 2, 4]);
  assert.deepEqual([...longestIncreasing([-1, -1])], []);
});

test('flag-key counts: a key stays while any counted row has it; dirty when the set changes', () => {
  const k = createKeyCounts();
  k.count(exp('a', { flags: { lr: 1, seed: 1 } }));
  k.count(exp('b', { flags: { lr: 2 } }));
  assert.deepEqual(k.keys().sort(), ['lr', 'seed']);
  k.dirty = false;
  k.uncount('b');
  assert.equal(k.dirty, false, 'lr is still used by a');
  k.uncount('a');
  assert.equal(k.dirty, true);
  assert.deepEqual(k.keys(), []);
  k.uncount('never-counted');
  k.count(exp('c', { flags: { x: 1 } }));
  k.clear();
  assert.deepEqual(k.keys(), []);
});

test('flag-key counts: rows of the same set of keys share it; a key goes only with the last row that has it', () => {
  const k = createKeyCounts();
  for (let i = 0; i < 3; i++) k.count(exp(`s${i}`, { flags: { lr: i, seed: i } }));
  k.count(exp('t', { flags: { seed: 9, x: true } }));
  k.count(exp('none', { flags: undefined }));
  assert.deepEqual(k.keys().sort(), ['lr', 'seed', 'x']);
  k.dirty = false;
  k.uncount('s0');
  k.uncount('s1');
  assert.deepEqual(k.keys().sort(), ['lr', 'seed', 'x']);
  assert.equal(k.dirty, false);
  k.uncount('s2');
  assert.deepEqual(k.keys().sort(), ['seed', 'x'], 'lr went with the last row that had it; t still has seed');
  assert.equal(k.dirty, true);
  // a new version of a row with other keys: uncounted, counted again
  k.dirty = false;
  k.uncount('t');
  k.count(exp('t', { flags: { seed: 9 } }));
  assert.deepEqual(k.keys().sort(), ['seed']);
  assert.equal(k.dirty, true);
});

test('widths: rows only widen columns; hidden base columns get a zero track; a Flags placeholder without flags', () => {
  useTextMeasure(text => text.length * 7); // 7 px per character, any font
  const keys = ['trainer.lr', 'seed'];
  const w = emptyWidths(keys);
  const before = { ...w, flags: [...w.flags] };
  measureRow(w, exp('x', { flags: { 'trainer.lr': 0.5 } }), keys);
  assert.deepEqual(w.flags, before.flags, 'a short value does not widen the header-wide column');
  measureRow(w, exp('y', { flags: { seed: 'a-very-long-seed-value-indeed' } }), keys);
  assert.ok(w.flags[1] > before.flags[1]);
  const all = measureAll([exp('a-much-longer-id-than-the-header'), exp('b')], keys);
  assert.ok(all.id > emptyWidths(keys).id);

  const list = columnWidths(all, new Set(['nodes', 'cost']), keys.length);
  assert.equal(list.length, 11 + keys.length);
  assert.equal(list[7], 0, 'nodes hidden');
  assert.equal(list[9], 0, 'cost hidden');
  assert.ok(list.every(px => Number.isInteger(px)));
  assert.deepEqual(columnWidths(emptyWidths([]), new Set(), 0).slice(11), [120]);
  // the movable base tracks follow the chosen order; the frozen four and the flags stay where they are
  const natural = columnWidths(all, new Set(['nodes']), keys.length);
  const moved = columnWidths(all, new Set(['nodes']), keys.length, ['cost', 'actions', 'desired', 'current', 'job', 'nodes', 'gpus']);
  assert.deepEqual(moved.slice(0, 4), natural.slice(0, 4));
  assert.deepEqual(moved.slice(4, 11), [natural[9], natural[10], natural[4], natural[5], natural[6], natural[7], natural[8]]);
  assert.deepEqual(moved.slice(11), natural.slice(11));
  assert.ok(HIDEABLE.includes('nodes') && !HIDEABLE.includes('id'));
});

test('a full pass merges per-row widths cached by row version: the same widths as measuring every row', () => {
  useTextMeasure(text => text.length * 7);
  const keys = ['trainer.lr', 'seed'];
  const list = [exp('a', { flags: { seed: 123456789 } }), exp('a-longer-id', { name: 'a much longer name', flags: { 'trainer.lr': 0.000001 } }), exp('c', { needs_restart: true })];
  const folded = emptyWidths(keys);
  for (const dto of list) measureRow(folded, dto, keys);
  assert.deepEqual(measureAll(list, keys), folded);
  assert.deepEqual(measureAll(list, keys), folded, 'from the cache');
  const changed = { ...list[0], flags: { seed: 'x'.repeat(40) } }; // a new version of a row is measured again
  assert.ok(measureAll([changed, ...list.slice(1)], keys).flags[1] > folded.flags[1]);
  assert.deepEqual(measureAll(list, ['seed']).flags.length, 1, 'another set of columns is measured again');
});

test('a live update widens through the same per-version cache, so the next full pass measures nothing again', () => {
  useTextMeasure(text => text.length * 7);
  const keys = ['trainer.lr', 'seed'];
  const list = [exp('a', { flags: { seed: 123456789 } }), exp('b-longer', { name: 'a longer name', flags: { 'trainer.lr': 0.25 } }), exp('c', { needs_restart: true })];
  const live = emptyWidths(keys);
  for (const dto of list) measureCached(live, dto, keys);
  const folded = emptyWidths(keys);
  for (const dto of list) measureRow(folded, dto, keys);
  assert.deepEqual(live, folded, 'the same widths as measuring each row');
  const before = measureAll.misses;
  assert.deepEqual(measureAll(list, [...keys]), folded, 'an equal set of columns in another array');
  assert.equal(measureAll.misses, before, 'every row came from the cache');
  measureAll(list, ['seed']);
  assert.equal(measureAll.misses, before + list.length, 'other columns: measured again');
});
