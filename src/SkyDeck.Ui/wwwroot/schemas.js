// Flag schemas (/api/flag-schemas) for typeahead: every key in use, its types, example values and how many experiments
// use it. Cached briefly; refreshed whenever an editor gains focus after the cache went stale.

import { api } from './api.js';

const TTL_MS = 15000;
let cache = { at: 0, flags: [], loading: null };

export async function loadSchemas(force = false) {
  if (!force && Date.now() - cache.at < TTL_MS) return cache.flags;
  if (cache.loading) return cache.loading;
  cache.loading = api.flagSchemas()
    .then(data => {
      cache = { at: Date.now(), flags: Array.isArray(data?.flags) ? data.flags : [], loading: null };
      return cache.flags;
    })
    .catch(() => {
      cache.loading = null;
      return cache.flags;
    });
  return cache.loading;
}

export function cachedSchemas() {
  return cache.flags;
}

/** Best matches first: whole-key prefix, then a segment prefix, then substring. */
export function matchSchemas(schemas, query, exclude = new Set(), limit = 12) {
  const q = query.trim().toLowerCase();
  const scored = [];
  for (const s of schemas) {
    if (exclude.has(s.key)) continue;
    const key = s.key.toLowerCase();
    let score;
    if (!q) score = 3;
    else if (key.startsWith(q)) score = 0;
    else if (key.split('.').some(seg => seg.startsWith(q)) || key.includes('.' + q)) score = 1;
    else if (key.includes(q)) score = 2;
    else continue;
    scored.push({ s, score });
  }
  scored.sort((a, b) => a.score - b.score || b.s.experiments - a.s.experiments || (a.s.key < b.s.key ? -1 : 1));
  return scored.slice(0, limit).map(x => x.s);
}
