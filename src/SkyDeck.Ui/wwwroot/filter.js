// The filter box: space-separated terms, all of which must match.
//   text            id, name or run name contains it (case-insensitive)
//   key=value       a field or flag equals value; key may be a full flag key or its last segment(s) (lr matches trainer.lr)
//   key!=value      …differs (a missing flag differs)
//   key>n key<n key>=n key<=n   numeric comparisons
//   key=a*          * is a wildcard
//   has:key / -has:key          a flag is present / absent
// Fields: id, name, run, state (current), desired, nodes, gpus, job (SkyPilot status), tag, group, sweep, cloud, user-visible
// "restart" (restart=true: needs a restart to apply changes), deleted.

import { flagText, jobStatus } from './format.js';

const TERM = /(-?has:[^\s]+)|([^\s=!<>]+)(!=|>=|<=|=|>|<)("[^"]*"|[^\s]*)|("[^"]*"|[^\s]+)/g;

export function parseFilter(query) {
  const terms = [];
  const text = String(query || '');
  for (const m of text.matchAll(TERM)) {
    if (m[1]) {
      const negate = m[1].startsWith('-');
      terms.push({ kind: 'has', key: m[1].slice(negate ? 5 : 4), negate });
    } else if (m[2]) {
      terms.push({ kind: 'cmp', key: m[2], op: m[3], value: unquote(m[4]) });
    } else if (m[5]) {
      terms.push({ kind: 'text', value: unquote(m[5]).toLowerCase() });
    }
  }
  return terms;
}

function unquote(s) {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

const FIELDS = {
  id: e => e.id,
  name: e => e.name,
  run: e => e.run_name,
  run_name: e => e.run_name,
  state: e => e.current_state,
  current: e => e.current_state,
  desired: e => e.desired_state,
  nodes: e => e.nodes,
  gpus: e => e.gpus,
  job: e => jobStatus(e.current_job) || '',
  group: e => e.group || '',
  sweep: e => e.sweep || '',
  cloud: e => e.cloud || '',
  region: e => e.region || '',
  accelerator: e => e.accelerator || '',
  restart: e => e.needs_restart,
  deleted: e => e.deleted,
  tag: e => e.tags || [],
};

/** Flag keys that a filter key refers to: exact, or ending in ".key". */
function flagKeysFor(flags, key) {
  if (key in flags) return [key];
  const suffix = '.' + key;
  return Object.keys(flags).filter(k => k.endsWith(suffix));
}

function valuesFor(e, key) {
  const flags = e.flags || {};
  const lower = key.toLowerCase();
  if (lower.startsWith('flag.') || lower.startsWith('f.')) {
    const k = key.slice(key.indexOf('.') + 1);
    return flagKeysFor(flags, k).map(fk => ({ flags, fk }));
  }
  const flagKeys = flagKeysFor(flags, key);
  if (flagKeys.length) return flagKeys.map(fk => ({ flags, fk }));
  if (Object.hasOwn(FIELDS, lower)) {
    const v = FIELDS[lower](e);
    return Array.isArray(v) ? v : [v];
  }
  return [];
}

function textOf(v) {
  if (v && typeof v === 'object' && 'fk' in v) return flagText(v.flags, v.fk);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v === null || v === undefined ? '' : String(v);
}

function numberOf(v) {
  const raw = v && typeof v === 'object' && 'fk' in v ? v.flags[v.fk] : v;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return null;
}

function equals(v, wanted) {
  const text = textOf(v).toLowerCase();
  const w = wanted.toLowerCase();
  if (w.includes('*')) {
    const re = new RegExp('^' + w.split('*').map(escapeRe).join('.*') + '$', 's');
    return re.test(text);
  }
  if (text === w) return true;
  const n = numberOf(v);
  return n !== null && w.trim() !== '' && Number.isFinite(Number(w)) && n === Number(w);
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matchTerm(e, term) {
  if (term.kind === 'text') {
    if (!term.value) return true;
    return [e.id, e.name, e.run_name].some(s => (s || '').toLowerCase().includes(term.value));
  }
  if (term.kind === 'has') {
    const has = flagKeysFor(e.flags || {}, term.key).length > 0;
    return term.negate ? !has : has;
  }
  const values = valuesFor(e, term.key);
  switch (term.op) {
    case '=':
      return values.some(v => equals(v, term.value));
    case '!=':
      return !values.some(v => equals(v, term.value));
    default: {
      const wanted = Number(term.value);
      if (!Number.isFinite(wanted)) return false;
      return values.some(v => {
        const n = numberOf(v);
        if (n === null) return false;
        return term.op === '>' ? n > wanted : term.op === '<' ? n < wanted : term.op === '>=' ? n >= wanted : n <= wanted;
      });
    }
  }
}

/** A predicate for the query; an empty query matches everything. */
export function compileFilter(query) {
  const terms = parseFilter(query);
  if (terms.length === 0) return () => true;
  return e => terms.every(t => matchTerm(e, t));
}
