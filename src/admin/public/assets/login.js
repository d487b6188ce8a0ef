// The one script that runs before log-in: posts the form to the API, then goes where the admin was heading.
const form = document.getElementById('login-form');
const error = document.getElementById('login-error');

/**
 * Only a path on this site, so a crafted ?next= cannot send the admin elsewhere (the
 * server drops such a next before this page loads; this is the page's own check): it must
 * resolve to this origin, and hold no backslash or control character, which browsers
 * read in surprising ways (/\host is another host).
 */
function destination() {
  const next = new URLSearchParams(location.search).get('next');
  if (!next || !next.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(next)) return '/learners';
  const url = new URL(next, location.origin);
  return url.origin === location.origin ? url.pathname + url.search + url.hash : '/learners';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const button = document.getElementById('login-button');
  button.disabled = true;
  try {
    const response = await fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: form.username.value, password: form.password.value }),
    });
    if (response.ok) {
      location.assign(destination());
      return;
    }
    const body = await response.json().catch(() => null);
    error.textContent = body?.error?.message ?? `Log-in failed (${response.status})`;
    error.hidden = false;
  } catch {
    error.textContent = 'The server could not be reached';
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
});
