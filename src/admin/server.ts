import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import cookieParser from 'cookie-parser';
import express, { type Application, type RequestHandler } from 'express';
import type { RedisClient } from '../../queues/connection.js';
import type { DataSource } from 'typeorm';
import { createOnboardingQueue } from '../../queues/onboarding.js';
import type { Producers } from '../../queues/producers.js';
import type { Config } from '../config/environment.js';
import { trustProxySetting, type TrustProxy } from '../config/trust-proxy.js';
import { logger as defaultLogger, type Logger } from '../logging/logger.js';
import type { SettingsService } from '../settings/settings-service.js';
import { identify, principalOf, requireAdmin, requireCsrf, sessionOf } from './auth/authenticate.js';
import { CSRF_HEADER, DASHBOARD_CSRF_COOKIE, DASHBOARD_CSRF_HEADER, dashboardCsrfCookieOptions } from './auth/cookies.js';
import { ensureFirstAdmin } from './auth/first-admin.js';
import { LoginThrottle, type LoginThrottleOptions } from './auth/login-throttle.js';
import { PasswordHasher, type PasswordCost } from './auth/passwords.js';
import { DEFAULT_SESSION_LIFETIME, SessionStore, type SessionLifetime } from './auth/sessions.js';
import { dashboardActionGuard } from './dashboard/dashboard-actions.js';
import { DASHBOARD_PATH, queueDashboard } from './dashboard/queue-dashboard.js';
import { errorHandler, NotFoundError, UnauthorizedError } from './http/http-errors.js';
import { checkJsonBody, checkQueryText } from './http/request-shape.js';
import { assetRoutes, loginPage, noStore, pageRoutes, requirePageLogin } from './pages.js';
import { healthRoutes } from './routes/health.js';
import { enrolmentBatchRoutes, translateEnrolmentBatchErrors } from './routes/enrolments.js';
import { learnerRoutes } from './routes/learners.js';
import { liveSyncRoutes } from './routes/live-sync.js';
import { recordRoutes, translateRecordErrors } from './routes/records.js';
import { sessionRoutes } from './routes/session.js';
import { importRoutes } from './routes/import.js';
import { metricsRoutes } from './routes/metrics.js';
import { notificationRoutes } from './routes/notifications.js';
import { onboardingRoutes, translateOnboardingErrors } from './routes/onboarding.js';
import { sharedMetricsKey, type MetricsFlusher } from '../metrics/shared-metrics.js';
import { settingsRoutes } from './routes/settings.js';
import { smartAssessorRoutes } from './routes/smart-assessor.js';
import { syncRoutes, translateRunErrors } from './routes/sync.js';
import { dashboardSecurityHeaders, securityHeaders } from './security-headers.js';
import { SmartAssessorAccess, translateSmartAssessorErrors } from './smart-assessor-access.js';
import type { SyncPreviewer } from '../jobs/sync-preview.js';

export interface AdminServerOptions {
  config: Pick<Config, 'ADMIN_API_TOKEN' | 'ADMIN_USERNAME' | 'ADMIN_PASSWORD' | 'QUEUE_PREFIX'>;
  db: DataSource;
  /** For login throttling and /healthz; the caller owns (and closes) the connection. */
  redis: RedisClient;
  settings: SettingsService;
  /** Queues the work routes add to; its queues (the eight and run control) are shown in the dashboard. */
  producers: Producers;
  logger?: Logger;
  /** 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** Express "trust proxy" (TRUST_PROXY): which proxies' X-Forwarded-* to believe (https detection, client address); none by default. */
  trustProxy?: TrustProxy;
  /** The clock for "today" (eligibility); tests may fix it. */
  now?: () => Date;
  sessionLifetime?: SessionLifetime;
  /** scrypt cost of new password hashes (the product's by default; tests pass a cheap one). */
  passwordCost?: PasswordCost;
  /** Password checks at once; more log-ins at that moment are answered 429. */
  passwordChecksAtOnce?: number;
  loginThrottle?: LoginThrottleOptions;
  /** Where a generated first-admin password is printed (the console by default). */
  announce?: (text: string) => void;
  /** Largest import document accepted by POST /api/import. */
  importBodyLimit?: string;
  /** This process's counters (its Smart Assessor calls), flushed to the shared totals before GET /metrics reads them. */
  metrics?: MetricsFlusher;
  /** The admin's address as its users reach it (ADMIN_PUBLIC_URL), for the links in notifications; default http://127.0.0.1:<port>. */
  publicUrl?: string;
  /** "Preview next sync": the processors' plan step for one learner, recording instead of writing (workers/sync-preview.ts). */
  syncPreview: SyncPreviewer;
}

/**
 * The largest import document accepted. A demo provider of 50,000 learners (`sai demo
 * --learners 50000`: 6,250 organisations, 1,250 officers, 2.3 aims and 1.3 reviews per
 * learner) is 68 MB; 100 MB leaves room for a provider that size with fuller records, or
 * some 70,000 learners like the demo's, while refusing bodies that only serve to exhaust memory.
 */
export const IMPORT_BODY_LIMIT = '100mb';

/** What the deployment's environment decides about the admin server. */
export function adminOptionsFromConfig(
  config: Pick<Config, 'QUEUE_PREFIX' | 'TRUST_PROXY' | 'ADMIN_SESSION_MAX_HOURS' | 'ADMIN_SESSION_IDLE_MINUTES'>,
): Pick<AdminServerOptions, 'trustProxy' | 'sessionLifetime' | 'loginThrottle'> {
  return {
    trustProxy: trustProxySetting(config.TRUST_PROXY),
    sessionLifetime: { maxMs: config.ADMIN_SESSION_MAX_HOURS * 3_600_000, idleMs: config.ADMIN_SESSION_IDLE_MINUTES * 60_000 },
    loginThrottle: { keyPrefix: `${config.QUEUE_PREFIX}:admin-login` },
  };
}

export interface RunningAdminServer {
  app: Application;
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface AdminApp {
  app: Application;
  /** Lets go of what the app holds open (the Smart Assessor client's connections, the onboarding queue). */
  close(): Promise<void>;
}

/** Builds the admin web app: JSON API, UI pages, queue dashboard, all behind the login except /healthz and the login page. */
export async function createAdminApp(options: AdminServerOptions): Promise<AdminApp> {
  const log = options.logger ?? defaultLogger;
  const now = options.now ?? (() => new Date());
  const passwords = new PasswordHasher(options.passwordCost, options.passwordChecksAtOnce);
  await ensureFirstAdmin(options.db, {
    username: options.config.ADMIN_USERNAME,
    password: options.config.ADMIN_PASSWORD,
    passwords,
    announce: options.announce,
  });
  const sessions = new SessionStore(options.db, options.sessionLifetime ?? DEFAULT_SESSION_LIFETIME);
  const throttle = new LoginThrottle(options.redis, options.loginThrottle);
  const smartAssessor = new SmartAssessorAccess({
    settings: options.settings,
    redis: options.redis,
    queuePrefix: options.config.QUEUE_PREFIX,
    logger: log,
    metrics: options.metrics?.metrics,
  });
  // Onboarding's queue (matches, bulk enrolments) on the admin's own connection, as the producers' are.
  const onboardingQueue = createOnboardingQueue({ connection: options.redis, prefix: options.config.QUEUE_PREFIX });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  const pageHeaders = securityHeaders();
  const dashboardHeaders = dashboardSecurityHeaders();
  app.use((req, res, next) => (req.path.startsWith(DASHBOARD_PATH) ? dashboardHeaders(req, res, next) : pageHeaders(req, res, next)));
  app.use(requestLog(log));
  app.use(cookieParser());

  app.use(healthRoutes(options.db, options.redis));
  app.use(loginPage());
  app.use(identify({ sessions, apiToken: options.config.ADMIN_API_TOKEN }));
  app.use(assetRoutes());
  app.use(
    metricsRoutes({
      db: options.db,
      redis: options.redis,
      producers: options.producers,
      sharedKey: sharedMetricsKey(options.config.QUEUE_PREFIX),
      flusher: options.metrics,
      now,
    }),
  );

  // Every API answer may hold personal data (or a session's CSRF token): never kept in a cache.
  app.use('/api', noStore, checkQueryText);
  app.use('/api/session', express.json({ limit: '10kb' }), checkJsonBody);
  app.use(sessionRoutes({ db: options.db, sessions, throttle, passwords, log }));
  app.use('/api', requireAdmin, requireCsrf());
  app.use('/api/import', express.json({ limit: options.importBodyLimit ?? IMPORT_BODY_LIMIT }));
  app.use('/api', express.json({ limit: '1mb' }), checkJsonBody);
  app.use(learnerRoutes({ db: options.db, now }));
  app.use(recordRoutes(options.db));
  app.use(settingsRoutes(options.settings));
  app.use(notificationRoutes(options.settings, options.publicUrl ?? `http://127.0.0.1:${options.port ?? 3000}`));
  app.use(importRoutes(options.db, options.settings));
  app.use(syncRoutes({ db: options.db, producers: options.producers, now, syncPreview: options.syncPreview, smartAssessor: () => smartAssessor.client() }));
  app.use(liveSyncRoutes({ db: options.db, now }));
  app.use(smartAssessorRoutes(options.db, smartAssessor));
  app.use(onboardingRoutes(options.db, onboardingQueue));
  app.use(enrolmentBatchRoutes(options.db, onboardingQueue));
  app.use('/api', () => {
    throw new NotFoundError('No such API route');
  });

  const dashboardQueues = [...Object.values(options.producers.queues), options.producers.control, onboardingQueue];
  app.use(DASHBOARD_PATH, dashboardGuard(), dashboardActionGuard(dashboardQueues), requireCsrf([CSRF_HEADER, DASHBOARD_CSRF_HEADER]), queueDashboard(dashboardQueues));
  app.use(pageRoutes());
  app.use(errorHandler(log, [translateRunErrors, translateRecordErrors, translateSmartAssessorErrors, translateOnboardingErrors, translateEnrolmentBatchErrors]));
  return {
    app,
    close: async () => {
      smartAssessor.close();
      await onboardingQueue.close();
    },
  };
}

/**
 * The dashboard's page needs a login like every page; its own API answers 401 instead of
 * a redirect. A logged-in browser gets the CSRF cookie the dashboard's client echoes.
 */
function dashboardGuard(): RequestHandler {
  return (req, res, next) => {
    const session = sessionOf(res);
    const isPage = req.method === 'GET' && !req.path.startsWith('/api/') && !req.path.startsWith('/static/');
    if (session && isPage) res.cookie(DASHBOARD_CSRF_COOKIE, session.csrfToken, dashboardCsrfCookieOptions(req, DASHBOARD_PATH));
    // Its pages carry the CSRF cookie and its API the jobs (learner idents, failures): not for caches. Its scripts and styles may be.
    if (!req.path.startsWith('/static/')) res.set('Cache-Control', 'no-store');
    if (principalOf(res)) {
      next();
      return;
    }
    if (req.path.startsWith('/api/')) throw new UnauthorizedError();
    requirePageLogin(req, res, next);
  };
}

/** One line per request: method, path (never the query string, which may hold a searched name), status, time. */
function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      log.http('admin request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
      });
    });
    next();
  };
}

export async function startAdminServer(options: AdminServerOptions): Promise<RunningAdminServer> {
  const { app, close } = await createAdminApp(options);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port ?? 3000, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    app,
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await close();
    },
  };
}
