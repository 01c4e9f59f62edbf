// The virtualized table's window computation (src/SkyDeck.Ui/wwwroot/viewport.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexAt, offsetOf, windowFor, windowHolds } from '../../src/SkyDeck.Ui/wwwroot/viewport.js';

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

test('a window holds while the view stays `ahead` rows inside it, and not after the list or a panel changed', () => {
  const p = { count: 1000, rowHeight: 30, extras: [], scrollTop: 3000, height: 300 }; // rows 100…110 in view
  const win = windowFor({ ...p, overscan: 20 }); // rows 80…130
  assert.deepEqual([win.start, win.end], [80, 131]);
  assert.equal(windowHolds(win, p, 4), true);
  assert.equal(windowHolds(win, { ...p, scrollTop: 3000 + 16 * 30 }, 4), true, '16 rows down: 4 still ahead');
  assert.equal(windowHolds(win, { ...p, scrollTop: 3000 + 17 * 30 }, 4), false, '17 rows down: fewer than 4 ahead');
  assert.equal(windowHolds(win, { ...p, scrollTop: 3000 - 17 * 30 }, 4), false, 'the same going up');
  assert.equal(windowHolds(win, { ...p, count: 999 }, 4), false, 'the list changed');
  assert.equal(windowHolds(win, { ...p, extras: [[5, 200]] }, 4), false, 'a panel above it opened');
  const withPanel = { ...p, extras: [[100, 200]] };
  const w2 = windowFor({ ...withPanel, overscan: 20 });
  assert.equal(windowHolds(w2, withPanel, 4), true);
  assert.equal(windowHolds(w2, { ...withPanel, extras: [[100, 260]] }, 4), false, 'a panel inside it grew');
});
