// The details panel's configuration: every field of the spec (and its flags) as a list, the in-place editor with
// its conflict notice when the server's version moves on, and the command that will run (beside the running job's
// old one when they differ).

import { el } from './dom.js';
import { api } from './api.js';
import { store } from './store.js';
import {
  badge, jobIsLive, formatTime, flagKind, flagText, costText, costBreakdown, costNow, attemptStrip, attemptTitle, retryText,
} from './format.js';
import { copyText } from './clipboard.js';
import { createSpecForm } from './specform.js';
import { toast } from './toast.js';

/**
 * @param {object} p
 * @param {() => object} p.current      the experiment as it is now
 * @param {() => void} p.onEditingChange the editor opened or closed (the action bar follows)
 */
export function createConfigSection({ current, onEditingChange }) {
  let editing = null; // {spec, notice, baseVersion}
  const configBody = el('div', { class: 'config-body', testid: 'details-config' });
  const section = el('section', { class: 'panel panel-config' }, el('h2', null, 'Configuration'), configBody);
  const commandBody = el('div', { class: 'command-body' });
  const commandSection = el('section', { class: 'panel panel-command' }, el('h2', null, 'Command that will run'), commandBody);

  // ----- configuration -----
  function renderConfig() {
    if (editing) return;
    const dto = current();
    const resources = `${dto.nodes} node${dto.nodes === 1 ? '' : 's'} × ${dto.gpus} GPU${dto.gpus === 1 ? '' : 's'}`
      + (dto.accelerator ? ` (${dto.accelerator})` : '');
    const items = [
      ['ID', dto.id],
      ['Name', dto.name],
      ['Run name', dto.run_name],
      ['Base command', dto.base_command],
      ['Resources', resources + (dto.use_spot ? ', spot' : '')],
      ['Cloud / region', [dto.cloud, dto.region].filter(Boolean).join(' / ') || 'any'],
      ['Autostop', (dto.autostop_minutes == null ? 'server default' : dto.autostop_minutes === 0 ? 'off' : `${dto.autostop_minutes} min idle`)
        + (dto.autostop_down && dto.autostop_minutes !== 0 ? ', then tear down' : '')],
      ['Retry policy', retryText(dto)],
      ['Attempts', null],
      ['Tags', (dto.tags || []).join(', ') || '—'],
      ['Group', dto.group || '—'],
      ['Description', dto.description || '—'],
      ['State', null],
      ['Message', dto.message || '—'],
      ['Cost', costText(dto.cost) + (dto.cost ? ` — ${costBreakdown(dto.cost)}` : '')],
      ['Budget', budgetText(dto)],
      ['Cluster', `${dto.cluster?.name ?? '—'} (${dto.cluster?.status ?? 'UNKNOWN'})`],
      ['Generation / run', `${dto.generation} / ${dto.run}`],
      ['Created', formatTime(dto.created_at)],
      ['Updated', `${formatTime(dto.updated_at)} · version ${dto.version}`],
    ];
    const dl = el('dl', { class: 'config-list' });
    for (const [label, value] of items) {
      dl.append(el('dt', null, label));
      if (label === 'Attempts') {
        const strip = attemptStrip(dto.attempts);
        dl.append(el('dd', { testid: 'details-attempts', title: attemptTitle(dto) },
          strip ? el('span', { class: 'attempt-strip', testid: 'details-attempt-strip' }, strip) : '—',
          ` · ${dto.restarts_used} of ${dto.max_restarts} restarts on errors used`,
          dto.current_job?.cause ? el('span', { class: 'attempt-cause', testid: 'details-last-cause' }, ` · last: ${dto.current_job.cause}`) : ''));
      } else if (label === 'State') {
        dl.append(el('dd', { testid: 'details-state' },
          badge(dto.desired_state, 'desired', 'details-desired'), ' ', badge(dto.current_state, 'current', 'details-current'),
          dto.current_state === 'RETRYING' && dto.retry_at ? ` retry at ${formatTime(dto.retry_at)}` : '',
          dto.needs_restart ? el('span', { class: 'chip chip-restart', testid: 'details-needs-restart' }, 'restart to apply') : ''));
      } else {
        dl.append(el('dd', { testid: `config-${label.toLowerCase().replace(/[^a-z]+/g, '-')}` }, value));
      }
    }
    const keys = Object.keys(dto.flags || {}).sort();
    const flagsTable = keys.length
      ? el('table', { class: 'flags-table', testid: 'details-flags' },
        el('tbody', null, keys.map(k => {
          const kind = flagKind(dto.flags, k);
          return el('tr', { dataset: { key: k } },
            el('th', { scope: 'row' }, k),
            el('td', { class: `v-${kind}${kind === 'bool' ? (dto.flags[k] ? ' v-true' : ' v-false') : ''}` }, flagText(dto.flags, k)));
        })))
      : el('p', { class: 'muted', testid: 'details-flags' }, 'No flags');
    configBody.replaceChildren(dl, el('h3', null, `Flags (${keys.length})`), flagsTable);
  }

  // ----- editing -----
  function startEditing() {
    const dto = current();
    if (editing || dto.deleted) return;
    const spec = createSpecForm({ mode: 'edit', initial: dto });
    const notice = el('div', { class: 'edit-conflict', testid: 'edit-conflict', hidden: true });
    const save = el('button', { type: 'submit', class: 'primary', testid: 'edit-save' }, 'Save');
    const cancel = el('button', { type: 'button', testid: 'edit-cancel', onclick: () => stopEditing() }, 'Cancel');
    const running = dto.current_job && jobIsLive(dto.current_job);
    const form = el('form', { class: 'edit-form', testid: 'edit-form', novalidate: true },
      running ? el('p', { class: 'note' }, 'A job is running: saved changes apply when the experiment is restarted (Stop, then Start).') : null,
      notice,
      spec.element,
      el('div', { class: 'dialog-actions' }, cancel, save));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const collected = spec.collect();
      if (!collected) return;
      save.disabled = true;
      try {
        const updated = await api.patchRaw(dto.id, collected.fields, collected.flagsText);
        store.applyOne(updated);
        stopEditing();
        toast(updated.needs_restart ? `Saved ${dto.id}: restart to apply` : `Saved ${dto.id}`, { type: 'success' });
      } catch (error) {
        spec.showError(error);
      } finally {
        save.disabled = false;
      }
    });
    form.addEventListener('keydown', e => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault();
        stopEditing();
      }
    });
    editing = { spec, notice, baseVersion: dto.version };
    configBody.replaceChildren(form);
    onEditingChange();
    spec.flags.focus();
  }

  function stopEditing() {
    editing = null;
    renderConfig();
    onEditingChange();
  }

  function noteConflict() {
    if (!editing || current().version === editing.baseVersion) return;
    const { notice } = editing;
    notice.hidden = false;
    notice.replaceChildren(
      'This experiment changed on the server since you started editing. ',
      el('button', {
        type: 'button', class: 'link', testid: 'edit-reload',
        onclick: () => {
          editing = null;
          startEditing();
        },
      }, 'Discard my edits and reload'),
      ' or save to overwrite.');
  }

  // ----- command -----
  function renderCommand() {
    const dto = current();
    const blocks = [
      el('div', { class: 'command-row' },
        el('pre', { class: 'command', testid: 'details-command' }, dto.command),
        el('button', { type: 'button', class: 'small', testid: 'copy-command', title: 'Copy the command', onclick: () => copyText(dto.command, 'Command') }, 'Copy')),
    ];
    const job = dto.current_job;
    if (job && jobIsLive(job) && job.command && job.command !== dto.command) {
      blocks.push(el('p', { class: 'note' }, 'The running job was started with the previous configuration:'),
        el('pre', { class: 'command old', testid: 'details-running-command' }, job.command));
    }
    commandBody.replaceChildren(...blocks);
  }
  return {
    section,
    commandSection,
    render() {
      renderConfig();
      renderCommand();
    },
    startEditing,
    noteConflict,
    get editing() {
      return editing !== null;
    },
  };
}

export function budgetText(dto) {
  const b = dto.budget;
  if (!b) return 'none';
  const limits = [b.gpu_hours != null ? `${b.gpu_hours} GPU-h` : null, b.usd != null ? `$${b.usd}` : null].filter(Boolean).join(' or ');
  if (!dto.budget_reached) return limits;
  const used = costNow(dto.cost);
  const still = used && (b.gpu_hours != null && used.gpuHours >= b.gpu_hours || b.usd != null && used.usd != null && used.usd >= b.usd);
  return still
    ? `${limits} — ${dto.message || 'budget reached'}; raise it to start again`
    : `${limits} — stopped by the earlier budget (${dto.message || 'budget reached'}); Start runs it again`;
}
