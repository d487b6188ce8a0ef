import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import winston from 'winston';
import type { DataSource } from 'typeorm';
import { createProducers, type Producers } from '../../queues/producers.js';
import type { PipelineQueues } from '../../queues/pipeline-queues.js';
import { ensureFirstAdmin } from '../../src/admin/auth/first-admin.js';
import { PasswordHasher, type PasswordCost } from '../../src/admin/auth/passwords.js';
import { startAdminServer, type AdminServerOptions, type RunningAdminServer } from '../../src/admin/server.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import { SecretBox } from '../../src/settings/secret-box.js';
import { SettingsService } from '../../src/settings/settings-service.js';
import { resetDatabase, testDataSource } from './database.js';
import { testRedisUrl, uniqueQueuePrefix } from './redis.js';
import { syncPreviewer } from '../../workers/sync-preview.js';

export const TEST_ADMIN_USERNAME = 'test.admin';
export const TEST_ADMIN_PASSWORD = 'correct horse battery staple';
export const TEST_API_TOKEN = 'test-api-token-' + randomBytes(12).toString('hex');
/** scrypt at 1 MiB and a few milliseconds: the tests log in often. */
export const TEST_PASSWORD_COST: PasswordCost = { logN: 10, r: 8, p: 1 };

/** Every line the admin server logged during the test, as written (after redaction). */
export class CapturedLog {
  readonly lines: string[] = [];
  readonly logger: Logger;

  constructor() {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    this.logger = createLogger('debug', [new winston.transports.Stream({ stream })]);
  }

  text(): string {
    return this.lines.join('\n');
  }
}

export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export type Credentials = { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'session'; cookie: string; csrfToken?: string };

/** Talks to the running admin server over real HTTP, as the UI or automation would. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly credentials: Credentials = { kind: 'none' },
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    const sent: Record<string, string> = { ...headers };
    if (this.credentials.kind === 'token') sent.authorization = `Bearer ${this.credentials.token}`;
    if (this.credentials.kind === 'session') {
      sent.cookie = this.credentials.cookie;
      if (this.credentials.csrfToken) sent['x-csrf-token'] = this.credentials.csrfToken;
    }
    if (body !== undefined) sent['content-type'] = 'application/json';
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: sent,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    if ((response.headers.get('content-type') ?? '').includes('application/json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

export interface TestAdmin {
  server: RunningAdminServer;
  url: string;
  db: DataSource;
  redis: Redis;
  /** The deployment's QUEUE_PREFIX as the admin was given it. */
  prefix: string;
  producers: Producers;
  queues: PipelineQueues;
  settings: SettingsService;
  log: CapturedLog;
  /** Automation's client (Authorization: Bearer). */
  api: ApiClient;
  anonymous: ApiClient;
  /** Logs in over the API and gives back a client carrying the session cookie and CSRF token. */
  login(username?: string, password?: string): Promise<ApiClient>;
  /** Empties the database and the log-in counts again and puts back the test admin (between tests sharing one server). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export type TestAdminOverrides = Partial<Omit<AdminServerOptions, 'db' | 'logger'>>;

/**
 * The admin server as the tests run it, on what the test wired up: on a free port, with
 * the test admin and API token, a cheap password hash, a login throttle under `prefix` and its
 * log in `log`.
 */
export function startAdminForTests(
  wiring: Pick<AdminServerOptions, 'db' | 'redis' | 'settings' | 'producers'> & { prefix: string; log: CapturedLog },
  overrides: TestAdminOverrides = {},
): Promise<RunningAdminServer> {
  const { prefix, log, ...parts } = wiring;
  return startAdminServer({
    config: { ADMIN_API_TOKEN: TEST_API_TOKEN, ADMIN_USERNAME: TEST_ADMIN_USERNAME, ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, QUEUE_PREFIX: prefix },
    ...parts,
    logger: log.logger,
    port: 0,
    passwordCost: TEST_PASSWORD_COST,
    loginThrottle: { keyPrefix: loginThrottlePrefix(prefix) },
    syncPreview: syncPreviewer({ db: parts.db, redis: parts.redis, logger: log.logger }),
    ...overrides,
  });
}

/**
 * The admin server on a free port, over this run's database (emptied first) and a
 * Redis prefix of its own, with a cheap password hash and a log that tests can read.
 */
export async function startTestAdmin(overrides: TestAdminOverrides = {}): Promise<TestAdmin> {
  const db = await testDataSource();
  await resetDatabase(db);
  const prefix = uniqueQueuePrefix('admin');
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
  const producers = createProducers({ connection: redis, prefix });
  const settings = new SettingsService(db, new SecretBox(randomBytes(32)));
  const log = new CapturedLog();
  const server = await startAdminForTests({ db, redis, settings, producers, prefix, log }, overrides);
  const login = async (username = TEST_ADMIN_USERNAME, password = TEST_ADMIN_PASSWORD) => {
    const answer = await new ApiClient(server.url).post('/api/session', { username, password });
    if (answer.status !== 200) throw new Error(`log-in failed: ${answer.status} ${answer.text}`);
    return new ApiClient(server.url, { kind: 'session', cookie: sessionCookie(answer.headers), csrfToken: answer.body.csrfToken });
  };
  return {
    server,
    url: server.url,
    db,
    redis,
    prefix,
    producers,
    queues: producers.queues,
    settings,
    log,
    api: new ApiClient(server.url, { kind: 'token', token: TEST_API_TOKEN }),
    anonymous: new ApiClient(server.url),
    login,
    async reset() {
      await resetDatabase(db);
      const counts = await redis.keys(`${loginThrottlePrefix(prefix)}*`);
      if (counts.length > 0) await redis.unlink(...counts);
      await ensureFirstAdmin(db, { username: TEST_ADMIN_USERNAME, password: TEST_ADMIN_PASSWORD, passwords: new PasswordHasher(TEST_PASSWORD_COST) });
    },
    async close() {
      await server.close();
      await producers.close();
      redis.disconnect();
    },
  };
}

function loginThrottlePrefix(prefix: string): string {
  return `${prefix}:login`;
}

/** The `name=value` of the session cookie a log-in answer set. */
export function sessionCookie(headers: Headers): string {
  const cookie = headers.getSetCookie().find((line) => line.startsWith('sai_session='));
  if (!cookie) throw new Error('no session cookie was set');
  return cookie.split(';')[0]!;
}
