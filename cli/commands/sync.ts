import { workerConnection } from '../../queues/connection.js';
import { QUEUE_NAMES } from '../../queues/definitions.js';
import { createProducers, type Producers } from '../../queues/producers.js';
import { logger } from '../../src/logging/logger.js';
import { ActiveRunError, LearnerNotFoundError, NotEnrolledError, progressLine, requestLearnerSync, runView, startRun } from '../../src/runs/index.js';
import { startScheduler } from '../../src/scheduler/index.js';
import { parseCommandLine } from './command-line.js';
import { Runtime } from './runtime.js';

const USAGE = `usage: sai sync --now [--dry-run] | sai sync --learner IDENT
  --now            start the daily synchronisation now, for every eligible learner
  --dry-run        with --now: a dry run, which reads Smart Assessor and records what it
                   would change, writing nothing (browse its changes on the runs page)
  --learner IDENT  "Update Learner In Smart Assessor" for one enrolled learner
Prints the run's progress until it completes (Ctrl-C stops watching; the run goes on).
Exit status 0 when every job succeeded, 1 when some failed or the run could not start.
Jobs are done by worker processes (\`sai worker\` or \`sai start\`).`;

const POLL_MS = 1_000;
/** A line even when nothing moved, so a long quiet wait (a 429 pause) does not look hung. */
const QUIET_LINE_MS = 15_000;

async function warnAboutMissingWorkers(producers: Producers): Promise<void> {
  const idle: string[] = [];
  for (const name of QUEUE_NAMES) {
    if (name !== 'enrolment' && (await producers.queues[name].getWorkersCount()) === 0) idle.push(name);
  }
  if (idle.length > 0) process.stderr.write(`No worker is taking jobs from ${idle.join(', ')}: start \`sai worker\` (or \`sai start\`) for the run to progress.\n`);
}

export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, { now: { type: 'boolean' }, learner: { type: 'string' }, 'dry-run': { type: 'boolean' } }, USAGE);
  if (typeof values === 'number') return values;
  if (Boolean(values.now) === (values.learner !== undefined) || values.learner?.trim() === '' || (values['dry-run'] && !values.now)) {
    process.stderr.write(USAGE + '\n');
    return 2;
  }

  const runtime = await Runtime.open({ migrate: false, poolSize: 4, applicationName: 'sai-sync' });
  const { config, db } = runtime;
  const connection = workerConnection(config.REDIS_URL);
  const producers = createProducers({ connection, prefix: config.QUEUE_PREFIX });
  runtime.onClose(() => producers.close());
  try {
    let runId: string;
    try {
      if (values.now) {
        // The fan-out is a job for a scheduler; this process is one while it watches, so the command works on its own.
        const scheduler = await startScheduler({ db, producers, connection, prefix: config.QUEUE_PREFIX, logger });
        runtime.onClose(() => scheduler.close());
        ({ runId } = await startRun(db, producers, 'manual', { dryRun: values['dry-run'] === true }));
      } else {
        const answer = await requestLearnerSync(db, producers, values.learner!.trim());
        runId = answer.runId;
        process.stdout.write(`queued ${answer.jobIds.length} jobs for learner ${values.learner!.trim()}\n`);
      }
    } catch (error) {
      if (error instanceof ActiveRunError || error instanceof NotEnrolledError || error instanceof LearnerNotFoundError) {
        process.stderr.write(error.message + '\n');
        return 1;
      }
      throw error;
    }
    process.stdout.write(values['dry-run'] ? `dry run ${runId} started: nothing will be written\n` : `run ${runId} started\n`);
    await warnAboutMissingWorkers(producers);

    let interrupted = false;
    const interrupt = () => {
      interrupted = true;
    };
    process.once('SIGINT', interrupt);
    let lastLine = '';
    let lastPrinted = 0;
    for (;;) {
      const view = await runView(db, runId);
      if (!view) throw new Error(`Run ${runId} is gone`);
      const line = progressLine(view);
      if (line !== lastLine || Date.now() - lastPrinted >= QUIET_LINE_MS) {
        process.stdout.write(line + '\n');
        lastLine = line;
        lastPrinted = Date.now();
      }
      if (view.state === 'completed' || view.state === 'failed') {
        process.off('SIGINT', interrupt);
        return view.state === 'completed' && view.jobs.failed === 0 ? 0 : 1;
      }
      if (interrupted) {
        process.stdout.write(`stopped watching; run ${runId} goes on\n`);
        return 130;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await runtime.close();
  }
}
