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
  '/qualifications': 'qualifications.html',
  '/review-types': 'review-types.html',
  '/settings': 'settings.html',
  '/runs': 'runs.html',
  '/runs/:runId': 'run.html',
};

const noStore: RequestHandler = (_req, res, next) => {
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

export function loginPage(): Router {
  const router = Router();
  router.get('/login', noStore, (_req, res) => res.sendFile(join(publicDir, 'login.html')));
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
