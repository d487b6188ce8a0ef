import { workerConnection } from '../../queues/connection.js';
import { createProducers } from '../../queues/producers.js';
import { logger } from '../../src/logging/logger.js';
import { startScheduler } from '../../src/scheduler/index.js';
import { parseCommandLine } from './command-line.js';
import { schedulerOperations } from './operations.js';
import { Runtime } from './runtime.js';

const USAGE = `usage: sai scheduler
The daily run (at the time and zone in Settings, default 02:00 Europe/London), each
run's fan-out, the reconciler that repairs runs whose jobs Redis lost, the daily prune of
the sync history (HISTORY_* variables), the run alerts to the webhook in Settings, and
live sync's relay (MIS changes to their jobs, while Live Sync is on). Any number of
scheduler processes may run: each job is done by one of them, each relay pass by one.`;

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, {}, USAGE);
  if (typeof values === 'number') return values;

  const runtime = await Runtime.open({ migrate: false, poolSize: 8, applicationName: 'sai-scheduler' });
  const { config, db } = runtime;
  const connection = workerConnection(config.REDIS_URL);
  const producers = createProducers({ connection, prefix: config.QUEUE_PREFIX });
  runtime.onClose(() => producers.close());
  const operations = schedulerOperations(config, await runtime.settings(), runtime.metrics());
  const scheduler = await startScheduler({ db, producers, connection, prefix: config.QUEUE_PREFIX, logger, ...operations });
  runtime.onClose(() => scheduler.close());

  await runtime.untilSignal();
  return 0;
}
