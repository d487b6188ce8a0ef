import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { connectRedis, sharedStateConnection, workerConnection, type RedisClient } from '../../../queues/connection.js';
import { createProducers, type Producers } from '../../../queues/producers.js';
import { snapshotKey } from '../../../src/daily/learner-snapshot.js';
import { relayLiveChanges, startLiveRelay, type LiveRelayOptions, type RelayPass, type RunningRelay } from '../../../src/live/relay.js';
import { fanOutRun, startRun } from '../../../src/runs/index.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import type { SettingsPatch } from '../../../src/settings/settings-patch.js';
import { SettingsService } from '../../../src/settings/settings-service.js';
import { createWorkerDeps, type ClosableWorkerDeps } from '../../../workers/deps.js';
import { PROCESSOR_REGISTRATIONS, processorMap } from '../../../workers/processors.js';
import { startWorkers, type RunningWorkers } from '../../../workers/runner.js';
import { resetDatabase, testDatabaseUrl, testDataSource } from '../../support/database.js';
import { enrolledProvider, type EnrolledProvider } from '../../support/enrolled-provider.js';
import { FAST_WORKERS, silentLogger, waitFor } from '../../support/pipeline.js';
import { testRedisUrl, uniqueQueuePrefix } from '../../support/redis.js';
import { startTestSimulator, type RunningSimulator } from '../../support/simulator.js';
import { DAILY_QUEUES } from '../daily/harness.js';

/** The product's burst (edits less than a second apart), looked at often; a lost job is looked for after a second. */
export const TEST_RELAY: LiveRelayOptions = { pollMs: 50, idlePollMs: 50, quietMs: 1_000, maxWaitMs: 5_000, repairAfterMs: 1_000, repairEveryMs: 500 };

/**
 * A generated provider enrolled in a simulator over real HTTP (every request recorded),
 * the real processors on a queue prefix of the test's own, and the live relay: the live
 * sync pipeline end to end, on the Redis at `redisUrl` (a test's own server when it
 * restarts Redis).
 */
export interface LiveHarness {
  db: DataSource;
  simulator: RunningSimulator;
  settings: SettingsService;
  provider: EnrolledProvider;
  producers: Producers;
  /** A plain connection to the harness's Redis, for looking into it. */
  redis: RedisClient;
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  startRelay(options?: LiveRelayOptions): void;
  /** Stops the relay loop (after its pass in progress). */
  stopRelay(): Promise<void>;
  /** One relay pass, run by the test itself. */
  relayOnce(options?: LiveRelayOptions): Promise<RelayPass>;
  /** Another program's edit: a plain SQL statement on a connection of its own, committed. */
  sql(text: string, values?: unknown[]): Promise<void>;
  /** Waits until the outbox is empty and no live job is in flight, and every live run is completed or takes jobs with none left. */
  liveSettled(timeoutMs?: number): Promise<void>;
  /** A whole-provider run with the harness's workers, start to finish. */
  runDaily(): Promise<string>;
  /** updateLearner requests the simulator answered for one SA learner, as sent. */
  learnerWrites(saLearnerId: string): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface LiveHarnessOptions {
  learners: number;
  seed?: number;
  redisUrl?: string;
  settings?: SettingsPatch;
}

export async function openLiveHarness(options: LiveHarnessOptions): Promise<LiveHarness> {
  const db = await testDataSource();
  await resetDatabase(db);
  const redisUrl = options.redisUrl ?? testRedisUrl;
  const simulator = await startTestSimulator({ recordRequests: true, seed: options.seed ?? 7 });
  const settings = new SettingsService(db, new SecretBox(randomBytes(32)));
  const provider = await enrolledProvider({ db, simulator, settingsService: settings, learners: options.learners, seed: options.seed });
  if (options.settings) await settings.update(options.settings);
  const prefix = uniqueQueuePrefix('live');
  const producers = createProducers({ connection: workerConnection(redisUrl), prefix, firstRetryMs: 200 });
  const redis = connectRedis(sharedStateConnection(redisUrl));
  const editor = new pg.Client({ connectionString: testDatabaseUrl(), application_name: 'another-program' });
  await editor.connect();

  let workers: { running: RunningWorkers; deps: ClosableWorkerDeps } | undefined;
  let relay: RunningRelay | undefined;
  const relayDeps = { db, producers, logger: silentLogger };

  const harness: LiveHarness = {
    db,
    simulator,
    settings,
    provider,
    producers,
    redis,
    async startWorkers() {
      const deps = createWorkerDeps({ db, redis, config: { QUEUE_PREFIX: prefix }, settings, logger: silentLogger });
      const running = await startWorkers({
        connection: workerConnection(redisUrl),
        prefix,
        queues: DAILY_QUEUES,
        concurrency: 4,
        processors: processorMap(PROCESSOR_REGISTRATIONS),
        deps,
        tuning: FAST_WORKERS,
      });
      workers = { running, deps };
    },
    async stopWorkers() {
      await workers?.running.close({ deadlineMs: 5_000 });
      workers?.deps.close();
      workers = undefined;
    },
    startRelay(relayOptions = TEST_RELAY) {
      relay = startLiveRelay(relayDeps, relayOptions);
    },
    async stopRelay() {
      await relay?.close();
      relay = undefined;
    },
    relayOnce: (relayOptions = TEST_RELAY) => relayLiveChanges(relayDeps, relayOptions),
    async sql(text, values = []) {
      await editor.query(text, values);
    },
    async liveSettled(timeoutMs = 30_000) {
      await waitFor(
        'live changes to be sent',
        async () => {
          const [row] = (await db.query(`SELECT (SELECT count(*) FROM live_change)::int AS changes, (SELECT count(*) FROM live_dispatch)::int AS in_flight`)) as Array<{
            changes: number;
            in_flight: number;
          }>;
          return row.changes === 0 && row.in_flight === 0;
        },
        timeoutMs,
      );
    },
    async runDaily() {
      const { runId } = await startRun(db, producers, 'manual');
      await fanOutRun({ db, producers, logger: silentLogger }, runId);
      await waitFor(
        `run ${runId} to finish`,
        async () => {
          const [run] = (await db.query(`SELECT state FROM sync_run WHERE id = $1`, [runId])) as Array<{ state: string }>;
          return run.state === 'completed' || run.state === 'failed';
        },
        60_000,
      );
      return runId;
    },
    learnerWrites(saLearnerId) {
      return simulator.store.recorded
        .filter((request) => request.operationId === 'updateLearner' && request.path === `/learners/${saLearnerId}` && request.status < 300)
        .map((request) => request.body as Record<string, unknown>);
    },
    async close() {
      await harness.stopRelay();
      await harness.stopWorkers();
      // A run's Smart Assessor reads live outside the queue prefix: those a reader never released would wait out their TTL.
      for (const { id } of (await db.query(`SELECT id FROM sync_run`)) as Array<{ id: string }>) {
        for (const part of ['learner', 'courses'] as const) {
          const keys = await redis.keys(snapshotKey(id, '*', part));
          if (keys.length > 0) await redis.unlink(...keys);
        }
      }
      await producers.close();
      redis.disconnect();
      await editor.end();
      await simulator.close();
    },
  };
  return harness;
}
