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

// What a query reads of a row, by row version: a store update replaces the dto, so the dto object is the version. The
// text terms search one lowercased string; flag keys are resolved once per set of keys (rows share them), and a flag's
// lowercased text is made once per row version, however many queries are typed.
const facts = new WeakMap(); // dto → {hay, keys, sig, lower}

function factsOf(e) {
  let f = facts.get(e);
  if (!f) {
    const keys = Object.keys(e.flags || {});
    // the three fields, lowercased, apart: a term never contains \u0000, so it matches inside one field only
    f = { hay: [e.id, e.name, e.run_name].map(s => String(s || '').toLowerCase()).join('\u0000'), keys, sig: keys.join('\n'), lower: new Map() };
    facts.set(e, f);
  }
  return f;
}

function textOf(v, f) {
  if (v && typeof v === 'object' && 'fk' in v) {
    let t = f.lower.get(v.fk);
    if (t === undefined) f.lower.set(v.fk, (t = flagText(v.flags, v.fk).toLowerCase()));
    return t;
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return (v === null || v === undefined ? '' : String(v)).toLowerCase();
}

function numberOf(v) {
  const raw = v && typeof v === 'object' && 'fk' in v ? v.flags[v.fk] : v;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return null;
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One term as a predicate, with everything that depends only on the query worked out once. */
function compileTerm(term) {
  if (term.kind === 'text') {
    const value = term.value;
    if (!value) return () => true;
    return e => factsOf(e).hay.includes(value);
  }
  const byFlags = new Map(); // a row's flag keys (their signature) → the flag keys this term refers to
  if (term.kind === 'has') {
    return e => {
      const f = factsOf(e);
      let fks = byFlags.get(f.sig);
      if (!fks) byFlags.set(f.sig, (fks = flagKeysFor(e.flags || {}, term.key)));
      return term.negate ? fks.length === 0 : fks.length > 0;
    };
  }
  const lower = term.key.toLowerCase();
  const prefixed = lower.startsWith('flag.') || lower.startsWith('f.');
  const flagKey = prefixed ? term.key.slice(term.key.indexOf('.') + 1) : term.key;
  const field = !prefixed && Object.hasOwn(FIELDS, lower) ? FIELDS[lower] : null;
  const values = (e, f) => {
    const flags = e.flags || {};
    let fks = byFlags.get(f.sig);
    if (!fks) byFlags.set(f.sig, (fks = flagKeysFor(flags, flagKey)));
    if (fks.length || prefixed) return fks.map(fk => ({ flags, fk }));
    if (!field) return [];
    const v = field(e);
    return Array.isArray(v) ? v : [v];
  };

  if (term.op === '=' || term.op === '!=') {
    const w = term.value.toLowerCase();
    const re = w.includes('*') ? new RegExp('^' + w.split('*').map(escapeRe).join('.*') + '$', 's') : null;
    const wanted = !re && w.trim() !== '' && Number.isFinite(Number(w)) ? Number(w) : null;
    const equals = (v, f) => {
      const text = textOf(v, f);
      if (re) return re.test(text);
      if (text === w) return true;
      if (wanted === null) return false;
      const n = numberOf(v);
      return n !== null && n === wanted;
    };
    const any = e => {
      const f = factsOf(e);
      return values(e, f).some(v => equals(v, f));
    };
    return term.op === '=' ? any : e => !any(e);
  }
  const wanted = Number(term.value);
  if (!Number.isFinite(wanted)) return () => false;
  const op = term.op;
  return e => values(e, factsOf(e)).some(v => {
    const n = numberOf(v);
    if (n === null) return false;
    return op === '>' ? n > wanted : op === '<' ? n < wanted : op === '>=' ? n >= wanted : n <= wanted;
  });
}

/** A predicate for the query (compiled once per query); an empty query matches everything. */
export function compileFilter(query) {
  const terms = parseFilter(query).map(compileTerm);
  if (terms.length === 0) return () => true;
  if (terms.length === 1) return terms[0];
  return e => terms.every(t => t(e));
}
