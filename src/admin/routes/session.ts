import { IsString, Length } from 'class-validator';
import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import { sessionCookieOptions, SESSION_COOKIE } from '../auth/cookies.js';
import { requireAdmin, requireCsrf, sessionOf } from '../auth/authenticate.js';
import { LoginLockedError, type LoginThrottle } from '../auth/login-throttle.js';
import { PasswordChecksBusyError, type PasswordHasher } from '../auth/passwords.js';
import { findAdminByUsername, saveAdminPasswordHash, type SessionStore } from '../auth/sessions.js';
import type { Logger } from '../../logging/logger.js';
import { HttpError, UnauthorizedError } from '../http/http-errors.js';
import { validateBody } from '../http/request-parsing.js';

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
  passwords: PasswordHasher;
  log: Logger;
}

class TooManyLoginsError extends HttpError {
  constructor(retryAfterSeconds: number) {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    super(429, 'too_many_attempts', `Too many failed log-ins for this username or from your address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

class LoginsBusyError extends HttpError {
  constructor() {
    super(429, 'login_busy', 'Too many log-ins are being checked at once; try again in a moment', { 'Retry-After': '1' });
  }
}

/** POST /api/session logs in, DELETE logs out, GET says who is logged in (and re-issues the CSRF token to a reloaded page). */
export function sessionRoutes(options: SessionRoutesOptions): Router {
  const router = Router();

  router.post('/api/session', async (req, res) => {
    refuseForeignOrigin(req);
    const { username, password } = await validateBody(LoginBody, req.body);
    // The socket's address, or what a trusted proxy says it is (TRUST_PROXY): never a header the client chose.
    const ip = req.ip ?? 'unknown';
    const user = await options.passwords
      .exclusive(async () => {
        const attempt = await options.throttle.attempt(username, ip);
        const found = await findAdminByUsername(options.db, username);
        const check = await options.passwords.verify(password, found?.passwordHash);
        if (!found || !check.matches) {
          options.log.warn('log-in refused', { username, ip, locked: attempt.lastAllowed });
          if (attempt.lastAllowed) throw new TooManyLoginsError(attempt.retryAfterSeconds);
          throw new UnauthorizedError('Wrong username or password');
        }
        await attempt.succeeded();
        if (check.needsRehash) await saveAdminPasswordHash(options.db, found.id, await options.passwords.hash(password));
        return found;
      })
      .catch((error: unknown) => {
        if (error instanceof PasswordChecksBusyError) throw new LoginsBusyError();
        if (error instanceof LoginLockedError) {
          options.log.warn('log-in refused while locked', { username, ip });
          throw new TooManyLoginsError(error.retryAfterSeconds);
        }
        throw error;
      });
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
  if (host !== req.get('host')) throw new HttpError(403, 'forbidden_origin', "Log-ins are only accepted from this site's own pages");
}
