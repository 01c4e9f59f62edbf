// The virtualized table's window computation (src/SkyDeck.Ui/wwwroot/viewport.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexAt, offsetOf, windowFor } from '../../src/SkyDeck.Ui/wwwroot/viewport.js';

test('an empty list renders nothing', () => {
  assert.deepEqual(windowFor({ count: 0, rowHeight: 30, scrollTop: 0, height: 600 }), { start: 0, end: 0, top: 0, bottom: 0, total: 0 });
});

test('at the top: the visible rows plus the overscan below', () => {
  const w = windowFor({ count: 10000, rowHeight: 30, scrollTop: 0, height: 600, overscan: 5 });
  assert.deepEqual(w, { start: 0, end: 26, top: 0, bottom: (10000 - 26) * 30, total: 300000 });
});

test('scrolled into the middle: overscan on both sides, padding fills the rest exactly', () => {
  const w = windowFor({ count: 10000, rowHeight: 30, scrollTop: 150000, height: 600, overscan: 5 });
  assert.equal(w.start, 4995);
  assert.equal(w.end, 5026);
  assert.equal(w.top + (w.end - w.start) * 30 + w.bottom, w.total);
});

test('at the bottom the window ends with the list', () => {
  const w = windowFor({ count: 100, rowHeight: 30, scrollTop: 3000 - 600, height: 600, overscan: 5 });
  assert.equal(w.end, 100);
  assert.equal(w.bottom, 0);
});

test('a list shorter than the viewport renders every row', () => {
  assert.deepEqual(windowFor({ count: 3, rowHeight: 30, scrollTop: 0, height: 600 }), { start: 0, end: 3, top: 0, bottom: 0, total: 90 });
});

test('scrolling past the end (a shrinking list) still renders its last rows', () => {
  const w = windowFor({ count: 50, rowHeight: 30, scrollTop: 90000, height: 600, overscan: 2 });
  assert.equal(w.end, 50);
  assert.equal(w.start, 47);
});

test('open panels push the rows below them down', () => {
  const extras = [[2, 400], [10, 100]];
  assert.equal(offsetOf(2, 30, extras), 60);
  assert.equal(offsetOf(3, 30, extras), 90 + 400);
  assert.equal(offsetOf(11, 30, extras), 330 + 500);
  assert.equal(indexAt(0, 30, extras), 0);
  assert.equal(indexAt(89, 30, extras), 2);
  assert.equal(indexAt(90, 30, extras), 2, 'inside the panel of row 2');
  assert.equal(indexAt(489, 30, extras), 2);
  assert.equal(indexAt(490, 30, extras), 3);
  assert.equal(indexAt(330 + 400 + 99, 30, extras), 10, 'inside the second panel');
  assert.equal(indexAt(330 + 500, 30, extras), 11);
  const w = windowFor({ count: 1000, rowHeight: 30, extras, scrollTop: 0, height: 600, overscan: 0 });
  assert.equal(w.start, 0);
  assert.equal(w.end, 7, 'rows 0–2, the panel, then rows 3–6 fill 600 px');
  assert.equal(w.total, 30000 + 500);
});

test('offsetOf and indexAt agree for every row', () => {
  const extras = [[0, 45], [7, 300], [8, 12]];
  for (let i = 0; i < 40; i++) assert.equal(indexAt(offsetOf(i, 31, extras), 31, extras), i);
});
