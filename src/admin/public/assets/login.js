// The one script that runs before log-in: posts the form to the API, then goes where the admin was heading.
const form = document.getElementById('login-form');
const error = document.getElementById('login-error');

/** Only a path on this site, so a crafted ?next= cannot send the admin elsewhere. */
function destination() {
  const next = new URLSearchParams(location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/learners';
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
