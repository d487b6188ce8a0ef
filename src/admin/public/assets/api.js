// The UI's one way to the JSON API: sends the CSRF token on every change and takes a lapsed session back to the log-in page.

let csrfToken;

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `The server answered ${status}`);
    this.status = status;
    this.code = error?.code;
    this.fields = error?.fields ?? {};
  }
}

function toLogin() {
  location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
}

/** Who is logged in; also fetches the CSRF token a reloaded page no longer has. */
export async function currentSession() {
  const response = await fetch('/api/session', { headers: { accept: 'application/json' } });
  if (response.status === 401) {
    toLogin();
    throw new ApiError(401, { message: 'Not logged in' });
  }
  const body = await response.json();
  csrfToken = body.csrfToken;
  return body;
}

export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    if (!csrfToken) await currentSession();
    headers['x-csrf-token'] = csrfToken;
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    toLogin();
    throw new ApiError(401, { message: 'Your session has ended; log in again' });
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data?.error);
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);

export async function logOut() {
  await api('DELETE', '/api/session');
  location.assign('/login');
}
