// Starred experiments: a researcher's own marks, kept in this browser (like the theme and the user name), shown as a
// star in the ID cell and usable as a filter (the "Starred" toggle, #starred=1).

const KEY = 'skydeck.stars';
const listeners = new Set();
let stars = load();

function load() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || '[]');
    return new Set(Array.isArray(list) ? list.filter(x => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export function isStarred(id) {
  return stars.has(id);
}

export function toggleStar(id) {
  if (stars.has(id)) stars.delete(id);
  else stars.add(id);
  try {
    localStorage.setItem(KEY, JSON.stringify([...stars]));
  } catch { /* private mode: stars last for this page only */ }
  for (const listener of listeners) listener(id);
}

export function onStarsChange(listener) {
  listeners.add(listener);
}

// another tab starred something
window.addEventListener('storage', e => {
  if (e.key !== KEY) return;
  const before = stars;
  stars = load();
  for (const id of new Set([...before, ...stars])) if (before.has(id) !== stars.has(id)) for (const listener of listeners) listener(id);
});
