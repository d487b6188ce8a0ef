import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { CsrfError, UnauthorizedError } from '../http/http-errors.js';
import { CSRF_HEADER, SESSION_COOKIE } from './cookies.js';
import type { ActiveSession, SessionStore } from './sessions.js';
import { sameSecret } from './tokens.js';

/** Who is making a request: a logged-in admin (browser) or automation with the API token. */
export type Principal = { kind: 'session'; session: ActiveSession } | { kind: 'api-token' };

export interface AuthenticationOptions {
  sessions: SessionStore;
  /** ADMIN_API_TOKEN; unset: bearer requests are refused. */
  apiToken?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

export function sessionOf(res: Response): ActiveSession | undefined {
  const principal = principalOf(res);
  return principal?.kind === 'session' ? principal.session : undefined;
}

/**
 * Works out the principal, if any, and leaves it in `res.locals`. An Authorization
 * header decides on its own: a wrong bearer token is not rescued by a cookie.
 */
export function identify(options: AuthenticationOptions): RequestHandler {
  return async (req, res, next) => {
    const authorization = req.get('authorization');
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (match && options.apiToken && sameSecret(match[1]!, options.apiToken)) res.locals.principal = { kind: 'api-token' } satisfies Principal;
      next();
      return;
    }
    const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (token) {
      const session = await options.sessions.find(token);
      if (session) res.locals.principal = { kind: 'session', session } satisfies Principal;
    }
    next();
  };
}

/** For the JSON API: no principal → 401. */
export function requireAdmin(req: Request, res: Response, next: NextFunction): void {
  if (!principalOf(res)) throw new UnauthorizedError();
  next();
}

/**
 * A browser's state-changing request must carry the CSRF token its session was given
 * (a cross-site page cannot read it). Bearer requests carry no ambient credentials, so
 * they need none.
 */
export function requireCsrf(headers: readonly string[] = [CSRF_HEADER]): RequestHandler {
  return (req, res, next) => {
    const session = sessionOf(res);
    if (!session || SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const given = headers.map((name) => req.get(name)).find((value) => value !== undefined);
    if (given === undefined || !sameSecret(given, session.csrfToken)) throw new CsrfError();
    next();
  };
}
