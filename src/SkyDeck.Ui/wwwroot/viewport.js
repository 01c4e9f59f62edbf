// Which rows of a long list to render: a pure window computation for the virtualized table. Every row is rowHeight
// tall; an open row is followed by its details panel, whose measured height is an "extra" after that row. Only the
// rows in the viewport, plus a few either side (overscan), exist in the DOM; padding above and below stands in for
// the rest, so the scrollbar has the full height.

/**
 * @param {object} p
 * @param {number} p.count          rows in the list
 * @param {number} p.rowHeight      px per row
 * @param {Array<[number, number]>} p.extras  [row index, px of the panel after it], sorted by index
 * @param {number} p.scrollTop      px scrolled past the top of the list (may be negative: the list starts lower)
 * @param {number} p.height         px of the list visible in the viewport
 * @param {number} [p.overscan=8]   rows rendered beyond each edge
 * @returns {{start: number, end: number, top: number, bottom: number, total: number}} rows [start, end) are rendered;
 *          top / bottom are the px to leave above / below them; total is the height of the whole list
 */
export function windowFor({ count, rowHeight, extras = [], scrollTop, height, overscan = 8 }) {
  const total = count * rowHeight + extras.reduce((sum, [, h]) => sum + h, 0);
  if (count === 0) return { start: 0, end: 0, top: 0, bottom: 0, total: 0 };
  const first = Math.max(0, Math.min(indexAt(Math.max(0, scrollTop), rowHeight, extras), count - 1));
  const last = Math.max(first, Math.min(indexAt(Math.max(0, scrollTop + height), rowHeight, extras), count - 1));
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, last + 1 + overscan);
  const top = offsetOf(start, rowHeight, extras);
  return { start, end, top, bottom: total - offsetOf(end, rowHeight, extras), total };
}

/** px from the top of the list to the top of row `index` (the panels of open rows before it included). */
export function offsetOf(index, rowHeight, extras = []) {
  let y = index * rowHeight;
  for (const [i, h] of extras) {
    if (i >= index) break;
    y += h;
  }
  return y;
}

/** The row at px `y` from the top of the list (a y inside a row's panel counts as that row). */
export function indexAt(y, rowHeight, extras = []) {
  let skipped = 0; // px of panels above the current candidate
  for (const [i, h] of extras) {
    const panelTop = (i + 1) * rowHeight + skipped;
    if (y < panelTop) break;
    if (y < panelTop + h) return i;
    skipped += h;
  }
  return Math.floor((y - skipped) / rowHeight);
}
