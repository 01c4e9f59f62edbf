// Notifications: a header pill with the webhook deliveries' state (hidden when no webhook is configured) and, on
// click, a panel of the recent ones — when, what, where to, and whether it was sent, is pending (retrying) or failed.

import { el, setText, setClass } from './dom.js';
import { api } from './api.js';
import { formatClock } from './format.js';

const POLL_MS = 15000;

export function initNotifications() {
  const pill = document.querySelector('[data-testid="pill-notifications"]');
  const panel = document.querySelector('[data-testid="notifications-panel"]');
  let last = null;

  async function poll() {
    try {
      last = await api.webhooks();
    } catch {
      return; // the health pills already say when SkyDeck is unreachable
    }
    render();
  }

  function render() {
    const hooks = last?.webhooks ?? [];
    pill.hidden = hooks.length === 0;
    if (pill.hidden) return;
    const deliveries = last.deliveries ?? [];
    const count = status => deliveries.filter(d => d.status === status).length;
    const pending = count('pending');
    const failed = count('failed');
    setClass(pill, `pill pill-${failed ? 'bad' : pending ? 'warn' : 'ok'}`);
    setText(pill, `notifications: ${count('sent')} sent${pending ? ` · ${pending} pending` : ''}${failed ? ` · ${failed} failed` : ''}`);
    pill.title = `Webhooks: ${hooks.map(h => `${h.url} (${h.events.join(', ')})`).join('; ')}`;
    if (!panel.hidden) renderPanel(deliveries);
  }

  function renderPanel(deliveries) {
    const rows = deliveries.slice(0, 20).map(d => el('li', { class: `delivery delivery-${d.status}`, testid: 'notification', dataset: { status: d.status } },
      el('span', { class: 'when' }, formatClock(d.finished_at ?? d.queued_at)),
      el('span', { class: `pill pill-${d.status === 'sent' ? 'ok' : d.status === 'pending' ? 'warn' : 'bad'}` }, d.status),
      el('span', { class: 'text' }, d.text),
      el('span', { class: 'meta' }, `${d.event} → ${d.webhook} · ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`
        + (d.last_error && d.status !== 'sent' ? ` · ${d.last_error}` : '')
        + (d.status === 'pending' && d.next_attempt_at ? ` · next ${formatClock(d.next_attempt_at)}` : ''))));
    panel.replaceChildren(el('h2', null, 'Recent notifications'),
      rows.length ? el('ul', null, rows) : el('p', { class: 'empty' }, 'Nothing notified yet.'));
  }

  pill.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    pill.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) {
      renderPanel(last?.deliveries ?? []);
      poll();
    }
  });
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && !panel.hidden) {
      panel.hidden = true;
      pill.setAttribute('aria-expanded', 'false');
    }
  });
  poll();
  setInterval(poll, POLL_MS);
}
