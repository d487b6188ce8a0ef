import { workerConnection } from '../../queues/connection.js';
import { QUEUE_NAMES } from '../../queues/definitions.js';
import { createProducers } from '../../queues/producers.js';
import { createWorkerDeps } from '../../workers/deps.js';
import { startOnboardingWorker } from '../../workers/onboarding.js';
import { workerPoolSize } from '../../workers/process-setup.js';
import { PROCESSOR_REGISTRATIONS, processorMap } from '../../workers/processors.js';
import { startWorkers } from '../../workers/runner.js';
import { syncPreviewer } from '../../workers/sync-preview.js';
import { SHUTDOWN_DEADLINE_MS } from '../../workers/shutdown.js';
import { adminOptionsFromConfig, startAdminServer } from '../../src/admin/server.js';
import { loadConfig } from '../../src/config/environment.js';
import { logger } from '../../src/logging/logger.js';
import { startScheduler } from '../../src/scheduler/index.js';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/server.js';
import { adminPublicUrl } from '../../src/notifications/webhook.js';
import { parseCommandLine } from './command-line.js';
import { schedulerOperations } from './operations.js';
import { Runtime } from './runtime.js';

const USAGE = `usage: sai start
Everything in one process: migrations, the Smart Assessor simulator (when
SMART_ASSESSOR_BASE_URL is unset), workers for all eight queues (WORKER_CONCURRENCY
each) and for onboarding, the scheduler and the admin UI and API on PORT. SIGTERM stops it cleanly.`;

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, {}, USAGE);
  if (typeof values === 'number') return values;
  const config = loadConfig();
  const processors = processorMap(PROCESSOR_REGISTRATIONS);

  const runtime = await Runtime.open({
    config,
    migrate: true,
    // The admin, the scheduler and the simulator's callers share it with the workers.
    poolSize: workerPoolSize(QUEUE_NAMES.length * config.WORKER_CONCURRENCY) + 10,
    applicationName: 'sai-start',
  });
  const { db } = runtime;

  let simulator: RunningSimulator | undefined;
  if (!config.SMART_ASSESSOR_BASE_URL) {
    const started = await startSimulator({
      port: config.SIMULATOR_PORT,
      credentials: { username: config.SIMULATOR_USERNAME, password: config.SIMULATOR_PASSWORD, clientKey: config.SIMULATOR_CLIENT_KEY },
      logger,
    });
    runtime.onClose(() => started.close());
    simulator = started;
    logger.info('Smart Assessor simulator started (SMART_ASSESSOR_BASE_URL is unset)', { baseUrl: started.baseUrl });
  }
  const settings = await runtime.settings(simulator ? { baseUrl: simulator.baseUrl, ...simulator.credentials } : undefined);

  // Two plain connections: the admin's fails fast (an HTTP request must not hang), the workers' waits out a blip.
  const adminRedis = runtime.redis('producer');
  const workerRedis = runtime.redis('worker');
  const connection = workerConnection(config.REDIS_URL);
  const producers = createProducers({ connection: adminRedis, prefix: config.QUEUE_PREFIX });
  runtime.onClose(() => producers.close());
  const metrics = runtime.metrics();
  const deps = createWorkerDeps({ db, redis: workerRedis, config, settings, logger, metrics: metrics.metrics });
  runtime.onClose(() => deps.close());
  const workers = await startWorkers({
    connection,
    prefix: config.QUEUE_PREFIX,
    queues: QUEUE_NAMES,
    concurrency: config.WORKER_CONCURRENCY,
    processors,
    deps,
  });
  runtime.onClose(async () => {
    const { forced } = await workers.close({ deadlineMs: SHUTDOWN_DEADLINE_MS });
    logger.info('workers stopped', { forced });
  });
  const onboarding = await startOnboardingWorker({ connection, prefix: config.QUEUE_PREFIX, deps });
  runtime.onClose(() => onboarding.close());
  const scheduler = await startScheduler({ db, producers, connection, prefix: config.QUEUE_PREFIX, logger, ...schedulerOperations(config, settings, metrics) });
  runtime.onClose(() => scheduler.close());
  const admin = await startAdminServer({
    config,
    db,
    redis: adminRedis,
    settings,
    producers,
    port: config.PORT,
    ...adminOptionsFromConfig(config),
    metrics,
    publicUrl: adminPublicUrl(config),
    syncPreview: syncPreviewer({ db, redis: adminRedis, logger }),
  });
  runtime.onClose(() => admin.close());
  logger.info('started', { admin: admin.url, simulator: simulator?.baseUrl ?? null, concurrency: config.WORKER_CONCURRENCY });

  await runtime.untilSignal();
  logger.info('stopped');
  return 0;
}
