// The view (filter, sort, column and deleted toggles, open rows, grouping, baseline, hidden columns, starred, plot)
// lives in the URL hash so a view can be shared:
//   #q=lr%3D0.1&sort=-f:trainer.lr&varying=1&deleted=1&open=exp1,exp2&by=f:trainer.lr&fold=0.1&base=exp1&hide=nodes,f:seed&cols=seed,trainer.lr&basecols=cost,job&starred=1&plot=1
// and the all-jobs panel with its filters: &jobs=1&jstatus=RUNNING&jexp=exp1&jcluster=skydeck-exp1

const listeners = new Set();

export const view = {
  q: '',
  sort: null, // {key: 'id' | 'name' | 'desired' | 'current' | 'nodes' | 'gpus' | 'job' | 'f:<flag key>', dir: 1 | -1}
  varying: false,
  deleted: false,
  open: new Set(),
  by: '', // group rows by: '' | 'group' | 'sweep' | 'state' | 'f:<flag key>'
  fold: new Set(), // values of the groups shown folded
  base: '', // the baseline experiment: cells of other rows that differ from it are tinted
  hide: new Set(), // hidden columns: base column keys ('nodes') and flag columns ('f:<key>')
  cols: [], // the flag columns' chosen order (keys, first to last; columns.js orderColumns)
  basecols: [], // the movable base columns' chosen order (columns.js orderBase): Desired … Start/Stop
  starred: false, // only starred experiments
  plot: false, // the parallel-coordinates plot is open
  jobs: false, // the all-jobs panel is open
  jobFilter: { status: '', experiment: '', cluster: '' },
};

const list = text => new Set((text || '').split(',').filter(Boolean));

export function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  view.q = params.get('q') || '';
  const sort = params.get('sort');
  view.sort = sort ? { key: sort.replace(/^-/, ''), dir: sort.startsWith('-') ? -1 : 1 } : null;
  view.varying = params.get('varying') === '1';
  view.deleted = params.get('deleted') === '1';
  view.open = new Set((params.get('open') || '').split(',').filter(Boolean));
  view.by = params.get('by') || '';
  view.fold = list(params.get('fold'));
  view.base = params.get('base') || '';
  view.hide = list(params.get('hide'));
  view.cols = [...list(params.get('cols'))];
  view.basecols = [...list(params.get('basecols'))];
  view.starred = params.get('starred') === '1';
  view.plot = params.get('plot') === '1';
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
  if (v.by) params.set('by', v.by);
  if (v.by && v.fold.size) params.set('fold', [...v.fold].join(','));
  if (v.base) params.set('base', v.base);
  if (v.hide.size) params.set('hide', [...v.hide].join(','));
  if (v.cols?.length) params.set('cols', v.cols.join(','));
  if (v.basecols?.length) params.set('basecols', v.basecols.join(','));
  if (v.starred) params.set('starred', '1');
  if (v.plot) params.set('plot', '1');
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
  const { q, sort, varying, deleted, open, by, fold, base, hide, cols, basecols, starred, plot, jobs, jobFilter } = view;
  for (const listener of listeners) listener({ q, sort, varying, deleted, open, by, fold, base, hide, cols, basecols, starred, plot, jobs, jobFilter });
});
