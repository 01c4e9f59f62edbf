// The paged table's pure parts (src/SkyDeck.Ui/wwwroot/paging-core.js): the server's sort for the view's, the pages a
// window needs, the loaded pages' order with holes, and what a live change means for what is loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canSortPaged, serverSort, pageQuery, pagesCovering, PageSet, changeEffect } from '../../src/SkyDeck.Ui/wwwroot/paging-core.js';
import { compileFilter } from '../../src/SkyDeck.Ui/wwwroot/filter.js';

test('the view\'s sort becomes the server\'s: columns renamed, flags as they are, newest first without one', () => {
  assert.equal(serverSort(null), 'created:desc');
  assert.equal(serverSort({ key: 'id', dir: 1 }), 'id');
  assert.equal(serverSort({ key: 'current', dir: -1 }), 'state:desc');
  assert.equal(serverSort({ key: 'desired', dir: 1 }), 'desired');
  assert.equal(serverSort({ key: 'f:trainer.lr', dir: -1 }), 'f:trainer.lr:desc');
  // a column the server cannot sort by: the default order (the header marks it not sortable)
  assert.equal(serverSort({ key: 'gpus', dir: 1 }), 'created:desc');
  assert.deepEqual(['id', 'name', 'desired', 'current', 'f:x', 'job', 'nodes', 'gpus', 'cost', 'f:'].map(canSortPaged),
    [true, true, true, true, true, false, false, false, false, false]);
});

test('a page\'s query carries the filter as typed, the sort, deleted rows, the offset and the size', () => {
  const params = new URLSearchParams(pageQuery({ q: 'lr>=0.1 state=running', sort: { key: 'f:lr', dir: -1 }, deleted: true }, 400, 200));
  assert.equal(params.get('q'), 'lr>=0.1 state=running');
  assert.equal(params.get('sort'), 'f:lr:desc');
  assert.equal(params.get('include_deleted'), 'true');
  assert.equal(params.get('offset'), '400');
  assert.equal(params.get('limit'), '200');
  assert.equal(new URLSearchParams(pageQuery({ q: '', sort: null, deleted: false }, 0, 200)).has('q'), false);
});

test('the pages covering a window', () => {
  assert.deepEqual(pagesCovering(0, 30, 200), [0]);
  assert.deepEqual(pagesCovering(190, 230, 200), [0, 1]);
  assert.deepEqual(pagesCovering(50_000, 50_040, 200), [250]);
  assert.deepEqual(pagesCovering(10, 10, 200), []);
});

test('loaded pages give the order with holes where nothing is loaded, and a newer page wins over a stale one', () => {
  const set = new PageSet(2);
  const gen = set.renew(true);
  assert.equal(set.put(0, ['a', 'b'], 6, gen), true);
  assert.equal(set.put(2, ['e', 'f'], 6, gen), true);
  let { order, index } = set.order();
  assert.deepEqual([...order], ['a', 'b', undefined, undefined, 'e', 'f']);
  assert.equal(index.get('e'), 4);
  assert.equal(index.has('c'), false);

  // a live change: page 0 comes again with 'e' moved into it; the stale page 2 still shows 'f' but not 'e' twice
  const again = set.renew(false);
  assert.equal(set.fresh(0), false);
  assert.equal(set.put(0, ['e', 'a'], 6, again), true);
  ({ order, index } = set.order());
  assert.deepEqual([...order], ['e', 'a', undefined, undefined, undefined, 'f']);
  assert.equal(index.get('e'), 0);
  assert.equal(set.fresh(0), true);
  assert.equal(set.fresh(2), false);

  // a page of an older generation that arrives late is ignored
  assert.equal(set.put(1, ['x', 'y'], 6, gen), false);
});

test('another query keeps the old rows shown until its first page arrives, then drops them; a shrunk total drops pages past it', () => {
  const set = new PageSet(2);
  set.put(0, ['a', 'b'], 4, set.renew(true));
  set.put(1, ['c', 'd'], 4, set.gen);
  const gen = set.renew(true);
  assert.deepEqual([...set.order().order], ['a', 'b', 'c', 'd']);
  set.put(0, ['z'], 1, gen);
  assert.deepEqual([...set.order().order], ['z']);
  assert.deepEqual([...set.ids()], ['z']);
});

test('eviction keeps the pages asked for and drops the farthest first', () => {
  const set = new PageSet(1);
  const gen = set.renew(true);
  for (let p = 0; p < 10; p++) set.put(p, [`r${p}`], 10, gen);
  set.evict(new Set([0]), 5, 4);
  assert.deepEqual([...set.pages.keys()].sort((a, b) => a - b), [0, 4, 5, 6]);
});

test('a live change: a loaded row that stays put is patched; one that leaves the filter or moves reloads', () => {
  const matches = compileFilter('state=running');
  const before = { id: 'a', version: 3, current_state: 'RUNNING', desired_state: 'RUNNING', created_at: '2026-01-01T00:00:00Z', deleted: false, flags: { lr: 0.1 } };
  const base = { q: 'state=running', deleted: false, sort: { key: 'f:lr', dir: 1 }, matches };
  assert.equal(changeEffect({ ...base, before, after: { ...before, version: 4, name: 'renamed' } }), 'patch');
  assert.equal(changeEffect({ ...base, before, after: { ...before, version: 4, current_state: 'STOPPED' } }), 'refetch');
  assert.equal(changeEffect({ ...base, before, after: { ...before, version: 4, flags: { lr: 0.2 } } }), 'refetch');
  assert.equal(changeEffect({ ...base, before, after: { ...before, version: 4, deleted: true } }), 'refetch');
});

test('a live change of a row not loaded: reloads only when it can change which rows match or where', () => {
  const all = compileFilter('');
  const row = { id: 'z', version: 7, current_state: 'RUNNING', created_at: '2026-01-01T00:00:00Z', deleted: false, flags: {} };
  const none = { q: '', deleted: false, sort: null, matches: all };
  // no filter, newest first: an old row changing moves nothing; a new one arrives at the top
  assert.equal(changeEffect({ ...none, after: row }), 'ignore');
  assert.equal(changeEffect({ ...none, after: { ...row, version: 1 } }), 'refetch');
  assert.equal(changeEffect({ ...none, sort: { key: 'id', dir: 1 }, after: row }), 'ignore');
  // sorted by something that changes, filtered, deleted or restored: it may have moved, entered or left
  assert.equal(changeEffect({ ...none, sort: { key: 'current', dir: 1 }, after: row }), 'refetch');
  assert.equal(changeEffect({ ...none, q: 'state=running', matches: compileFilter('state=running'), after: row }), 'refetch');
  assert.equal(changeEffect({ ...none, after: { ...row, deleted: true } }), 'refetch');
  assert.equal(changeEffect({ ...none, after: row, wasDeleted: true }), 'refetch');
  assert.equal(changeEffect({ ...none, deleted: true, after: { ...row, deleted: true } }), 'ignore');
});

test('another query\'s count is known only once one of its pages came', () => {
  const set = new PageSet(2);
  assert.equal(set.counted, false);
  set.put(0, ['a'], 1, set.renew(true));
  assert.equal(set.counted, true);
  set.renew(false); // a reload of the same query keeps the count
  assert.equal(set.counted, true);
  set.renew(true);
  assert.equal(set.counted, false);
});
