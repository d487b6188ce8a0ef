import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { queueKeyPrefix, workerConnection } from '../../../queues/connection.js';
import { QUEUE_NAMES } from '../../../queues/definitions.js';
import { createProducers, type Producers } from '../../../queues/producers.js';
import { startBenchChild, type BenchChild } from '../../../tools/bench/child-processes.js';
import type { BenchProcessSpec } from '../../../tools/bench/process-protocol.js';
import { startRun } from '../../../src/runs/index.js';
import { startScheduler, type RunningScheduler } from '../../../src/scheduler/index.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import { SettingsService } from '../../../src/settings/settings-service.js';
import type { WorkerTuning } from '../../../queues/worker-tuning.js';
import { resetDatabase, testDatabaseUrl, testDataSource } from '../../support/database.js';
import { enrolledProvider, type EnrolledProvider } from '../../support/enrolled-provider.js';
import { silentLogger } from '../../support/pipeline.js';
import { uniqueQueuePrefix } from '../../support/redis.js';
import { startOwnRedis, type OwnRedisServer, type RedisPersistence } from '../../support/redis-server.js';
import { startTestSimulator, type RunningSimulator } from '../../support/simulator.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';
import { endState, type EndState } from './end-state.js';
import { prepareStartState, PROVIDER } from './start-state.js';
import { waitFor } from './wait.js';

/**
 * One fault case's world: the pipeline as deployed (worker processes that can be killed,
 * the scheduler with its reconciler), its own redis-server (to restart), PostgreSQL and
 * Smart Assessor each behind a TCP proxy (to cut), and a simulator in this process (to
 * make misbehave), all started from the same provider so two rigs can be compared.
 */

/**
 * Short locks and stall checks so a killed worker's jobs come back within seconds;
 * enough stalls allowed that a job caught by several kills is run again, not failed.
 */
export const SUITE_TUNING: WorkerTuning = { lockDuration: 3_000, stalledInterval: 1_500, maxStalledCount: 10, drainDelay: 1 };
/** Retries a second or so apart instead of the product's seconds-to-minutes. */
export const SUITE_FIRST_RETRY_MS = 150;
/** A held Smart Assessor answer counts as a timeout this soon. */
export const SUITE_SA_TIMEOUT_MS = 1_500;
export const SUITE_RECONCILE_EVERY_MS = 1_000;
const WORKER_CONCURRENCY = 3;

export interface FaultRigOptions {
  redisPersistence?: RedisPersistence;
  workerProcesses?: number;
  /** Jobs at once per queue in each worker process. */
  workerConcurrency?: number;
  /** A larger provider than the suite's (the same generator seed and start state): for runs that are not compared with the reference. */
  learners?: number;
  /** Redis of the caller's (a Sentinel set, a Cluster), which it starts and stops; by default the rig starts a redis-server of its own. */
  redisUrl?: string;
  /** The worker processes' onboarding worker: its pace and timing (the product's by default). */
  onboarding?: BenchProcessSpec['onboarding'];
}

export interface RunRow {
  state: string;
  learners: number;
  jobs_total: number;
  jobs_completed: number;
  jobs_failed: number;
  changes: number;
  /** From the fan-out's start to the last outcome. */
  seconds: number | null;
}

export interface FaultRig {
  readonly db: DataSource;
  readonly simulator: RunningSimulator;
  /** The rig's own redis-server; null when the caller gave one (redisUrl). */
  readonly redis: OwnRedisServer | null;
  readonly redisUrl: string;
  /** The queues' key prefix, for queues a case makes of its own (onboarding's). */
  readonly prefix: string;
  readonly postgresProxy: TcpProxy;
  readonly smartAssessorProxy: TcpProxy;
  readonly producers: Producers;
  readonly provider: EnrolledProvider;
  /** The worker processes now running. */
  readonly workers: readonly BenchChild[];
  startRun(): Promise<string>;
  run(runId: string): Promise<RunRow>;
  /** Waits for the run to complete (with a deadline); a failed or stuck run fails the case with the workers' last words. */
  waitForRun(runId: string, withinMs?: number): Promise<RunRow>;
  /** Outcomes recorded so far in the run. */
  done(runId: string): Promise<number>;
  /** Jobs being processed right now, across the queues. */
  activeJobs(): Promise<number>;
  /** Jobs in Redis not yet finished (waiting, delayed, prioritized or active), across the queues. */
  unfinishedJobs(): Promise<number>;
  failedJobs(): Promise<Job[]>;
  /** SIGKILLs a worker process and waits until it is gone. */
  killWorker(index: number): Promise<void>;
  startWorker(): Promise<void>;
  endState(): Promise<EndState>;
  close(): Promise<void>;
}

export async function openFaultRig(options: FaultRigOptions = {}): Promise<FaultRig> {
  const db = await testDataSource();
  await resetDatabase(db);
  const closers: Array<() => Promise<unknown>> = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };
  try {
    const redis = options.redisUrl === undefined ? await startOwnRedis({ persistence: options.redisPersistence ?? 'aof' }) : null;
    if (redis) closers.push(() => redis.close());
    const redisUrl = options.redisUrl ?? redis!.url;
    const postgresProxy = await startTcpProxy({ targetPort: Number(new URL(testDatabaseUrl()).port || 5432) });
    closers.push(() => postgresProxy.close());
    const simulator = await startTestSimulator({ seed: PROVIDER.simulatorSeed });
    closers.push(() => simulator.close());
    const smartAssessorProxy = await startTcpProxy({ targetPort: simulator.port });
    closers.push(() => smartAssessorProxy.close());

    const encryptionKey = randomBytes(32);
    const settings = new SettingsService(db, new SecretBox(encryptionKey));
    const provider = await enrolledProvider({
      db,
      simulator: { store: simulator.store, credentials: simulator.credentials, baseUrl: smartAssessorProxy.through(simulator.baseUrl) },
      settingsService: settings,
      learners: options.learners ?? PROVIDER.learners,
      seed: PROVIDER.generatorSeed,
      settings: PROVIDER.settings,
    });
    await prepareStartState(db, simulator.store);

    const prefix = queueKeyPrefix(redisUrl, uniqueQueuePrefix('faults'));
    const producers = createProducers({ connection: workerConnection(redisUrl), prefix, firstRetryMs: SUITE_FIRST_RETRY_MS });
    closers.push(() => producers.close());
    // A queue with no error listener prints each lost connection raw; the cases say what they broke.
    for (const queue of [...Object.values(producers.queues), producers.control]) queue.on('error', () => undefined);
    const scheduler: RunningScheduler = await startScheduler({
      db,
      producers,
      connection: workerConnection(redisUrl),
      prefix,
      logger: silentLogger,
      reconcileEveryMs: SUITE_RECONCILE_EVERY_MS,
      tuning: SUITE_TUNING,
    });
    closers.push(() => scheduler.close());

    const workerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: postgresProxy.through(testDatabaseUrl()),
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SETTINGS_ENCRYPTION_KEY: encryptionKey.toString('hex'),
      LOG_LEVEL: 'warn',
    };
    const workerSpec: BenchProcessSpec = {
      role: 'workers',
      concurrency: options.workerConcurrency ?? WORKER_CONCURRENCY,
      tuning: SUITE_TUNING,
      smartAssessorTimeoutMs: SUITE_SA_TIMEOUT_MS,
      onboarding: options.onboarding,
    };
    const workers: BenchChild[] = [];
    const retired: BenchChild[] = [];
    const startWorker = async (): Promise<void> => {
      workers.push(await startBenchChild(workerSpec, workerEnv, { captureOutput: true }));
    };
    closers.push(async () => {
      for (const worker of workers) worker.kill();
    });
    await Promise.all(Array.from({ length: options.workerProcesses ?? 2 }, () => startWorker()));

    const run = async (runId: string): Promise<RunRow> => {
      const [row] = (await db.query(
        `SELECT state, learners, jobs_total, jobs_completed, jobs_failed, changes, extract(epoch FROM finished_at - started_at)::float AS seconds FROM sync_run WHERE id = $1`,
        [runId],
      )) as RunRow[];
      return row;
    };
    const workersOutput = (): string => [...retired, ...workers].map((worker, index) => `--- worker process ${index + 1} (last lines) ---\n${worker.output()}`).join('\n');

    return {
      db,
      simulator,
      redis,
      redisUrl,
      prefix,
      postgresProxy,
      smartAssessorProxy,
      producers,
      provider,
      get workers() {
        return workers;
      },
      async startRun() {
        return (await startRun(db, producers, 'manual')).runId;
      },
      run,
      async waitForRun(runId, withinMs = 120_000) {
        try {
          await waitFor(
            `run ${runId} to complete`,
            async () => {
              const row = await run(runId);
              if (row.state === 'failed') throw new Error(`run ${runId} failed`);
              return row.state === 'completed';
            },
            withinMs,
            100,
          );
        } catch (error) {
          const row = await run(runId);
          throw new Error(`${(error as Error).message}; the run: ${JSON.stringify(row)}\n${workersOutput()}`, { cause: error });
        }
        return run(runId);
      },
      async done(runId) {
        const row = await run(runId);
        return row.jobs_completed + row.jobs_failed;
      },
      async activeJobs() {
        let active = 0;
        for (const name of QUEUE_NAMES) active += await producers.queues[name].getActiveCount();
        return active;
      },
      async unfinishedJobs() {
        let unfinished = 0;
        for (const name of QUEUE_NAMES) {
          const counts = await producers.queues[name].getJobCounts('waiting', 'delayed', 'prioritized', 'active');
          unfinished += Object.values(counts).reduce((sum, count) => sum + count, 0);
        }
        return unfinished;
      },
      async failedJobs() {
        const failed: Job[] = [];
        for (const name of QUEUE_NAMES) failed.push(...((await producers.queues[name].getFailed()) as unknown as Job[]));
        return failed;
      },
      async killWorker(index) {
        const [worker] = workers.splice(index, 1);
        retired.push(worker);
        if (worker.process.exitCode !== null || worker.process.signalCode !== null) return;
        const gone = new Promise((resolve) => worker.process.once('exit', resolve));
        worker.kill();
        await gone;
      },
      startWorker,
      endState: () => endState(db, simulator.store),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
