import { parseArgs } from 'node:util';
import { workerConnection } from '../../queues/connection.js';
import { createProducers } from '../../queues/producers.js';
import { openMigratedDatabase } from '../../workers/process-setup.js';
import { stopOnSignal } from '../../workers/shutdown.js';
import { loadConfig } from '../config/environment.js';
import { logger } from '../logging/logger.js';
import { startScheduler } from '../scheduler/index.js';

const USAGE = `usage: sai scheduler
The daily run (at the time and zone in Settings, default 02:00 Europe/London), each
run's fan-out and the reconciler that repairs runs whose jobs Redis lost. Any number of
scheduler processes may run: each job is done by one of them.`;

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
  const db = await openMigratedDatabase(config, { poolSize: 8, applicationName: 'sai-scheduler' });
  const connection = workerConnection(config.REDIS_URL);
  const producers = createProducers({ connection, prefix: config.QUEUE_PREFIX });
  const scheduler = await startScheduler({ db, producers, connection, prefix: config.QUEUE_PREFIX, logger });

  await stopOnSignal(async () => {
    await scheduler.close();
    await producers.close();
    await db.destroy();
  }, logger);
  return 0;
}
