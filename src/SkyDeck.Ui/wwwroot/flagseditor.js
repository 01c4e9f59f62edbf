// The flags editor: JSON in a textarea, validated as you type, with flag-key typeahead both inside the JSON (while
// typing a key) and in an "Add flag" box. Used by the New Experiment form and the Edit panel.

import { el, setText } from './dom.js';
import { parseJson, flagsToJson, flagValueJson } from './api.js';
import { loadSchemas, cachedSchemas, matchSchemas } from './schemas.js';
import { createSuggestList } from './suggest.js';
import { flagKeyRules } from './meta.js';


/**
 * Checks flags JSON text. Returns {ok: true, flags, count} or {ok: false, error, nested} where nested is true when
 * the only problem is nested objects (which "Flatten" can fix).
 */
export function validateFlagsText(text) {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, flags: {}, count: 0, empty: true };
  let value;
  try {
    value = parseJson(trimmed);
  } catch (e) {
    return { ok: false, error: describeJsonError(e, trimmed) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'Flags must be a JSON object, like {"trainer.lr": 0.001}' };
  }
  const keys = Object.keys(value);
  for (const key of keys) {
    const v = value[key];
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      return { ok: false, nested: true, error: `"${key}" is a nested object: use dotted keys such as "${key}.${Object.keys(v)[0] || 'name'}" (or press Flatten)` };
    }
    if (Array.isArray(v)) return { ok: false, error: `"${key}": lists are not supported; use a string` };
    if (v === null) return { ok: false, error: `"${key}": null is not a value; remove the flag or give it a value` };
    const keyRules = flagKeyRules();
    if (!keyRules.pattern.test(key)) {
      return { ok: false, error: `"${key}" is not a valid flag key: letters, digits, '_' and '-', separated by '.'` };
    }
    if (key.length > keyRules.maxLength) return { ok: false, error: `"${key.slice(0, 40)}…" is longer than ${keyRules.maxLength} characters` };
  }
  // JSON.parse silently keeps the last of two equal keys; say so instead
  const seen = new Set();
  for (const m of trimmed.matchAll(/"((?:[^"\\]|\\.)*)"\s*:/g)) {
    const key = JSON.parse(`"${m[1]}"`);
    if (seen.has(key)) return { ok: false, error: `"${key}" appears twice` };
    seen.add(key);
  }
  const sorted = [...keys].sort();
  for (let i = 0; i + 1 < sorted.length; i++) {
    if (sorted[i + 1].startsWith(sorted[i] + '.')) {
      return { ok: false, error: `"${sorted[i]}" cannot be both a flag and the prefix of "${sorted[i + 1]}"` };
    }
  }
  return { ok: true, flags: value, count: keys.length };
}

function describeJsonError(e, text) {
  const message = String(e.message || e).replace(/^JSON\.parse: /, '');
  const at = /position (\d+)/.exec(message);
  if (at && !/line \d+/.test(message)) {
    const pos = Number(at[1]);
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const column = pos - before.lastIndexOf('\n');
    return `Invalid JSON at line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}`;
  }
  return `Invalid JSON: ${message}`;
}

/** {"a": {"b": 1}} → {"a.b": 1}; leaves scalars alone. */
export function flatten(value, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}

/**
 * Creates the editor. options: {text, testid ('flags'), label, onInput}. Returns
 * {element, textarea, text(), setText(), validate(), showServerErrors(list), clearServerErrors(), focus()}.
 */
export function createFlagsEditor({ text = '{}', testid = 'flags', onInput } = {}) {
  const textarea = el('textarea', {
    class: 'flags-json',
    testid: `${testid}-json`,
    rows: 8,
    spellcheck: false,
    autocapitalize: 'off',
    autocomplete: 'off',
    'aria-label': 'Flags (JSON)',
  });
  textarea.value = text;
  const status = el('div', { class: 'flags-status', testid: `${testid}-status`, 'aria-live': 'polite' });
  const serverError = el('div', { class: 'field-error', testid: `${testid}-error`, hidden: true });
  const flattenButton = el('button', { type: 'button', class: 'small', testid: `${testid}-flatten`, hidden: true }, 'Flatten');
  const formatButton = el('button', { type: 'button', class: 'small', testid: `${testid}-format`, title: 'Sort keys and indent' }, 'Format');
  const addInput = el('input', {
    type: 'text',
    class: 'flag-add',
    testid: `${testid}-add`,
    placeholder: 'Add flag: type to search keys…',
    autocomplete: 'off',
    spellcheck: false,
    'aria-label': 'Add flag',
  });

  const inlineList = createSuggestList({ testid: `${testid}-suggestions`, onPick: s => completeKeyAtCaret(s) });
  const addList = createSuggestList({ testid: `${testid}-add-suggestions`, onPick: s => addFlag(s.key, s) });

  const element = el('div', { class: 'flags-editor', testid: `${testid}-editor` },
    el('div', { class: 'flags-input-wrap' }, textarea, inlineList.element),
    el('div', { class: 'flags-toolbar' },
      status,
      el('span', { class: 'spacer' }),
      flattenButton,
      formatButton),
    el('div', { class: 'flags-add-wrap' }, addInput, addList.element),
    serverError);

  let result = { ok: true };

  function validate() {
    result = validateFlagsText(textarea.value);
    status.classList.toggle('bad', !result.ok);
    status.classList.toggle('good', result.ok);
    textarea.classList.toggle('invalid', !result.ok);
    textarea.setAttribute('aria-invalid', result.ok ? 'false' : 'true');
    setText(status, result.ok ? `✓ Valid · ${result.count} flag${result.count === 1 ? '' : 's'}` : result.error);
    flattenButton.hidden = !result.nested;
    return result;
  }

  function currentKeys() {
    if (result.ok) return new Set(Object.keys(result.flags));
    // mid-edit (invalid JSON): the keys written so far, so they are not suggested again
    return new Set([...textarea.value.matchAll(/"((?:[^"\\\n]|\\.)*)"\s*:/g)].map(m => m[1]));
  }

  // Typing a key inside the JSON: the caret is in an open string that starts a key ({ or , before it).
  function partialKeyAtCaret() {
    const caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) return null;
    const before = textarea.value.slice(0, caret);
    const m = /(^|[{,]\s*)"([^"\\\n]*)$/.exec(before);
    if (!m) return null;
    return { start: caret - m[2].length, end: caret, text: m[2] };
  }

  function updateInlineSuggestions() {
    const partial = partialKeyAtCaret();
    if (!partial) {
      inlineList.close();
      return;
    }
    const matches = matchSchemas(cachedSchemas(), partial.text, currentKeys());
    if (matches.length === 1 && matches[0].key === partial.text) inlineList.close();
    else inlineList.show(matches);
  }

  function defaultValueJson(schema) {
    if (schema?.examples?.length) return flagValueJson(schema.examples, 0);
    const type = schema?.types?.[0];
    return type === 'boolean' ? 'true' : type === 'integer' ? '0' : type === 'float' ? '0.0' : '""';
  }

  function completeKeyAtCaret(schema) {
    const partial = partialKeyAtCaret();
    if (!partial) return;
    const value = textarea.value;
    const after = value.slice(partial.end);
    const closed = /^[^"\n]*"\s*:/.exec(after);
    let insert;
    let replaceEnd = partial.end;
    let selectFrom;
    let selectTo;
    if (closed) {
      replaceEnd = partial.end + after.indexOf('"');
      insert = schema.key;
      selectFrom = selectTo = partial.start + insert.length + 1;
    } else {
      const valueJson = defaultValueJson(schema);
      insert = `${schema.key}": ${valueJson}`;
      if (/^\s*"/.test(after)) insert += ','; // another entry follows: keep the JSON valid
      selectFrom = partial.start + schema.key.length + 3;
      selectTo = selectFrom + valueJson.length;
    }
    textarea.value = value.slice(0, partial.start) + insert + value.slice(replaceEnd);
    textarea.focus();
    textarea.setSelectionRange(selectFrom, selectTo);
    changed();
  }

  /** Adds (or replaces) a flag in valid JSON and selects its value so typing overwrites it. */
  function addFlag(key, schema) {
    const check = validateFlagsText(textarea.value);
    const trimmedKey = key.trim();
    if (!trimmedKey) return;
    if (!check.ok) {
      setText(status, `Fix the JSON before adding "${trimmedKey}": ${check.error}`);
      return;
    }
    const flags = check.flags;
    const valueJson = trimmedKey in flags ? flagValueJson(flags, trimmedKey) : defaultValueJson(schema);
    // Rebuild with the new key, keeping every other value's spelling.
    const lines = Object.keys(flags).filter(k => k !== trimmedKey).map(k => ({ k, json: flagValueJson(flags, k) }));
    lines.push({ k: trimmedKey, json: valueJson });
    lines.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    let text = '{\n';
    let selectFrom = 0;
    let selectTo = 0;
    lines.forEach((line, i) => {
      const prefix = `  ${JSON.stringify(line.k)}: `;
      if (line.k === trimmedKey) {
        selectFrom = text.length + prefix.length;
        selectTo = selectFrom + line.json.length;
      }
      text += prefix + line.json + (i < lines.length - 1 ? ',\n' : '\n');
    });
    text += '}';
    textarea.value = text;
    addInput.value = '';
    addList.close();
    textarea.focus();
    textarea.setSelectionRange(selectFrom, selectTo);
    changed();
  }

  function changed() {
    validate();
    clearServerErrors();
    onInput?.(result);
  }

  textarea.addEventListener('input', () => {
    changed();
    updateInlineSuggestions();
  });
  textarea.addEventListener('click', updateInlineSuggestions);
  textarea.addEventListener('keydown', e => {
    if (inlineList.handleKey(e)) e.preventDefault();
  });
  textarea.addEventListener('keyup', e => {
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home' || e.key === 'End') updateInlineSuggestions();
  });
  textarea.addEventListener('blur', () => setTimeout(() => inlineList.close(), 150));
  textarea.addEventListener('focus', () => loadSchemas());

  addInput.addEventListener('focus', async () => {
    await loadSchemas();
    addList.show(matchSchemas(cachedSchemas(), addInput.value, currentKeys()));
  });
  addInput.addEventListener('input', () => addList.show(matchSchemas(cachedSchemas(), addInput.value, currentKeys())));
  addInput.addEventListener('keydown', e => {
    if (addList.handleKey(e)) {
      e.preventDefault();
      return;
    }
    if (e.key === 'Enter') {
      // a key nobody uses yet: add it as a string
      e.preventDefault();
      addFlag(addInput.value, null);
    }
  });
  addInput.addEventListener('blur', () => setTimeout(() => addList.close(), 150));

  flattenButton.addEventListener('click', () => {
    try {
      textarea.value = flagsToJson(flatten(parseJson(textarea.value)));
      changed();
    } catch { /* still invalid: the status says why */ }
  });
  formatButton.addEventListener('click', () => {
    const check = validateFlagsText(textarea.value);
    if (check.ok) {
      textarea.value = flagsToJson(check.flags);
      changed();
    }
  });

  function showServerErrors(messages) {
    if (!messages.length) return clearServerErrors();
    serverError.replaceChildren(...messages.map(m => el('div', null, m)));
    serverError.hidden = false;
    textarea.classList.add('invalid');
  }

  function clearServerErrors() {
    serverError.hidden = true;
    serverError.replaceChildren();
  }

  validate();

  return {
    element,
    textarea,
    text: () => textarea.value,
    setText(value) {
      textarea.value = value;
      changed();
    },
    validate,
    showServerErrors,
    clearServerErrors,
    focus: () => textarea.focus(),
  };
}
