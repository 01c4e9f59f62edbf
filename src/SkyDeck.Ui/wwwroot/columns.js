// Flag columns: discovered across experiments, optionally only those that vary, laid out as a tree of dotted keys
// for the multi-row header. A key that is also a prefix of another key (a.b and a.b.c, possible across experiments)
// keeps its own column: it becomes the first leaf of its group, labelled "(b)".

import { flagText } from './format.js';

/** Dotted keys compare segment by segment, so a.b, a.b.c and a.c stay adjacent. */
export function compareKeys(a, b) {
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    if (as[i] !== bs[i]) return as[i] < bs[i] ? -1 : 1;
  }
  return as.length - bs.length;
}

/**
 * Splits keys into those whose value differs between the given experiments and those that are the same for all
 * (a missing flag counts as a value). Returns {varying: [keys], constant: [{key, text}]}.
 */
export function splitVarying(keys, experiments) {
  const varying = [];
  const constant = [];
  for (const key of keys) {
    let first;
    let seen = false;
    let differs = false;
    for (const e of experiments) {
      const flags = e.flags || {};
      const text = key in flags ? typeof flags[key] + ':' + flagText(flags, key) : '∅';
      if (!seen) {
        first = text;
        seen = true;
      } else if (text !== first) {
        differs = true;
        break;
      }
    }
    if (differs) varying.push(key);
    else if (seen && first !== '∅') constant.push({ key, text: first.slice(first.indexOf(':') + 1) });
  }
  return { varying, constant };
}

/**
 * Header layout for the flag columns. Returns {depth, rows: [[cell]]} where a cell is
 * {kind:'group', label, path, colSpan} or {kind:'leaf', label, key, rowSpan}. Leaves appear in column order.
 */
export function headerLayout(keys) {
  const root = { children: new Map(), leaf: null };
  for (const key of keys) {
    let node = root;
    for (const segment of key.split('.')) {
      if (!node.children.has(segment)) node.children.set(segment, { children: new Map(), leaf: null, segment });
      node = node.children.get(segment);
    }
    node.leaf = key;
  }

  const depthOf = node => {
    let d = 0;
    for (const child of node.children.values()) d = Math.max(d, depthOf(child));
    return node.children.size ? d + 1 : 1;
  };
  const depth = keys.length ? depthOf(root) - 1 : 0;
  const rows = Array.from({ length: Math.max(depth, 1) }, () => []);

  const leafCount = node => (node.children.size ? (node.leaf ? 1 : 0) + [...node.children.values()].reduce((n, c) => n + leafCount(c), 0) : 1);

  const walk = (node, level, path) => {
    for (const child of node.children.values()) {
      const childPath = path ? `${path}.${child.segment}` : child.segment;
      if (child.children.size === 0) {
        rows[level].push({ kind: 'leaf', label: child.segment, key: child.leaf, rowSpan: depth - level });
      } else {
        rows[level].push({ kind: 'group', label: child.segment, path: childPath, colSpan: leafCount(child) });
        if (child.leaf) rows[level + 1].push({ kind: 'leaf', label: `(${child.segment})`, key: child.leaf, rowSpan: depth - level - 1 });
        walk(child, level + 1, childPath);
      }
    }
  };
  walk(root, 0, '');
  return { depth: Math.max(depth, 1), rows };
}

/** Leaves of a layout in column order (the order cells must be created in each row). */
export function leafOrder(keys) {
  // The tree walk visits keys in segment order, the same order compareKeys sorts them.
  return [...keys].sort(compareKeys);
}
