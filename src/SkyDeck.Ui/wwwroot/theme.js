// The colour theme: follows the system (prefers-color-scheme) unless the researcher picked light or dark, which is
// kept in this browser. Loaded as a classic script in <head> so the page never flashes the other theme; the toggle
// button in the top bar (data-testid="theme-toggle") cycles system → light → dark.
(() => {
  const KEY = 'skydeck.theme';
  const CHOICES = ['system', 'light', 'dark'];
  const LABELS = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };
  const ICONS = { system: '◐', light: '☀', dark: '☾' };

  const read = () => {
    try {
      const v = localStorage.getItem(KEY);
      return CHOICES.includes(v) ? v : 'system';
    } catch {
      return 'system';
    }
  };

  const apply = choice => {
    if (choice === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = choice;
  };

  const label = (button, choice) => {
    button.textContent = ICONS[choice];
    button.title = `${LABELS[choice]} (click to change)`;
    button.setAttribute('aria-label', LABELS[choice]);
    button.dataset.theme = choice;
  };

  apply(read());

  document.addEventListener('DOMContentLoaded', () => {
    const button = document.querySelector('[data-testid="theme-toggle"]');
    if (!button) return;
    label(button, read());
    button.addEventListener('click', () => {
      const next = CHOICES[(CHOICES.indexOf(read()) + 1) % CHOICES.length];
      try {
        if (next === 'system') localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, next);
      } catch { /* private mode: the choice lasts for this page only */ }
      apply(next);
      label(button, next);
    });
  });
})();
