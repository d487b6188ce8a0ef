import { join } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { projectRoot } from '../paths.js';
import { principalOf } from './auth/authenticate.js';

/** The UI's files: plain HTML, CSS and ES modules, served as they are (no build step). */
const publicDir = join(projectRoot, 'src/admin/public');

/** What the login page needs before anyone has logged in; every other asset is behind the login. */
const PUBLIC_ASSETS = new Set(['/app.css', '/login.js', '/favicon.svg']);

/** Each page of the UI and its HTML shell; the page's script fills it from the JSON API. */
const PAGES: Record<string, string> = {
  '/learners': 'learners.html',
  '/learners/:ident': 'learner.html',
  '/organisations': 'organisations.html',
  '/officers': 'officers.html',
  '/onboarding': 'onboarding.html',
  '/qualifications': 'qualifications.html',
  '/review-types': 'review-types.html',
  '/settings': 'settings.html',
  '/runs': 'runs.html',
  '/runs/:runId': 'run.html',
};

/** For answers that hold personal data or a session's secrets: no cache, the browser's included, keeps a copy. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/** A browser without a session is sent to the login page, which brings it back afterwards. */
export const requirePageLogin: RequestHandler = (req, res, next) => {
  if (principalOf(res)) {
    next();
    return;
  }
  res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
};

/** How many layers of percent-encoding a `next` is unwrapped to look for a way off the site. */
const ENCODING_LAYERS = 4;

/**
 * A `next` the login page may go to after logging in: a path on this site. Not `//host`
 * or `/\host` (which browsers read as another host), no backslash or control character
 * anywhere, and none of those hidden under percent-encoding either; it must also resolve
 * to this origin.
 */
export function isSameSitePath(next: unknown): next is string {
  if (typeof next !== 'string') return false;
  let layer = next;
  for (let depth = 0; depth <= ENCODING_LAYERS; depth += 1) {
    if (!/^\/(?![/\\])/.test(layer) || /[\\\u0000-\u001f\u007f]/.test(layer)) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(layer);
    } catch {
      return false;
    }
    if (decoded === layer) {
      const origin = 'http://admin.invalid';
      return new URL(next, origin).origin === origin;
    }
    layer = decoded;
  }
  return false;
}

/** The login page; a `next` that would lead off the site is dropped (the page itself checks it again). */
export function loginPage(): Router {
  const router = Router();
  router.get('/login', noStore, (req, res) => {
    const { next } = req.query;
    if (next !== undefined && !isSameSitePath(next)) {
      res.redirect(303, '/login');
      return;
    }
    res.sendFile(join(publicDir, 'login.html'));
  });
  return router;
}

export function assetRoutes(): Router {
  const router = Router();
  router.use(
    '/assets',
    (req, res, next) => {
      if (PUBLIC_ASSETS.has(req.path) || principalOf(res)) next();
      else res.status(401).type('text/plain').send('Log in first');
    },
    express.static(join(publicDir, 'assets'), { index: false, fallthrough: false, setHeaders: (res) => res.set('Cache-Control', 'no-cache') }),
  );
  return router;
}

export function pageRoutes(): Router {
  const router = Router();
  router.get('/', requirePageLogin, (_req, res) => res.redirect(303, '/learners'));
  for (const [path, file] of Object.entries(PAGES)) {
    router.get(path, requirePageLogin, noStore, (_req, res) => res.sendFile(join(publicDir, file)));
  }
  return router;
}
