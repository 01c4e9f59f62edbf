// The view (filter, sort, column and deleted toggles, open rows) lives in the URL hash so a view can be shared:
//   #q=lr%3D0.1&sort=-f:trainer.lr&varying=1&deleted=1&open=exp1,exp2
// and the all-jobs panel with its filters: &jobs=1&jstatus=RUNNING&jexp=exp1&jcluster=skydeck-exp1

const listeners = new Set();

export const view = {
  q: '',
  sort: null, // {key: 'id' | 'name' | 'desired' | 'current' | 'nodes' | 'gpus' | 'job' | 'f:<flag key>', dir: 1 | -1}
  varying: false,
  deleted: false,
  open: new Set(),
  jobs: false, // the all-jobs panel is open
  jobFilter: { status: '', experiment: '', cluster: '' },
};

export function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  view.q = params.get('q') || '';
  const sort = params.get('sort');
  view.sort = sort ? { key: sort.replace(/^-/, ''), dir: sort.startsWith('-') ? -1 : 1 } : null;
  view.varying = params.get('varying') === '1';
  view.deleted = params.get('deleted') === '1';
  view.open = new Set((params.get('open') || '').split(',').filter(Boolean));
  view.jobs = params.get('jobs') === '1';
  view.jobFilter = { status: params.get('jstatus') || '', experiment: params.get('jexp') || '', cluster: params.get('jcluster') || '' };
}

export function hashFor(v = view) {
  const params = new URLSearchParams();
  if (v.q) params.set('q', v.q);
  if (v.sort) params.set('sort', (v.sort.dir < 0 ? '-' : '') + v.sort.key);
  if (v.varying) params.set('varying', '1');
  if (v.deleted) params.set('deleted', '1');
  if (v.open.size) params.set('open', [...v.open].join(','));
  if (v.jobs) params.set('jobs', '1');
  if (v.jobFilter?.status) params.set('jstatus', v.jobFilter.status);
  if (v.jobFilter?.experiment) params.set('jexp', v.jobFilter.experiment);
  if (v.jobFilter?.cluster) params.set('jcluster', v.jobFilter.cluster);
  const text = params.toString();
  return text ? '#' + text : '';
}

let writing = false;

/** Updates part of the view, rewrites the URL (no history spam) and tells listeners what changed. */
export function updateView(patch) {
  Object.assign(view, patch);
  const hash = hashFor();
  if (hash !== location.hash && !(hash === '' && location.hash === '')) {
    writing = true;
    history.replaceState(null, '', location.pathname + location.search + hash);
    writing = false;
  }
  for (const listener of listeners) listener(patch);
}

export function onViewChange(listener) {
  listeners.add(listener);
}

export function shareableUrl() {
  return location.origin + location.pathname + hashFor();
}

window.addEventListener('hashchange', () => {
  if (writing) return;
  readHash();
  for (const listener of listeners) listener({ q: view.q, sort: view.sort, varying: view.varying, deleted: view.deleted, open: view.open, jobs: view.jobs, jobFilter: view.jobFilter });
});
