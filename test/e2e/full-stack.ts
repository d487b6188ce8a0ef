import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { workerConnection } from '../../queues/connection.js';
import { QUEUE_NAMES } from '../../queues/definitions.js';
import { createProducers, type Producers } from '../../queues/producers.js';
import type { RunningAdminServer } from '../../src/admin/server.js';
import { generateDemoProvider } from '../../tools/demo/generate.js';
import { startScheduler, type RunningScheduler } from '../../src/scheduler/index.js';
import { SecretBox } from '../../src/settings/secret-box.js';
import { SettingsService } from '../../src/settings/settings-service.js';
import { createWorkerDeps, type ClosableWorkerDeps } from '../../workers/deps.js';
import { startOnboardingWorker, type RunningOnboardingWorker } from '../../workers/onboarding.js';
import { PROCESSOR_REGISTRATIONS, processorMap } from '../../workers/processors.js';
import { startWorkers, type RunningWorkers } from '../../workers/runner.js';
import { ApiClient, CapturedLog, startAdminForTests, TEST_ADMIN_PASSWORD, TEST_ADMIN_USERNAME, TEST_API_TOKEN } from '../support/admin.js';
import { resetDatabase, testDataSource } from '../support/database.js';
import { FAST_WORKERS, silentLogger, waitFor } from '../support/pipeline.js';
import { testRedisUrl, uniqueQueuePrefix } from '../support/redis.js';
import { startTestSimulator, type RunningSimulator } from '../support/simulator.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The whole product in this process, as `sai start` runs it: the Smart Assessor
 * simulator, the eight queues' workers with the real processors, the onboarding worker,
 * the scheduler (fan-out, run tracking) and the admin server, over this run's database and a Redis prefix of its own.
 */
export interface FullStack {
  db: DataSource;
  simulator: RunningSimulator;
  settings: SettingsService;
  producers: Producers;
  admin: RunningAdminServer;
  log: CapturedLog;
  /** Automation's view of the same admin API. */
  api: ApiClient;
  browser: Browser;
  close(): Promise<void>;
}

export async function startFullStack(): Promise<FullStack> {
  const simulator = await startTestSimulator();
  const db = await testDataSource();
  await resetDatabase(db);
  const prefix = uniqueQueuePrefix('e2e');
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: false });
  const settings = new SettingsService(db, new SecretBox(randomBytes(32)), { baseUrl: simulator.baseUrl, ...simulator.credentials });
  const producers = createProducers({ connection: workerConnection(testRedisUrl), prefix });
  const deps: ClosableWorkerDeps = createWorkerDeps({ db, redis, config: { QUEUE_PREFIX: prefix }, settings, logger: silentLogger });
  const workers: RunningWorkers = await startWorkers({
    connection: workerConnection(testRedisUrl),
    prefix,
    queues: QUEUE_NAMES,
    concurrency: 2,
    processors: processorMap(PROCESSOR_REGISTRATIONS),
    deps,
    tuning: FAST_WORKERS,
  });
  const onboarding: RunningOnboardingWorker = await startOnboardingWorker({ connection: workerConnection(testRedisUrl), prefix, deps, tuning: FAST_WORKERS });
  const scheduler: RunningScheduler = await startScheduler({
    db,
    producers,
    connection: workerConnection(testRedisUrl),
    prefix,
    logger: silentLogger,
    reconcileEveryMs: 1_000,
    tuning: FAST_WORKERS,
  });
  const log = new CapturedLog();
  const admin = await startAdminForTests({ db, redis, settings, producers, prefix, log });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return {
    db,
    simulator,
    settings,
    producers,
    admin,
    log,
    api: new ApiClient(admin.url, { kind: 'token', token: TEST_API_TOKEN }),
    browser,
    async close() {
      await browser.close();
      await admin.close();
      await scheduler.close();
      await onboarding.close();
      await workers.close({ deadlineMs: 5_000 });
      deps.close();
      await producers.close();
      redis.disconnect();
      await simulator.close();
    },
  };
}

/** A fresh browser context (no cookies) with the admin logged in through the login page. */
export async function loggedInPage(stack: FullStack, path = '/learners'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ baseURL: stack.admin.url });
  const page = await context.newPage();
  await page.goto(path);
  await page.waitForURL(/\/login\?next=/);
  await page.fill('#username', TEST_ADMIN_USERNAME);
  await page.fill('#password', TEST_ADMIN_PASSWORD);
  await page.click('#login-button');
  await page.waitForURL((url) => url.pathname === path);
  return { context, page };
}

/** Every CSP violation and uncaught script error a page reports, so a test can insist there are none. */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** A demo provider imported over the API, its qualifications linked, and its first learner that can be enrolled enrolled; answers that learner's ident. */
export async function enrolDemoLearner(stack: FullStack): Promise<string> {
  const document = generateDemoProvider({ learners: 6, seed: 7, today: stack.simulator.store.today });
  const must = async (what: string, answer: Promise<{ status: number; text: string }>, status: number) => {
    const { status: got, text } = await answer;
    if (got !== status) throw new Error(`${what} answered ${got}: ${text}`);
  };
  await must('the import', stack.api.post('/api/import', document), 200);
  await must('Refresh Qualification Links', stack.api.post('/api/qualification-links/refresh'), 200);
  for (const learner of document.learners!) {
    if (!(await stack.api.get(`/api/learners/${learner.learnerIdent}/enrolment-preview`)).body.canEnrol) continue;
    await must('the enrolment', stack.api.post(`/api/learners/${learner.learnerIdent}/enrolment`), 202);
    await waitFor('the enrolment', async () => (await stack.api.get(`/api/learners/${learner.learnerIdent}`)).body.smartAssessorId, 60_000);
    return learner.learnerIdent;
  }
  throw new Error('the demo provider has no learner that can be enrolled');
}
