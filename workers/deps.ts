import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { IntegrationSettings } from '../entities/index.js';
import type { Config } from '../src/config/environment.js';
import { logger as processLogger, type Logger } from '../src/logging/logger.js';
import { smartAssessorCounting, type ProcessMetrics } from '../src/metrics/process-metrics.js';
import type { SettingsService } from '../src/settings/settings-service.js';
import { createSmartAssessorClient, deploymentBudgetKey, type SmartAssessorClient } from '../src/smart-assessor/client.js';
import type { WorkerDeps } from './processor.js';

export interface WorkerDepsOptions {
  db: DataSource;
  /** A plain (non-blocking) connection: the Smart Assessor request budget, caches, pausing a queue. */
  redis: Redis;
  /** QUEUE_PREFIX keeps this deployment's Smart Assessor budget apart from another's sharing the Redis. */
  config: Pick<Config, 'QUEUE_PREFIX'>;
  settings: SettingsService;
  logger?: Logger;
  /** How stale the settings row a job sees may be. */
  settingsMaxAgeMs?: number;
  /** How long a Smart Assessor request may take; default the client's (30 s). */
  smartAssessorTimeoutMs?: number;
  /** The process's counters: the runner counts jobs, the Smart Assessor client its requests. */
  metrics?: ProcessMetrics;
}

export interface ClosableWorkerDeps extends WorkerDeps {
  /** Releases the Smart Assessor client's sockets. */
  close(): void;
}

/** A replaced client may still be serving jobs that started before the settings changed. */
const RETIRED_CLIENT_GRACE_MS = 60_000;

/**
 * What every processor uses, built once per worker process. The settings row is read at
 * most every few seconds however many jobs run; the Smart Assessor client is built from
 * the settings (secrets decrypted by the SettingsService) and rebuilt when the row
 * changes, sharing the deployment's request budget through Redis.
 */
export function createWorkerDeps({ db, redis, config, settings, logger = processLogger, settingsMaxAgeMs = 5_000, smartAssessorTimeoutMs, metrics }: WorkerDepsOptions): ClosableWorkerDeps {
  let row: { value: IntegrationSettings; readAt: number } | undefined;
  let reading: Promise<IntegrationSettings> | undefined;
  let client: { updatedAt: number; value: SmartAssessorClient } | undefined;
  let building: Promise<SmartAssessorClient> | undefined;

  async function currentSettings(): Promise<IntegrationSettings> {
    if (row && Date.now() - row.readAt < settingsMaxAgeMs) return row.value;
    reading ??= settings
      .get()
      .then((value) => {
        row = { value, readAt: Date.now() };
        return value;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  }

  async function buildClient(updatedAt: number): Promise<SmartAssessorClient> {
    const connection = await settings.connection();
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
    client = { updatedAt, value };
    return value;
  }

  return {
    db,
    redis,
    logger,
    metrics,
    settings: currentSettings,
    async smartAssessor() {
      const updatedAt = (await currentSettings()).updatedAt.getTime();
      if (client && client.updatedAt === updatedAt) return client.value;
      building ??= buildClient(updatedAt).finally(() => {
        building = undefined;
      });
      return building;
    },
    close() {
      client?.value.close();
      client = undefined;
    },
  };
}
