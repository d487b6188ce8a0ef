import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { producerConnection, workerConnection } from '../../queues/connection.js';
import { QUEUE_NAMES } from '../../queues/definitions.js';
import { createProducers } from '../../queues/producers.js';
import { createWorkerDeps } from '../../workers/deps.js';
import { workerPoolSize } from '../../workers/process-setup.js';
import { PROCESSOR_REGISTRATIONS, processorMap } from '../../workers/registry.js';
import { startWorkers } from '../../workers/runner.js';
import { SHUTDOWN_DEADLINE_MS, stopOnSignal } from '../../workers/shutdown.js';
import { startAdminServer } from '../admin/server.js';
import { loadConfig } from '../config/environment.js';
import { ensureDatabaseExists, openDatabase } from '../db/data-source.js';
import { logger } from '../logging/logger.js';
import { startScheduler } from '../scheduler/index.js';
import { loadSecretBox } from '../settings/secret-box.js';
import { SettingsService, type SmartAssessorConnection } from '../settings/settings-service.js';
import { startSimulator, type RunningSimulator } from '../simulator/server.js';
import { connectionDefaults } from './admin.js';

const USAGE = `usage: sai start
Everything in one process: migrations, the Smart Assessor simulator (when
SMART_ASSESSOR_BASE_URL is unset), workers for all eight queues (WORKER_CONCURRENCY
each), the scheduler and the admin UI and API on PORT. SIGTERM stops it cleanly.`;

export async function run(args: string[]): Promise<number> {
  let values: { help?: boolean };
  try {
    values = parseArgs({ args, options: { help: { type: 'boolean' } } }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const config = loadConfig();
  const processors = processorMap(PROCESSOR_REGISTRATIONS);

  await ensureDatabaseExists(config.DATABASE_URL);
  const db = await openDatabase({
    url: config.DATABASE_URL,
    // The admin, the scheduler and the simulator's callers share it with the workers.
    poolSize: workerPoolSize(QUEUE_NAMES.length * config.WORKER_CONCURRENCY) + 10,
    applicationName: 'sai-start',
  });

  let simulator: RunningSimulator | undefined;
  let defaults: Partial<SmartAssessorConnection> = connectionDefaults(config);
  if (!config.SMART_ASSESSOR_BASE_URL) {
    simulator = await startSimulator({
      port: config.SIMULATOR_PORT,
      credentials: { username: config.SIMULATOR_USERNAME, password: config.SIMULATOR_PASSWORD, clientKey: config.SIMULATOR_CLIENT_KEY },
      logger,
    });
    defaults = { baseUrl: simulator.baseUrl, ...simulator.credentials };
    logger.info('Smart Assessor simulator started (SMART_ASSESSOR_BASE_URL is unset)', { baseUrl: simulator.baseUrl });
  }
  const settings = new SettingsService(db, await loadSecretBox(config), defaults);

  // Two plain connections: the admin's fails fast (an HTTP request must not hang), the workers' waits out a blip.
  const adminRedis = new Redis(producerConnection(config.REDIS_URL));
  const workerRedis = new Redis(workerConnection(config.REDIS_URL));
  const connection = workerConnection(config.REDIS_URL);
  const producers = createProducers({ connection: adminRedis, prefix: config.QUEUE_PREFIX });
  const deps = createWorkerDeps({ db, redis: workerRedis, config, settings, logger });
  const workers = await startWorkers({
    connection,
    prefix: config.QUEUE_PREFIX,
    queues: QUEUE_NAMES,
    concurrency: config.WORKER_CONCURRENCY,
    processors,
    deps,
  });
  const scheduler = await startScheduler({ db, producers, connection, prefix: config.QUEUE_PREFIX, logger });
  const admin = await startAdminServer({
    config,
    db,
    redis: adminRedis,
    settings,
    producers,
    port: config.PORT,
    loginThrottle: { keyPrefix: `${config.QUEUE_PREFIX}:admin-login` },
  });
  logger.info('started', { admin: admin.url, simulator: simulator?.baseUrl ?? null, concurrency: config.WORKER_CONCURRENCY });

  await stopOnSignal(async () => {
    await admin.close();
    const { forced } = await workers.close({ deadlineMs: SHUTDOWN_DEADLINE_MS });
    await scheduler.close();
    await producers.close();
    deps.close();
    await simulator?.close();
    adminRedis.disconnect();
    workerRedis.disconnect();
    await db.destroy();
    logger.info('stopped', { forced });
  }, logger);
  return 0;
}
