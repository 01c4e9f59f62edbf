// A keyboard-friendly suggestion list under an input or textarea (used for flag-key typeahead).

import { el, clear } from './dom.js';
import { flagValueJson } from './api.js';

export function createSuggestList({ testid = 'flag-suggestions', onPick }) {
  const list = el('ul', { class: 'suggestions', testid, role: 'listbox', hidden: true });
  let items = [];
  let active = -1;

  function render() {
    clear(list);
    items.forEach((s, i) => {
      const examples = (s.examples || []).slice(0, 3).map((_, j) => flagValueJson(s.examples, j)).join(', ');
      const li = el('li', {
        class: 'suggestion' + (i === active ? ' active' : ''),
        testid: 'flag-suggestion',
        role: 'option',
        dataset: { key: s.key },
        'aria-selected': i === active ? 'true' : 'false',
      },
      el('span', { class: 'suggestion-key' }, s.key),
      el('span', { class: 'suggestion-meta' },
        (s.types || []).join(' | '),
        examples ? ` · e.g. ${examples}` : '',
        ` · ${s.experiments} exp`));
      // mousedown (not click) so the input keeps focus and the caret position survives
      li.addEventListener('mousedown', e => {
        e.preventDefault();
        pick(i);
      });
      list.append(li);
    });
    list.hidden = items.length === 0;
  }

  function pick(i) {
    const s = items[i];
    close();
    if (s) onPick(s);
  }

  function close() {
    items = [];
    active = -1;
    list.hidden = true;
    clear(list);
  }

  return {
    element: list,
    get open() {
      return items.length > 0;
    },
    show(newItems) {
      items = newItems;
      active = newItems.length ? 0 : -1;
      render();
    },
    close,
    /** Handles navigation keys; returns true when the key was consumed. */
    handleKey(e) {
      if (!items.length) return false;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        active = (active + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
        render();
        return true;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        pick(active < 0 ? 0 : active);
        return true;
      }
      if (e.key === 'Escape') {
        close();
        return true;
      }
      return false;
    },
  };
}
