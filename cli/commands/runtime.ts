import type { DataSource } from 'typeorm';
import { connectRedis, producerConnection, sharedStateConnection, type RedisClient } from '../../queues/connection.js';
import { openMigratedDatabase } from '../../workers/process-setup.js';
import { stopOnSignal } from '../../workers/shutdown.js';
import { loadConfig, type Config } from '../../src/config/environment.js';
import { ensureDatabaseExists, openDatabase } from '../../src/db/data-source.js';
import { logger } from '../../src/logging/logger.js';
import { ProcessMetrics } from '../../src/metrics/process-metrics.js';
import { MetricsFlusher, sharedMetricsKey } from '../../src/metrics/shared-metrics.js';
import { connectionDefaults } from '../../src/settings/connection-defaults.js';
import { loadSecretBox } from '../../src/settings/secret-box.js';
import { SettingsService, type SmartAssessorConnection } from '../../src/settings/settings-service.js';

export interface RuntimeOptions {
  /** PostgreSQL's application_name for this process's connections. */
  applicationName: string;
  poolSize: number;
  /**
   * true for the processes that own the schema (start, admin, import, migrate): the
   * database is created when missing and pending migrations are applied. false for the
   * others (worker, scheduler, sync): a database missing migrations is refused.
   */
  migrate: boolean;
  /** Already loaded by a command that needed it to read its flags. */
  config?: Config;
}

/**
 * What every command that touches the system opens the same way: the config, PostgreSQL,
 * Redis connections and the settings, and closes once, on the way out, in the reverse
 * order of opening, PostgreSQL last.
 */
export class Runtime {
  readonly #closers: Array<() => unknown> = [];
  #metrics: MetricsFlusher | undefined;

  private constructor(
    readonly config: Config,
    readonly db: DataSource,
  ) {}

  static async open(options: RuntimeOptions): Promise<Runtime> {
    const config = options.config ?? loadConfig();
    const { poolSize, applicationName } = options;
    if (options.migrate) {
      await ensureDatabaseExists(config.DATABASE_URL);
      return new Runtime(config, await openDatabase({ url: config.DATABASE_URL, poolSize, applicationName }));
    }
    return new Runtime(config, await openMigratedDatabase(config, { poolSize, applicationName }));
  }

  /**
   * A plain connection to REDIS_URL, disconnected on close. A producer's fails fast (an
   * HTTP request must not hang); a worker's waits out a blip (sharedStateConnection).
   */
  redis(kind: 'producer' | 'worker'): RedisClient {
    const redis = connectRedis(kind === 'producer' ? producerConnection(this.config.REDIS_URL) : sharedStateConnection(this.config.REDIS_URL));
    this.onClose(() => redis.disconnect());
    return redis;
  }

  /**
   * This process's counters, added to the deployment's totals in Redis every few seconds
   * (GET /metrics reads them) and once more on close. One per process.
   */
  metrics(): MetricsFlusher {
    if (!this.#metrics) {
      const flusher = new MetricsFlusher(this.redis('worker'), sharedMetricsKey(this.config.QUEUE_PREFIX), new ProcessMetrics(), logger).start();
      this.onClose(() => flusher.stop());
      this.#metrics = flusher;
    }
    return this.#metrics;
  }

  /** The settings, secrets sealed with this installation's key; the Smart Assessor connection falls back to `defaults`. */
  async settings(defaults: Partial<SmartAssessorConnection> = connectionDefaults(this.config)): Promise<SettingsService> {
    return new SettingsService(this.db, await loadSecretBox(this.config), defaults);
  }

  /** `close` runs on the way out, before anything opened earlier is closed. */
  onClose(close: () => unknown): void {
    this.#closers.push(close);
  }

  async close(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close();
    await this.db.destroy();
  }

  /** Runs until SIGTERM or SIGINT, then closes everything. */
  async untilSignal(): Promise<void> {
    await stopOnSignal(() => this.close(), logger);
  }
}
