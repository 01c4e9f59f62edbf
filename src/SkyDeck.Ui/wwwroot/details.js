// The expanded panel under a row: the action bar, then configuration (details-config.js: the spec, its editor, the
// command that will run), jobs (details-jobs.js: history, timeline, logs) and activity (details-activity.js: the
// audit events). It refreshes live: every newer version of the experiment re-renders the configuration at once and
// re-reads jobs and events (debounced); running durations tick every second.

import { el } from './dom.js';
import { api } from './api.js';
import { jobIsLive, isGaveUp } from './format.js';
import * as actions from './actions.js';
import { view, updateView } from './view.js';
import { copyText } from './clipboard.js';
import { openExperimentDialog } from './form.js';
import { toast, errorToast } from './toast.js';
import { createConfigSection } from './details-config.js';
import { createJobsSection } from './details-jobs.js';
import { createActivitySection } from './details-activity.js';

const JOB_LIMIT = 50;

export function createDetails(initialDto) {
  let dto = initialDto;
  let fetchTimer = 0;
  let destroyed = false;
  const current = () => dto;

  const td = el('div', { class: 'details-cell', role: 'gridcell' });
  const tr = el('div', { class: 'detail-row', role: 'row', testid: 'details', dataset: { id: dto.id } }, td);

  // ----- skeleton -----
  const actionBar = el('div', { class: 'details-actions', testid: 'details-actions' });
  const config = createConfigSection({ current, onEditingChange: () => renderActions() });
  const jobs = createJobsSection({ current, refetch: () => scheduleFetch(0) });
  const activity = createActivitySection();
  td.append(el('div', { class: 'details' },
    actionBar,
    el('div', { class: 'details-grid' }, config.section, jobs.section),
    config.commandSection,
    activity.section));

  // ----- actions -----
  let actionsKey = '';

  function renderActions() {
    // rebuilt only when what they offer changes, so a focused button keeps its focus across live updates
    const isBaseline = view.base === dto.id;
    const key = `${dto.deleted}|${dto.desired_state}|${config.editing}|${dto.needs_restart}|${isBaseline}|${isGaveUp(dto)}`;
    if (key === actionsKey) return;
    actionsKey = key;
    const running = dto.desired_state === 'RUNNING';
    const buttons = [];
    if (dto.deleted) {
      buttons.push(button('Restore', 'detail-restore', () => actions.restore([dto.id]), 'primary'));
    } else {
      buttons.push(
        isGaveUp(dto) ? button('Retry', 'detail-retry', () => actions.retry(dto.id), 'primary') : null,
        button('Start', 'detail-start', () => actions.start(dto.id), isGaveUp(dto) ? '' : 'primary', running),
        button('Stop', 'detail-stop', () => actions.stop(dto.id), '', !running),
        dto.needs_restart && running
          ? button('Restart to apply', 'detail-restart', () => actions.restart(dto.id), 'primary')
          : null,
        button(config.editing ? 'Editing…' : 'Edit', 'detail-edit', () => config.startEditing(), '', config.editing),
        button('Duplicate', 'detail-duplicate', () => openExperimentDialog(dto)),
        button('Copy command', 'detail-copy-command', () => copyText(dto.command, 'Command')),
        button(isBaseline ? 'Baseline ✓' : 'Compare to this', 'detail-baseline', () => updateView({ base: isBaseline ? '' : dto.id }), isBaseline ? 'pressed' : ''),
        button('Poll SkyPilot now', 'detail-refresh', async () => {
          try {
            await api.refresh();
            toast('Asked SkyPilot for fresh status', { type: 'info' });
          } catch (e) {
            errorToast('Could not poll', e);
          }
        }),
        el('span', { class: 'spacer' }),
        button('Delete', 'detail-delete', () => actions.remove(dto.id), 'danger'));
    }
    actionBar.replaceChildren(...buttons.filter(Boolean));
  }

  function button(label, testid, onclick, cls = '', disabled = false) {
    return el('button', { type: 'button', class: cls, testid, onclick, disabled }, label);
  }

  // ----- data -----
  function scheduleFetch(delay = 250) {
    clearTimeout(fetchTimer);
    fetchTimer = setTimeout(fetchAll, delay);
  }

  // Jobs and events load independently (the event log can be slower); a refresh asked for while one is in flight
  // runs once more when it finishes, so the newest state always wins and nothing is aborted half-way.
  const loaders = {
    jobs: { busy: false, again: false, load: () => api.jobs(dto.id, JOB_LIMIT), apply: data => jobs.show(data.jobs || []), fail: e => jobs.fail(e) },
    events: { busy: false, again: false, load: () => api.events(dto.id), apply: data => activity.show(data.events || []), fail: e => activity.fail(e) },
  };

  async function load(loader) {
    if (loader.busy) {
      loader.again = true;
      return;
    }
    loader.busy = true;
    try {
      do {
        loader.again = false;
        try {
          const data = await loader.load();
          if (destroyed) return;
          loader.apply(data);
        } catch (e) {
          if (destroyed) return;
          loader.fail(e);
        }
      } while (loader.again && !destroyed);
    } finally {
      loader.busy = false;
    }
  }

  function fetchAll() {
    if (destroyed) return;
    load(loaders.jobs);
    load(loaders.events);
  }

  // Durations of running jobs and the timeline's "now" edge move every second; a slow safety refresh catches
  // anything the stream did not say (e.g. when it is down and polling only sees summaries).
  let ticks = 0;
  const ticker = setInterval(() => {
    if (!tr.isConnected) return;
    jobs.tick(Date.now());
    if (++ticks % 15 === 0 && dto.current_job && jobIsLive(dto.current_job)) scheduleFetch(0);
  }, 1000);

  function renderAll() {
    renderActions();
    config.render();
  }

  renderAll();
  fetchAll();

  return {
    tr,
    update(next) {
      const versionChanged = next.version !== dto.version;
      dto = next;
      renderAll();
      config.noteConflict();
      if (versionChanged) scheduleFetch();
    },
    destroy() {
      destroyed = true;
      jobs.close();
      clearInterval(ticker);
      clearTimeout(fetchTimer);
    },
  };
}
