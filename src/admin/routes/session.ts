import { IsString, Length } from 'class-validator';
import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import { sessionCookieOptions, SESSION_COOKIE } from '../auth/cookies.js';
import { requireAdmin, requireCsrf, sessionOf } from '../auth/authenticate.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { verifyPassword } from '../auth/passwords.js';
import { findAdminByUsername, type SessionStore } from '../auth/sessions.js';
import { HttpError, UnauthorizedError } from '../http/errors.js';
import { validateBody } from '../http/validation.js';

class LoginBody {
  @IsString({ message: 'must be text' })
  @Length(1, 100, { message: 'must be 1 to 100 characters' })
  username: string;

  @IsString({ message: 'must be text' })
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  password: string;
}

export interface SessionRoutesOptions {
  db: DataSource;
  sessions: SessionStore;
  throttle: LoginThrottle;
}

class TooManyLoginsError extends HttpError {
  constructor(retryAfterSeconds: number) {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    super(
      429,
      'too_many_attempts',
      `Too many failed log-ins for this username from your address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

/** POST /api/session logs in, DELETE logs out, GET says who is logged in (and re-issues the CSRF token to a reloaded page). */
export function sessionRoutes(options: SessionRoutesOptions): Router {
  const router = Router();

  router.post('/api/session', async (req, res) => {
    refuseForeignOrigin(req);
    const { username, password } = await validateBody(LoginBody, req.body);
    const ip = req.ip ?? 'unknown';
    const decision = await options.throttle.check(username, ip);
    if (!decision.allowed) throw new TooManyLoginsError(decision.retryAfterSeconds);
    const user = await findAdminByUsername(options.db, username);
    if (!(await verifyPassword(password, user?.passwordHash)) || !user) {
      const after = await options.throttle.fail(username, ip);
      if (!after.allowed) throw new TooManyLoginsError(after.retryAfterSeconds);
      throw new UnauthorizedError('Wrong username or password');
    }
    await options.throttle.succeed(username, ip);
    const issued = await options.sessions.open(user.id);
    res.cookie(SESSION_COOKIE, issued.token, sessionCookieOptions(req, issued.expiresAt));
    res.set('Cache-Control', 'no-store');
    res.json({ csrfToken: issued.csrfToken, username: user.username, expiresAt: issued.expiresAt.toISOString() });
  });

  router.get('/api/session', requireAdmin, (_req, res) => {
    const session = sessionOf(res);
    res.set('Cache-Control', 'no-store');
    res.json({ username: session?.user.username ?? null, csrfToken: session?.csrfToken ?? null });
  });

  router.delete('/api/session', requireAdmin, requireCsrf(), async (req, res) => {
    const session = sessionOf(res);
    if (session) await options.sessions.close(session.tokenHash);
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
    res.status(204).end();
  });

  return router;
}

/** A log-in form posted from another site (login CSRF) is refused; browsers always send Origin on such a POST. */
function refuseForeignOrigin(req: Request): void {
  const origin = req.get('origin');
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host !== req.get('host')) throw new HttpError(403, 'forbidden_origin', 'Log-ins are only accepted from this site\'s own pages');
}
