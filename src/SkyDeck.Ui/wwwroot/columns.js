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

/**
 * Flag keys in the order the user chose (`order`: keys, first to last; keys it does not name follow in their own
 * order), kept as a tree: a dotted group stays together, at the place of its first member, so the header tree and
 * the cells agree. Within a group, a key with its own column ("(b)") comes first, as in headerLayout.
 */
export function orderColumns(keys, order) {
  if (!order || order.length === 0) return keys;
  const rank = new Map(order.map((k, i) => [k, i]));
  const ranked = keys.map((k, i) => [k, rank.has(k) ? rank.get(k) : order.length + i]).sort((a, b) => a[1] - b[1]).map(([k]) => k);
  return flatten(tree(ranked));
}

/**
 * The order after moving `key` one place left (delta -1) or right (+1) among `shown` (keys in tree order, as
 * displayed): it swaps places with its neighbour in its group (a neighbouring group moves as one); at the edge of its
 * group, the whole group moves instead. Unchanged at the edge of the table.
 */
export function moveColumn(shown, key, delta) {
  const root = tree(shown);
  const segments = key.split('.');
  const path = [root];
  for (const segment of segments) {
    const next = path.at(-1).children.get(segment);
    if (!next) return shown;
    path.push(next);
  }
  for (let depth = segments.length; depth >= 1; depth--) {
    const parent = path[depth - 1];
    const entries = [...parent.children.entries()];
    const i = entries.findIndex(([segment]) => segment === segments[depth - 1]);
    const j = i + delta;
    if (j < 0 || j >= entries.length) continue; // first (or last) in its group: move the group
    [entries[i], entries[j]] = [entries[j], entries[i]];
    parent.children = new Map(entries);
    return flatten(root);
  }
  return shown;
}

function tree(keys) {
  const root = { children: new Map(), leaf: null };
  for (const key of keys) {
    let node = root;
    for (const segment of key.split('.')) {
      if (!node.children.has(segment)) node.children.set(segment, { children: new Map(), leaf: null });
      node = node.children.get(segment);
    }
    node.leaf = key;
  }
  return root;
}

function flatten(root) {
  const out = [];
  const walk = node => {
    for (const child of node.children.values()) {
      if (child.leaf !== null) out.push(child.leaf);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** Base columns that can be moved: every one after the frozen selection box, expander, ID and Name. */
export const MOVABLE_BASE = ['desired', 'current', 'job', 'nodes', 'gpus', 'cost', 'actions'];

/**
 * The movable base columns in the order the user chose (`order`: keys, first to last; unknown keys are dropped, the
 * ones it does not name follow in their natural order).
 */
export function orderBase(order) {
  const chosen = (order || []).filter((k, i, all) => MOVABLE_BASE.includes(k) && all.indexOf(k) === i);
  return [...chosen, ...MOVABLE_BASE.filter(k => !chosen.includes(k))];
}

/** The base order after moving `key` one place left (delta -1) or right (+1); unchanged at either end. */
export function moveBase(order, key, delta) {
  const list = orderBase(order);
  const i = list.indexOf(key);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= list.length) return list;
  [list[i], list[j]] = [list[j], list[i]];
  return list;
}
