import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { workerConnection } from '../../../queues/connection.js';
import type { QueueJob, QueueName } from '../../../queues/definitions.js';
import { snapshotKey } from '../../../src/daily/learner-snapshot.js';
import { fanOutRun, requestLearnerSync, startRun } from '../../../src/runs/index.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import type { SettingsPatch } from '../../../src/settings/settings-patch.js';
import { SettingsService } from '../../../src/settings/settings-service.js';
import { ukToday } from '../../../src/sync/index.js';
import { createWorkerDeps, type ClosableWorkerDeps } from '../../../workers/deps.js';
import type { JobResult, Processor, WorkerProcessDeps } from '../../../src/jobs/job-contract.js';
import { JobAttempt } from '../../../workers/job-attempt.js';
import { PROCESSOR_REGISTRATIONS, processorMap } from '../../../workers/processors.js';
import { startWorkers } from '../../../workers/runner.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { enrolledProvider, type EnrolledProvider } from '../../support/enrolled-provider.js';
import { FAST_WORKERS, openTestPipeline, silentLogger, waitFor, type TestPipeline } from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';
import { startTestSimulator, type RunningSimulator } from '../../support/simulator.js';
import { isEligible, ukDate } from './expectations.js';
import { aimsOf, readMis, type MisLearnerRow } from './mis-state.js';

/** The queues of the daily synchronisation (SPEC.md §4). */
export const DAILY_QUEUES: readonly QueueName[] = ['qualification-progress', 'reviews', 'otj', 'demographics', 'officers', 'organisations', 'status'];

/** Marks the harness's own polling, so that counting the workers' queries can leave it out. */
const HARNESS_QUERY = '/* daily-harness */';

export interface DailyHarness {
  db: DataSource;
  simulator: RunningSimulator;
  pipeline: TestPipeline;
  settings: SettingsService;
  provider: EnrolledProvider;
  /** A whole-provider run (a dry run when asked), start to finish, with the real processors in this process. */
  runDaily(workers?: WorkerSets, options?: { dryRun?: boolean }): Promise<RunMeasure>;
  /** "Update Learner In Smart Assessor" for one learner, start to finish. */
  syncLearner(learnerIdent: string): Promise<RunMeasure>;
  /** A run of one learner with no job queued: the test calls processors itself. */
  emptyLearnerRun(learnerId: number): Promise<string>;
  /**
   * One job as the runner performs it (JobAttempt: planned, then committed), without
   * BullMQ; `beforeCommit` runs between the two (a rejection there is a worker that died
   * before its commit). Answers the processor's result.
   */
  runJob<Q extends QueueName>(
    deps: WorkerProcessDeps,
    queue: Q,
    processor: Processor<Q>,
    job: QueueJob<Q>,
    ids: { runId: string; jobId: string },
    beforeCommit?: () => Promise<void>,
  ): Promise<JobResult>;
  /** The product's worker deps over the harness's database, Redis and settings. */
  workerDeps(): ClosableWorkerDeps;
  /** The run `queue` starts (its jobs queued, no worker yet), worked to its end. */
  runQueued(queue: () => Promise<string>): Promise<RunMeasure>;
  close(): Promise<void>;
}

export interface RunMeasure {
  runId: string;
  /** SQL statements the workers sent while the run's jobs ran (transaction control included), but for reads of the settings row. */
  queries: number;
  /** Reads of the settings row: the worker deps read it to build the Smart Assessor client, however many jobs run. */
  settingsReads: number;
}

/** The workers a run gets: `sets` independent sets (each with its own deps and Smart Assessor client, as worker processes have), `concurrency` jobs per queue each. */
export interface WorkerSets {
  sets?: number;
  concurrency?: number;
}

export interface DailyHarnessOptions {
  learners: number;
  seed?: number;
  /** Settings in force at enrolment (e.g. Update Learner Gender). */
  enrolmentSettings?: SettingsPatch;
}

/**
 * A generated provider enrolled in a simulator over real HTTP (every request recorded),
 * the real processors and runner on a queue prefix of the test's own, and real worker
 * deps built from the settings (so each run reads the settings as they then are).
 */
export async function openDailyHarness(options: DailyHarnessOptions): Promise<DailyHarness> {
  const db = await testDataSource();
  await resetDatabase(db);
  const simulator = await startTestSimulator({ recordRequests: true, seed: options.seed ?? 7 });
  const pipeline = await openTestPipeline('daily');
  const settings = new SettingsService(db, new SecretBox(randomBytes(32)));
  const provider = await enrolledProvider({
    db,
    simulator,
    settingsService: settings,
    learners: options.learners,
    seed: options.seed,
    settings: options.enrolmentSettings,
  });

  let counting = false;
  let queries = 0;
  let settingsReads = 0;
  const logger = db.logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (query, parameters, queryRunner) => {
    if (counting && !query.startsWith(HARNESS_QUERY)) {
      if (query.includes('FROM "integration_settings"')) settingsReads += 1;
      else queries += 1;
    }
    logQuery(query, parameters, queryRunner);
  };

  const runIds: string[] = [];
  async function withWorkers(start: () => Promise<string>, { sets = 1, concurrency = 4 }: WorkerSets = {}): Promise<RunMeasure> {
    const runId = await start();
    runIds.push(runId);
    const allDeps = Array.from({ length: sets }, () => createWorkerDeps({ db, redis: pipeline.redis, config: { QUEUE_PREFIX: pipeline.prefix }, settings, logger: silentLogger }));
    queries = 0;
    settingsReads = 0;
    counting = true;
    const running = await Promise.all(
      allDeps.map((deps) =>
        startWorkers({
          connection: workerConnection(testRedisUrl),
          prefix: pipeline.prefix,
          queues: DAILY_QUEUES,
          concurrency,
          processors: processorMap(PROCESSOR_REGISTRATIONS),
          deps,
          tuning: FAST_WORKERS,
        }),
      ),
    );
    try {
      await waitFor(
        `run ${runId} to finish`,
        async () => {
          const [run] = (await db.query(`${HARNESS_QUERY} SELECT state FROM sync_run WHERE id = $1`, [runId])) as Array<{ state: string }>;
          return run.state === 'completed' || run.state === 'failed';
        },
        60_000,
        25,
      );
    } finally {
      counting = false;
      await Promise.all(running.map((workers) => workers.close()));
      for (const deps of allDeps) deps.close();
    }
    return { runId, queries, settingsReads };
  }

  return {
    db,
    simulator,
    pipeline,
    settings,
    provider,
    runDaily: (workers, { dryRun = false } = {}) =>
      withWorkers(async () => {
        const { runId } = await startRun(db, pipeline.producers, 'manual', { dryRun });
        await fanOutRun({ db, producers: pipeline.producers, logger: silentLogger }, runId);
        return runId;
      }, workers),
    syncLearner: (learnerIdent) => withWorkers(async () => (await requestLearnerSync(db, pipeline.producers, learnerIdent)).runId),
    async emptyLearnerRun(learnerId) {
      const [run] = await db.query(
        `INSERT INTO sync_run (trigger, state, as_of_date, learner_id, started_at, learners, jobs_total) VALUES ('learner', 'running', $1, $2, now(), 1, 1) RETURNING id`,
        [ukToday(new Date()), learnerId],
      );
      runIds.push(run.id);
      return run.id;
    },
    async runJob(deps, queue, processor, job, { runId, jobId }, beforeCommit = async () => {}) {
      const attempt = await JobAttempt.begin({ queue, jobName: job.name, jobId, runId, attempt: 1, log: silentLogger }, deps);
      const result = await attempt.plan(processor, job);
      await beforeCommit();
      await attempt.commit(result);
      return result;
    },
    workerDeps: () => createWorkerDeps({ db, redis: pipeline.redis, config: { QUEUE_PREFIX: pipeline.prefix }, settings, logger: silentLogger }),
    runQueued: withWorkers,
    async close() {
      logger.logQuery = logQuery;
      // Snapshot entries a reader never released would otherwise wait out their TTL in the shared Redis.
      for (const runId of runIds) {
        for (const part of ['learner', 'courses'] as const) {
          const keys = await pipeline.redis.keys(snapshotKey(runId, '*', part));
          if (keys.length > 0) await pipeline.redis.unlink(...keys);
        }
      }
      await pipeline.close();
      await simulator.close();
    },
  };
}

/** Hands out a fresh learner (see learnerPicker). */
export type LearnerPick = (extra?: (learner: MisLearnerRow) => boolean) => Promise<MisLearnerRow>;

/**
 * Hands out eligible learners in continuing learning (and `extra`), each once: the tests
 * of a file share one provider, and each changes its learner as it needs.
 */
export function learnerPicker(db: DataSource): LearnerPick {
  const used = new Set<string>();
  return async (extra = () => true) => {
    const mis = await readMis(db);
    const today = ukDate(Date.now());
    const learner = mis.learners.find(
      (row) =>
        !used.has(row.learnerIdent) &&
        isEligible(row, aimsOf(mis, row.id), today) &&
        aimsOf(mis, row.id).every((aim) => aim.completionStatus === 1 && aim.actualEndDate === null) &&
        extra(row),
    );
    if (!learner) throw new Error('the provider has no learner left for this test');
    used.add(learner.learnerIdent);
    return learner;
  };
}

export interface EventRow {
  queue: string;
  subjectType: string;
  subjectRef: string;
  outcome: string;
  error: string | null;
  changes: Array<{ record: string; field: string; from: unknown; to: unknown; direction: string }>;
}

/** A run's sync events, by queue. */
export async function eventsOf(db: DataSource, runId: string): Promise<EventRow[]> {
  return db.query(
    `SELECT queue, subject_type AS "subjectType", subject_ref AS "subjectRef", outcome, error, changes FROM sync_event WHERE run_id = $1 ORDER BY queue, subject_ref`,
    [runId],
  );
}

/**
 * For a suite of tests that share a provider, one learner each: its harness, opened before
 * them, with a picker of fresh learners; the simulator's counters reset before each test;
 * closed after them. Read the fields in a test or a later hook.
 */
export function sharedDailyHarness(options: DailyHarnessOptions): { harness: DailyHarness; freshLearner: LearnerPick } {
  const shared = {} as { harness: DailyHarness; freshLearner: LearnerPick };
  before(async function () {
    this.timeout(60_000);
    shared.harness = await openDailyHarness(options);
    shared.freshLearner = learnerPicker(shared.harness.db);
  });
  beforeEach(() => shared.harness.simulator.store.resetCounters());
  after(async () => {
    await shared.harness?.close();
  });
  return shared;
}
