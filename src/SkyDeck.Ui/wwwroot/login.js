// Exchanges a token for an HttpOnly, SameSite=Strict session cookie, then opens the dashboard.
const form = document.getElementById('login-form');
const error = document.getElementById('login-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const token = form.elements.token.value.trim().replace(/^[^:]*:(?=.{16,}$)/, '');
  try {
    const response = await fetch('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    if (response.ok) {
      window.location.assign('/');
      return;
    }
    const problem = await response.json().catch(() => ({}));
    error.textContent = problem.detail || `Sign-in failed (${response.status})`;
  } catch (e) {
    error.textContent = `SkyDeck is not reachable: ${e.message}`;
  }
});
