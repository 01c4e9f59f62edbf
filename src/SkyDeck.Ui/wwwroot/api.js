// The REST API client: JSON in and out, the caller's name on every change, ProblemDetails turned into ApiError.

const USER_KEY = 'skydeck.user';

export function getUser() {
  try {
    return (localStorage.getItem(USER_KEY) || '').trim() || 'anonymous';
  } catch {
    return 'anonymous';
  }
}

export function setUser(name) {
  const clean = (name || '').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 100);
  try {
    if (clean) localStorage.setItem(USER_KEY, clean);
    else localStorage.removeItem(USER_KEY);
  } catch { /* private mode: the name lasts for this page only */ }
  return clean || 'anonymous';
}

// Numbers keep their JSON spelling: flags distinguish 1 (integer) from 1.0 (float), and the server's type follows
// the spelling. The reviver records each number's source text against the object that holds it.
const numberSources = new WeakMap();

function reviver(key, value, context) {
  if (typeof value === 'number' && context && typeof context.source === 'string') {
    let sources = numberSources.get(this);
    if (!sources) numberSources.set(this, (sources = new Map()));
    sources.set(key, context.source);
  }
  return value;
}

export function parseJson(text) {
  return JSON.parse(text, reviver);
}

/** The JSON text a number was written as ("1.0", "3e-4"), or null when unknown. */
export function numberSource(holder, key) {
  return numberSources.get(holder)?.get(String(key)) ?? null;
}

/** Serialises one flag value as JSON, keeping a number's original spelling. */
export function flagValueJson(holder, key) {
  const value = holder[key];
  if (typeof value === 'number') {
    const source = numberSource(holder, key);
    if (source !== null && Number(source) === value) return source;
    return JSON.stringify(value);
  }
  return JSON.stringify(value);
}

/** Pretty JSON for a flags object (sorted keys, original number spelling). */
export function flagsToJson(flags) {
  const keys = Object.keys(flags || {}).sort();
  if (keys.length === 0) return '{}';
  return '{\n' + keys.map(k => `  ${JSON.stringify(k)}: ${flagValueJson(flags, k)}`).join(',\n') + '\n}';
}

export class ApiError extends Error {
  constructor(status, problem, fallback) {
    const detail = problem?.detail || problem?.title || fallback || `HTTP ${status}`;
    super(detail);
    this.status = status;
    this.problem = problem || null;
    /** {field: [messages]} from a validation problem. */
    this.fieldErrors = problem?.errors && typeof problem.errors === 'object' ? problem.errors : {};
  }
}

let redirecting = false;

/** This SkyDeck needs a token and the session is missing or expired: go to the sign-in page once. */
function signInAgain() {
  if (redirecting) return;
  redirecting = true;
  location.assign('/login.html');
}

async function request(method, path, { body, rawBody, signal } = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (rawBody !== undefined) payload = rawBody;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-SkyDeck-User'] = getUser();
    if (payload === undefined) payload = '{}';
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, signal, cache: 'no-store' });
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    throw new ApiError(0, null, 'SkyDeck is unreachable (network error)');
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = parseJson(text);
    } catch {
      data = null;
    }
  }
  if (response.status === 401) signInAgain();
  if (!response.ok) throw new ApiError(response.status, data, `${response.status} ${response.statusText}`.trim());
  return data;
}

const enc = encodeURIComponent;

export const api = {
  list: (includeDeleted = true) => request('GET', `/api/experiments${includeDeleted ? '?include_deleted=true' : ''}`),
  /** One page of the list, {experiments, next, total}: query is the query string (paging-core.js pageQuery). */
  page: (query, signal) => request('GET', `/api/experiments?${query}`, { signal }),
  get: id => request('GET', `/api/experiments/${enc(id)}`),
  create: body => request('POST', '/api/experiments', { body }),
  /** Creates from a body whose flags are raw JSON text, so number spelling survives. */
  createRaw: (fields, flagsText) => request('POST', '/api/experiments', { rawBody: withRawFlags(fields, flagsText) }),
  patchRaw: (id, fields, flagsText) => request('PATCH', `/api/experiments/${enc(id)}`, { rawBody: withRawFlags(fields, flagsText) }),
  remove: id => request('DELETE', `/api/experiments/${enc(id)}`),
  restore: id => request('POST', `/api/experiments/${enc(id)}/restore`),
  restart: id => request('POST', `/api/experiments/${enc(id)}/restart`),
  setState: (id, desired, reason) =>
    request('POST', `/api/experiments/${enc(id)}/state`, { body: reason ? { desired_state: desired, reason } : { desired_state: desired } }),
  setFlagsRaw: (id, flagsText) => request('POST', `/api/experiments/${enc(id)}/flags`, { rawBody: `{"flags":${flagsText}}` }),
  status: (id, limit = 10) => request('GET', `/api/experiments/${enc(id)}/status?limit=${limit}`),
  jobs: (id, limit = 50, signal) => request('GET', `/api/experiments/${enc(id)}/jobs?limit=${limit}`, { signal }),
  /** One page of every job, newest first: {jobs, next}; filter = {status, experiment, cluster}, after = a page's next. */
  allJobs: (filter = {}, after = null, limit = 50, signal) => {
    const q = new URLSearchParams({ limit: String(limit) });
    for (const key of ['status', 'experiment', 'cluster']) if (filter[key]) q.set(key, filter[key]);
    if (after) q.set('after', after);
    return request('GET', `/api/jobs?${q}`, { signal });
  },
  costs: (groupBy = 'experiment', signal) => request('GET', `/api/costs?group_by=${enc(groupBy)}`, { signal }),
  logs: (id, jobId, tail = 200, signal) => request('GET', `/api/experiments/${enc(id)}/jobs/${enc(jobId)}/logs?tail=${tail}`, { signal }),
  cancelJob: jobId => request('POST', `/api/jobs/${enc(jobId)}/cancel`),
  events: (id, signal) => request('GET', `/api/experiments/${enc(id)}/events`, { signal }),
  health: signal => request('GET', '/api/health', { signal }).catch(e => {
    // 503 with the health body is SkyDeck answering 'degraded' (SkyPilot failing or stale): shown, not an outage.
    if (e instanceof ApiError && e.status === 503 && e.problem?.skypilot) return e.problem;
    throw e;
  }),
  flagSchemas: () => request('GET', '/api/flag-schemas'),
  meta: () => request('GET', '/api/meta'),
  webhooks: signal => request('GET', '/api/webhooks', { signal }),
  refresh: () => request('POST', '/api/refresh'),
  /** A sweep's desired state, for every cell (bulk Start / Stop of a sweep selected whole). */
  setSweepState: (id, desired) => request('POST', `/api/sweeps/${enc(id)}/state`, { body: { desired_state: desired } }),
};

function withRawFlags(fields, flagsText) {
  const json = JSON.stringify(fields);
  if (flagsText === undefined || flagsText === null) return json;
  const inner = json.slice(1, -1);
  return `{${inner}${inner ? ',' : ''}"flags":${flagsText.trim()}}`;
}
