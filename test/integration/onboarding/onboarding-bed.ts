import type { DataSource } from 'typeorm';
import { workerConnection } from '../../../queues/connection.js';
import type { RunningAdminServer } from '../../../src/admin/server.js';
import type { ImportDocument } from '../../../src/import/import-document.js';
import { logger } from '../../../src/logging/logger.js';
import type { FeedPace } from '../../../src/onboarding/feed-rules.js';
import type { SettingsService } from '../../../src/settings/settings-service.js';
import type { SeedDocument } from '../../../tools/simulator/seed.js';
import { createWorkerDeps, type ClosableWorkerDeps } from '../../../workers/deps.js';
import { enrolmentProcessor } from '../../../workers/enrolment.js';
import { startOnboardingWorker, type RunningOnboardingWorker } from '../../../workers/onboarding.js';
import { startWorkers, type RunningWorkers } from '../../../workers/runner.js';
import { ApiClient, CapturedLog, startAdminForTests, TEST_API_TOKEN } from '../../support/admin.js';
import { FAST_WORKERS, openTestPipeline, silentLogger, waitFor, type TestPipeline } from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';
import type { RunningSimulator, SimulatorOptions } from '../../support/simulator.js';
import { startTestbed } from '../enrolment/testbed.js';

/**
 * Onboarding as deployed, in this process: the admin API, the enrolment queue's worker
 * with the real processor, the onboarding worker (matches, bulk enrolment feeders), this
 * run's database and a Redis prefix of its own, and a simulator over HTTP.
 */
export interface OnboardingBed {
  db: DataSource;
  simulator: RunningSimulator;
  settings: SettingsService;
  pipeline: TestPipeline;
  admin: RunningAdminServer;
  /** Automation's client of the admin API. */
  api: ApiClient;
  log: CapturedLog;
  /** Imports the MIS document, seeds Smart Assessor, links the qualifications, then zeroes the simulator's counters. */
  load(document: ImportDocument, smartAssessor?: SeedDocument): Promise<void>;
  /** Starts a match over the API and waits until it is ready; answers its id. */
  match(): Promise<string>;
  /** Starts the onboarding worker (the bed starts one unless told not to); answers it, to stop. */
  startOnboardingWorker(): Promise<RunningOnboardingWorker>;
  /** Starts the enrolment queue's worker (the bed starts one unless told not to). */
  startEnrolmentWorker(): Promise<RunningWorkers>;
  /** Waits until the bulk enrolment has no learner left waiting; answers its view. */
  batchFinished(batchId: string, withinMs?: number): Promise<BatchAnswer>;
  close(): Promise<void>;
}

export interface BatchAnswer {
  batchId: string;
  state: string;
  total: number;
  enrolled: number;
  failed: number;
  waiting: number;
  failures: Array<{ learnerIdent: string; error: string }>;
}

export interface OnboardingBedOptions {
  simulator?: SimulatorOptions;
  /** Enrolment jobs at once; 10 as the product. */
  enrolmentConcurrency?: number;
  pace?: FeedPace;
  /** Between a feeder's steps; short, so a test's batch is fed as fast as it is enrolled. */
  stepMs?: number;
  /** false: no onboarding worker until the test starts one. */
  onboardingWorker?: boolean;
  /** false: nobody works the enrolment queue (its jobs wait). */
  enrolmentWorker?: boolean;
}

export async function startOnboardingBed(options: OnboardingBedOptions = {}): Promise<OnboardingBed> {
  // The enrolment tests' bed: this run's database emptied, a simulator, the settings pointing at it.
  const testbed = await startTestbed({ simulator: options.simulator });
  const { db, simulator, settings } = testbed;
  const pipeline = await openTestPipeline('onboarding');
  const deps: ClosableWorkerDeps = createWorkerDeps({ db, redis: pipeline.redis, config: { QUEUE_PREFIX: pipeline.prefix }, settings, logger: silentLogger });
  const enrolmentWorkers: RunningWorkers[] = [];
  const startEnrolment = async () => {
    const started = await startWorkers({
      connection: workerConnection(testRedisUrl),
      prefix: pipeline.prefix,
      queues: ['enrolment'],
      concurrency: options.enrolmentConcurrency ?? 10,
      processors: { enrolment: enrolmentProcessor },
      deps,
      tuning: FAST_WORKERS,
    });
    enrolmentWorkers.push(started);
    return started;
  };
  if (options.enrolmentWorker !== false) await startEnrolment();
  const onboardingWorkers: RunningOnboardingWorker[] = [];
  const startOnboarding = async () => {
    const started = await startOnboardingWorker({
      connection: workerConnection(testRedisUrl),
      prefix: pipeline.prefix,
      deps,
      tuning: FAST_WORKERS,
      pace: options.pace,
      stepMs: options.stepMs ?? 50,
      keepEveryMs: 60_000,
    });
    onboardingWorkers.push(started);
    return started;
  };
  if (options.onboardingWorker !== false) await startOnboarding();
  const log = new CapturedLog();
  const admin = await startAdminForTests({ db, redis: pipeline.redis, settings, producers: pipeline.producers, prefix: pipeline.prefix, log });
  const api = new ApiClient(admin.url, { kind: 'token', token: TEST_API_TOKEN });

  return {
    db,
    simulator,
    settings,
    pipeline,
    admin,
    api,
    log,
    async load(document, smartAssessor) {
      if (smartAssessor) simulator.store.seed(smartAssessor);
      await testbed.load(document);
    },
    async match() {
      const started = await api.post('/api/onboarding/matches');
      if (started.status !== 202) throw new Error(`starting a match answered ${started.status}: ${started.text}`);
      const { matchId } = started.body as { matchId: string };
      await waitFor(
        `match ${matchId} to be ready`,
        async () => {
          const { body } = await api.get(`/api/onboarding/matches/${matchId}?pageSize=1`);
          if (body.state === 'failed') throw new Error(`match ${matchId} failed: ${body.error}`);
          return body.state === 'ready';
        },
        30_000,
      );
      return matchId;
    },
    startOnboardingWorker: startOnboarding,
    startEnrolmentWorker: startEnrolment,
    async batchFinished(batchId, withinMs = 60_000) {
      return waitFor(
        `bulk enrolment ${batchId} to finish`,
        async () => {
          const { body } = await api.get<BatchAnswer>(`/api/enrolments/${batchId}`);
          return body.state === 'finished' ? body : null;
        },
        withinMs,
        100,
      );
    },
    async close() {
      await admin.close();
      for (const worker of onboardingWorkers) await worker.close();
      for (const workers of enrolmentWorkers) await workers.close({ deadlineMs: 5_000 });
      deps.close();
      await pipeline.close();
      await testbed.close();
    },
  };
}

/** Mocha hooks for a file: the import's info line for every bed is left out of the output (the cases say what matters). */
export function quietImportLog(): void {
  let level: string;
  before(() => {
    level = logger.level;
    logger.level = 'warn';
  });
  after(() => {
    logger.level = level;
  });
}
