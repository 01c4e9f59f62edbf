// The toolbar's comparison controls: group by (a flag, the group, the sweep or the state), the column chooser (show or
// hide base and flag columns, move base columns after Name and flag columns left or right), the Starred toggle and the baseline chip. All of it is
// view state, so it lives in the URL like the filter and sort.

import { el, clear } from './dom.js';
import { orderColumns, moveColumn, orderBase, moveBase } from './columns.js';
import { view, updateView, onViewChange } from './view.js';
import { HIDEABLE, flagKeys, onFlagKeysChange, onTableChange, shownRows } from './table.js';
import { renderPlot, replaceTerms } from './parallel.js';
import { toast } from './toast.js';
import { paging } from './paging.js';

const BASE_LABELS = { name: 'Name', desired: 'Desired', current: 'Current', job: 'Job', nodes: 'Nodes', gpus: 'GPUs', cost: 'GPU-h · $', actions: 'Start / Stop' };
const byId = id => document.querySelector(`[data-testid="${id}"]`);

export function initCompare() {
  const groupBy = byId('group-by');
  const starred = byId('toggle-starred');
  const columns = byId('columns-button');
  const chooser = byId('column-chooser');
  const baseChip = byId('baseline-chip');

  const fillGroupBy = () => {
    const options = [['', 'No grouping'], ['group', 'Group'], ['sweep', 'Sweep'], ['state', 'State'], ...flagKeys().map(k => [`f:${k}`, k])];
    if (view.by && !options.some(([v]) => v === view.by)) options.push([view.by, view.by.replace(/^f:/, '')]);
    const signature = options.map(o => o[0]).join('\n');
    if (groupBy.dataset.signature !== signature) {
      groupBy.dataset.signature = signature;
      groupBy.replaceChildren(...options.map(([value, label]) => el('option', { value }, label)));
    }
    groupBy.value = view.by;
  };
  onFlagKeysChange(() => {
    fillGroupBy();
    if (!chooser.hidden) renderChooser();
  });
  groupBy.addEventListener('change', () => updateView({ by: groupBy.value, fold: new Set() }));
  starred.addEventListener('change', () => updateView({ starred: starred.checked }));

  const renderChooser = () => {
    clear(chooser);
    const item = (key, label, mono) => {
      const box = el('input', { type: 'checkbox', testid: 'column-toggle', dataset: { key } });
      box.checked = !view.hide.has(key);
      box.addEventListener('change', () => {
        const hide = new Set(view.hide);
        if (box.checked) hide.delete(key);
        else hide.add(key);
        updateView({ hide });
      });
      return el('label', { class: `chooser-item${mono ? ' mono' : ''}` }, box, ` ${label}`);
    };
    // flag columns in the order shown, each with buttons to move it left or right (keyboard: Tab to them, Enter)
    const flags = orderColumns(flagKeys(), view.cols);
    const move = (key, delta) => {
      const cols = moveColumn(orderColumns(flagKeys(), view.cols), key, delta);
      updateView({ cols });
      const again = chooser.querySelector(`[data-testid="column-${delta < 0 ? 'left' : 'right'}"][data-key="${CSS.escape(key)}"]`);
      (again && !again.disabled ? again : chooser.querySelector(`[data-testid="column-toggle"][data-key="${CSS.escape(`f:${key}`)}"]`))?.focus();
    };
    // base columns: Name (frozen, as are the box and ID) can be hidden; the others move too (Start / Stop always shows)
    const base = orderBase(view.basecols);
    const moveB = (key, delta) => {
      updateView({ basecols: moveBase(view.basecols, key, delta) });
      const again = chooser.querySelector(`[data-testid="base-${delta < 0 ? 'left' : 'right'}"][data-key="${key}"]`);
      (again && !again.disabled ? again : chooser.querySelector(`[data-testid="chooser-base"][data-key="${key}"] button:not([disabled])`))?.focus();
    };
    const baseItem = (k, i) => el('div', { class: 'chooser-row', testid: 'chooser-base', dataset: { key: k } },
      HIDEABLE.includes(k) ? item(k, BASE_LABELS[k]) : el('span', { class: 'chooser-item' }, BASE_LABELS[k]),
      el('span', { class: 'chooser-moves' },
        el('button', { type: 'button', class: 'small', testid: 'base-left', dataset: { key: k }, disabled: i === 0, 'aria-label': `Move ${BASE_LABELS[k]} left`, title: 'Move left', onclick: () => moveB(k, -1) }, '←'),
        el('button', { type: 'button', class: 'small', testid: 'base-right', dataset: { key: k }, disabled: i === base.length - 1, 'aria-label': `Move ${BASE_LABELS[k]} right`, title: 'Move right', onclick: () => moveB(k, 1) }, '→')));
    const flagItem = (k, i) => el('div', { class: 'chooser-row', testid: 'chooser-flag', dataset: { key: k } },
      item(`f:${k}`, k, true),
      el('span', { class: 'chooser-moves' },
        el('button', { type: 'button', class: 'small', testid: 'column-left', dataset: { key: k }, disabled: i === 0, 'aria-label': `Move ${k} left`, title: 'Move left', onclick: () => move(k, -1) }, '←'),
        el('button', { type: 'button', class: 'small', testid: 'column-right', dataset: { key: k }, disabled: i === flags.length - 1, 'aria-label': `Move ${k} right`, title: 'Move right', onclick: () => move(k, 1) }, '→')));
    chooser.append(
      el('div', { class: 'chooser-title' }, 'Columns'),
      item('name', BASE_LABELS.name),
      ...base.map(baseItem),
      el('div', { class: 'chooser-title' }, flags.length ? 'Flags' : 'No flags'),
      ...flags.map(flagItem),
      el('button', { type: 'button', class: 'link', testid: 'columns-show-all', onclick: () => updateView({ hide: new Set() }) }, 'Show all'),
      view.cols.length || view.basecols.length
        ? el('button', { type: 'button', class: 'link', testid: 'columns-reset-order', onclick: () => updateView({ cols: [], basecols: [] }) }, 'Reset order')
        : null);
  };
  columns.addEventListener('click', () => {
    const open = chooser.hidden;
    chooser.hidden = !open;
    columns.setAttribute('aria-expanded', String(open));
    if (open) renderChooser();
  });
  document.addEventListener('click', e => {
    // (composedPath: a button the chooser re-rendered away is no longer inside it, but the click was)
    if (!chooser.hidden && !e.composedPath().includes(chooser) && e.target !== columns) {
      chooser.hidden = true;
      columns.setAttribute('aria-expanded', 'false');
    }
  });
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && !chooser.hidden) {
      chooser.hidden = true;
      columns.setAttribute('aria-expanded', 'false');
      columns.focus();
    }
  });

  // the parallel-coordinates plot: redrawn (at most every 300 ms) when what the table shows changes
  const plotButton = byId('plot-button');
  const plotPanel = byId('plot-panel');
  let plotTimer = 0;
  const drawPlot = () => {
    plotTimer = 0;
    if (!view.plot) return;
    if (paging.active) {
      plotPanel.replaceChildren(el('p', { class: 'muted', testid: 'plot-paged' }, 'The plot draws every row shown, and the table is paged (it loads rows as you scroll): filter the table down to draw it.'));
      return;
    }
    const { rows, keys } = shownRows();
    renderPlot(plotPanel, rows, keys, (key, terms) => {
      if (!terms) {
        toast(`Brush one category of ${key}, or a range of a numeric axis`, { type: 'info' });
        return;
      }
      updateView({ q: replaceTerms(view.q, key, terms) });
    });
  };
  const schedulePlot = () => {
    if (view.plot && !plotTimer) plotTimer = setTimeout(drawPlot, 300);
  };
  onTableChange(schedulePlot);
  plotButton.addEventListener('click', () => updateView({ plot: !view.plot }));

  const sync = () => {
    fillGroupBy();
    plotButton.setAttribute('aria-pressed', String(view.plot));
    plotButton.classList.toggle('pressed', view.plot);
    if (plotPanel.hidden === view.plot) {
      plotPanel.hidden = !view.plot;
      if (view.plot) drawPlot();
      else clear(plotPanel);
    }
    starred.checked = view.starred;
    const hidden = view.hide.size;
    columns.textContent = hidden ? `Columns (${hidden} hidden)` : 'Columns';
    baseChip.hidden = !view.base;
    if (view.base) {
      baseChip.replaceChildren(
        el('span', null, 'Baseline: '), el('strong', { class: 'mono' }, view.base),
        el('button', { type: 'button', class: 'link', testid: 'baseline-clear', 'aria-label': 'Stop comparing to the baseline', onclick: () => updateView({ base: '' }) }, '✕'));
    }
    if (!chooser.hidden) renderChooser();
  };
  sync();
  onViewChange(sync);
}
