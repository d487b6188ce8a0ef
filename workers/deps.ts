import type { RedisClient } from '../queues/connection.js';
import type { DataSource } from 'typeorm';
import type { RunSettings } from '../entities/index.js';
import type { Config } from '../src/config/environment.js';
import { logger as processLogger, type Logger } from '../src/logging/logger.js';
import { recordedRunSettings, runSettingsOf } from '../src/settings/run-settings.js';
import { smartAssessorCounting, type ProcessMetrics } from '../src/metrics/process-metrics.js';
import type { SettingsService } from '../src/settings/settings-service.js';
import { createSmartAssessorClient, deploymentBudgetKey, type SmartAssessorClient } from '../src/smart-assessor/client.js';
import type { WorkerDeps, WorkerProcessDeps } from '../src/jobs/job-contract.js';

export interface WorkerDepsOptions {
  db: DataSource;
  /** A plain (non-blocking) connection: the Smart Assessor request budget, caches, pausing a queue. */
  redis: RedisClient;
  /** QUEUE_PREFIX keeps this deployment's Smart Assessor budget apart from another's sharing the Redis. */
  config: Pick<Config, 'QUEUE_PREFIX'>;
  settings: SettingsService;
  logger?: Logger;
  /** How long a Smart Assessor request may take; default the client's (30 s). */
  smartAssessorTimeoutMs?: number;
  /** The process's counters: the runner counts jobs, the Smart Assessor client its requests. */
  metrics?: ProcessMetrics;
}

export interface ClosableWorkerDeps extends WorkerProcessDeps {
  /** Releases the Smart Assessor client's sockets. */
  close(): void;
}

/** A replaced client may still be serving jobs that started before the settings changed. */
const RETIRED_CLIENT_GRACE_MS = 60_000;

/**
 * Runs whose settings a process keeps. A daily run is one entry however many jobs it has;
 * each "Update Learner" is a run of its own, so the oldest are let go (one that comes
 * back is simply read again).
 */
const KEPT_RUNS = 100;

interface BuiltClient {
  /** The settings row's updatedAt (ms) when the connection was read. */
  savedAt: number;
  value: SmartAssessorClient;
}

/**
 * What every processor uses, built once per worker process. A job's settings are its
 * run's, recorded when the run started: read once per run (with other jobs' reads, see
 * ReadBatch) and kept, since they never change, so a run started after a save works
 * under the save in every process, at no cost per job. A job outside a run reads the
 * settings row itself. The Smart Assessor client is built from the connection settings
 * (secrets decrypted by the SettingsService) and rebuilt as soon as a job's settings
 * are newer than those it was built from, sharing the deployment's request budget
 * through Redis.
 */
export function createWorkerDeps({ db, redis, config, settings, logger = processLogger, smartAssessorTimeoutMs, metrics }: WorkerDepsOptions): ClosableWorkerDeps {
  const runs = new Map<string, Promise<RunSettings>>();
  let client: BuiltClient | undefined;
  let building: Promise<BuiltClient> | undefined;

  function settingsOfRun(runId: string): Promise<RunSettings> {
    const kept = runs.get(runId);
    if (kept) {
      // Most recently used last, so the oldest go first.
      runs.delete(runId);
      runs.set(runId, kept);
      return kept;
    }
    const reading = recordedRunSettings(db, runId);
    // A failed read is not kept: the job fails or retries, and the next one reads again.
    reading.catch(() => {
      if (runs.get(runId) === reading) runs.delete(runId);
    });
    runs.set(runId, reading);
    if (runs.size > KEPT_RUNS) runs.delete(runs.keys().next().value!);
    return reading;
  }

  async function buildClient(): Promise<BuiltClient> {
    const row = await settings.get();
    const connection = await settings.connection(row);
    const value = createSmartAssessorClient({
      ...connection,
      redis,
      logger: logger.child({ component: 'smart-assessor' }),
      budgetKey: deploymentBudgetKey(config.QUEUE_PREFIX, connection),
      timeoutMs: smartAssessorTimeoutMs,
      ...(metrics ? smartAssessorCounting(metrics) : {}),
    });
    const retired = client?.value;
    if (retired) setTimeout(() => retired.close(), RETIRED_CLIENT_GRACE_MS).unref();
    client = { savedAt: row.updatedAt.getTime(), value };
    return client;
  }

  function rebuild(): Promise<BuiltClient> {
    building ??= buildClient().finally(() => {
      building = undefined;
    });
    return building;
  }

  /** A client at least as new as settings saved at `savedAt`: a build under way may have read the row before that save, so one more follows. */
  async function clientFor(savedAt: number): Promise<SmartAssessorClient> {
    if (client && client.savedAt >= savedAt) return client.value;
    const built = await rebuild();
    return built.savedAt >= savedAt ? built.value : (await rebuild()).value;
  }

  return {
    db,
    redis,
    logger,
    metrics,
    forJob(runId: string | null): WorkerDeps {
      let read: Promise<RunSettings> | undefined;
      const jobSettings = (): Promise<RunSettings> => (read ??= runId === null ? settings.get().then(runSettingsOf) : settingsOfRun(runId));
      return {
        db,
        redis,
        logger,
        metrics,
        settings: jobSettings,
        smartAssessor: async () => clientFor(Date.parse((await jobSettings()).savedAt)),
      };
    },
    close() {
      client?.value.close();
      client = undefined;
    },
  };
}
