import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { workerConnection } from '../../queues/connection.js';
import { createWorkerDeps } from '../../workers/deps.js';
import { openMigratedDatabase, parseConcurrency, parseQueueList, workerPoolSize } from '../../workers/process-setup.js';
import { PROCESSOR_REGISTRATIONS, processorMap } from '../../workers/registry.js';
import { startWorkers } from '../../workers/runner.js';
import { SHUTDOWN_DEADLINE_MS, stopOnSignal } from '../../workers/shutdown.js';
import { loadConfig } from '../config/environment.js';
import { logger } from '../logging/logger.js';
import { loadSecretBox } from '../settings/secret-box.js';
import { SettingsService } from '../settings/settings-service.js';
import { connectionDefaults } from './admin.js';

const USAGE = `usage: sai worker [--queues a,b] [--concurrency N]
  --queues a,b     the queues to work (default all eight)
  --concurrency N  jobs at once per queue in this process (default WORKER_CONCURRENCY)
Any number of worker processes may share one Redis and one PostgreSQL. SIGTERM stops
taking jobs and lets the running ones finish (up to ${SHUTDOWN_DEADLINE_MS / 1000} s).`;

export async function run(args: string[]): Promise<number> {
  let values: { queues?: string; concurrency?: string; help?: boolean };
  try {
    values = parseArgs({ args, options: { queues: { type: 'string' }, concurrency: { type: 'string' }, help: { type: 'boolean' } } }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const config = loadConfig();
  let queues;
  let concurrency;
  try {
    queues = parseQueueList(values.queues);
    concurrency = parseConcurrency(values.concurrency, config.WORKER_CONCURRENCY);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  // The processors check every queue has one (and only one) processor, whichever queues this process works.
  const processors = processorMap(PROCESSOR_REGISTRATIONS);

  const db = await openMigratedDatabase(config, { poolSize: workerPoolSize(queues.length * concurrency), applicationName: 'sai-worker' });
  const redis = new Redis(workerConnection(config.REDIS_URL));
  const settings = new SettingsService(db, await loadSecretBox(config), connectionDefaults(config));
  const deps = createWorkerDeps({ db, redis, config, settings, logger });
  const running = await startWorkers({
    connection: workerConnection(config.REDIS_URL),
    prefix: config.QUEUE_PREFIX,
    queues,
    concurrency,
    processors,
    deps,
  });

  await stopOnSignal(async () => {
    const { forced } = await running.close({ deadlineMs: SHUTDOWN_DEADLINE_MS });
    deps.close();
    redis.disconnect();
    await db.destroy();
    logger.info('workers stopped', { forced });
  }, logger);
  return 0;
}
