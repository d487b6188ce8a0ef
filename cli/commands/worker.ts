import { workerConnection } from '../../queues/connection.js';
import { createWorkerDeps } from '../../workers/deps.js';
import { startOnboardingWorker } from '../../workers/onboarding.js';
import { parseConcurrency, parseQueueList, workerPoolSize } from '../../workers/process-setup.js';
import { PROCESSOR_REGISTRATIONS, processorMap } from '../../workers/processors.js';
import { startWorkers } from '../../workers/runner.js';
import { SHUTDOWN_DEADLINE_MS } from '../../workers/shutdown.js';
import { loadConfig } from '../../src/config/environment.js';
import { logger } from '../../src/logging/logger.js';
import { parseCommandLine } from './command-line.js';
import { Runtime } from './runtime.js';

const USAGE = `usage: sai worker [--queues a,b] [--concurrency N]
  --queues a,b     the queues to work (default all eight); a process that works
                   enrolment also works onboarding (matches, bulk enrolments)
  --concurrency N  jobs at once per queue in this process (default WORKER_CONCURRENCY)
Any number of worker processes may share one Redis and one PostgreSQL. SIGTERM stops
taking jobs and lets the running ones finish (up to ${SHUTDOWN_DEADLINE_MS / 1000} s).`;

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, { queues: { type: 'string' }, concurrency: { type: 'string' } }, USAGE);
  if (typeof values === 'number') return values;
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

  const runtime = await Runtime.open({ config, migrate: false, poolSize: workerPoolSize(queues.length * concurrency), applicationName: 'sai-worker' });
  const deps = createWorkerDeps({ db: runtime.db, redis: runtime.redis('worker'), config, settings: await runtime.settings(), logger, metrics: runtime.metrics().metrics });
  runtime.onClose(() => deps.close());
  const running = await startWorkers({
    connection: workerConnection(config.REDIS_URL),
    prefix: config.QUEUE_PREFIX,
    queues,
    concurrency,
    processors,
    deps,
  });
  runtime.onClose(async () => {
    const { forced } = await running.close({ deadlineMs: SHUTDOWN_DEADLINE_MS });
    logger.info('workers stopped', { forced });
  });
  if (queues.includes('enrolment')) {
    const onboarding = await startOnboardingWorker({ connection: workerConnection(config.REDIS_URL), prefix: config.QUEUE_PREFIX, deps });
    runtime.onClose(() => onboarding.close());
  }

  await runtime.untilSignal();
  return 0;
}
