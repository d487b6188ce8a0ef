import type { CookieOptions, Request } from 'express';

export const SESSION_COOKIE = 'sai_session';

/**
 * The queue dashboard's own copy of the CSRF token. The dashboard's HTTP client (axios)
 * reads this cookie and echoes it in an X-XSRF-TOKEN header on its own requests, so
 * its retry/clean/pause actions pass the same CSRF check as the rest of the UI.
 */
export const DASHBOARD_CSRF_COOKIE = 'XSRF-TOKEN';
export const DASHBOARD_CSRF_HEADER = 'x-xsrf-token';
export const CSRF_HEADER = 'x-csrf-token';

/** Secure whenever the browser reached us over https (directly or through a trusted proxy). */
export function sessionCookieOptions(req: Request, expiresAt?: Date): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', ...(expiresAt ? { expires: expiresAt } : {}) };
}

export function dashboardCsrfCookieOptions(req: Request, basePath: string): CookieOptions {
  return { httpOnly: false, sameSite: 'strict', secure: req.secure, path: basePath };
}
