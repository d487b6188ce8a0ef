import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { createOnboardingQueue, ONBOARDING_QUEUE, onboardingJobProblem, type OnboardingJobData, type OnboardingJobName, type OnboardingJobs } from '../queues/onboarding.js';
import { createProducers } from '../queues/producers.js';
import { enrolmentQueueAccess, feedBatch } from '../src/onboarding/batch-feeder.js';
import { DEFAULT_FEED_PACE, type FeedPace } from '../src/onboarding/feed-rules.js';
import { keepOnboardingWork } from '../src/onboarding/keeper.js';
import { markMatchFailed, runMatch } from '../src/onboarding/match-records.js';
import { classifyFailure } from './failure.js';
import type { WorkerProcessDeps } from '../src/jobs/job-contract.js';
import { workerTuningOptions, type WorkerTuning } from '../queues/worker-tuning.js';

export interface OnboardingWorkerOptions {
  /** Options, not a shared instance: the worker makes its own (blocking) connection. */
  connection: ConnectionOptions;
  prefix: string;
  /** The worker process's deps: PostgreSQL, the plain Redis connection, the Smart Assessor client, the log. */
  deps: WorkerProcessDeps;
  /** Onboarding jobs at once in this process; a match and a few batches' feeders. */
  concurrency?: number;
  tuning?: WorkerTuning;
  /** How many learners of batches may be in the enrolment queue at once (see feed-rules.ts). */
  pace?: FeedPace;
  /** A feeder waits this long between its steps. */
  stepMs?: number;
  /** How often unfinished onboarding work is checked for lost or failed jobs (keeper.ts). */
  keepEveryMs?: number;
}

export interface RunningOnboardingWorker {
  readonly worker: Worker;
  close(): Promise<void>;
}

const DEFAULT_CONCURRENCY = 4;
/** A learner's enrolment takes about a second at the budget's pace: a step a second keeps the window full. */
export const DEFAULT_FEED_STEP_MS = 1_000;
const DEFAULT_KEEP_EVERY_MS = 30_000;

/**
 * The onboarding queue's worker (queues/onboarding.ts), started beside the enrolment
 * queue's in a worker process: it runs matches (through the process's Smart Assessor
 * client, so within the shared request budget) and the feeders of bulk enrolments, and
 * now and then gives unfinished work back the job Redis lost (keeper.ts).
 */
export async function startOnboardingWorker(options: OnboardingWorkerOptions): Promise<RunningOnboardingWorker> {
  const { connection, prefix, deps, tuning = {} } = options;
  const pace = options.pace ?? DEFAULT_FEED_PACE;
  const stepMs = options.stepMs ?? DEFAULT_FEED_STEP_MS;
  const log = deps.logger.child({ queue: ONBOARDING_QUEUE });
  const queue = createOnboardingQueue({ connection: deps.redis, prefix });
  const producers = createProducers({ connection: deps.redis, prefix });
  const enrolments = enrolmentQueueAccess(producers);

  async function match(job: Job<OnboardingJobData, unknown, OnboardingJobName>, { matchId }: OnboardingJobs['match-records']): Promise<unknown> {
    try {
      const jobDeps = deps.forJob(null);
      return { stored: await runMatch(matchId, { db: deps.db, smartAssessor: await jobDeps.smartAssessor(), log: log.child({ matchId }) }) };
    } catch (error) {
      const disposition = classifyFailure(error);
      const final = disposition.kind === 'fail-now' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      log.warn(final ? 'onboarding match failed' : 'onboarding match will be tried again', { matchId, reason: disposition.reason, attempt: job.attemptsMade + 1 });
      if (final) await markMatchFailed(deps.db, matchId, disposition.reason);
      throw disposition.kind === 'fail-now' ? new UnrecoverableError(disposition.reason) : error;
    }
  }

  async function feed(job: Job<OnboardingJobData, unknown, OnboardingJobName>, token: string | undefined, { batchId }: OnboardingJobs['feed-enrolment-batch']): Promise<unknown> {
    const step = await feedBatch(deps.db, batchId, enrolments, pace);
    if (step.finished) {
      log.info('bulk enrolment finished', { batchId });
      return { finished: true };
    }
    // The next step is the same job, later: nothing is held while the batch's learners are enrolled.
    await job.moveToDelayed(Date.now() + stepMs, token);
    throw new DelayedError();
  }

  const worker = new Worker<OnboardingJobData, unknown, OnboardingJobName>(
    ONBOARDING_QUEUE,
    async (job, token) => {
      const problem = onboardingJobProblem(job.name, job.data);
      if (problem) {
        log.error('job refused', { jobId: job.id, reason: problem });
        throw new UnrecoverableError(problem);
      }
      return job.name === 'match-records' ? match(job, job.data as OnboardingJobs['match-records']) : feed(job, token, job.data as OnboardingJobs['feed-enrolment-batch']);
    },
    { connection, prefix, concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, name: `${ONBOARDING_QUEUE}@${process.pid}`, ...workerTuningOptions(tuning) },
  );
  worker.on('error', (error) => log.error('worker error', { error }));
  await worker.waitUntilReady();

  const keep = () =>
    keepOnboardingWork(deps.db, queue)
      .then((report) => {
        if (report.requeued + report.retried + report.failed > 0) log.warn('onboarding work resumed', { ...report });
      })
      .catch((error: unknown) => log.error('could not check the onboarding work', { error }));
  await keep();
  const keeper = setInterval(keep, options.keepEveryMs ?? DEFAULT_KEEP_EVERY_MS);
  keeper.unref();

  let closing: Promise<void> | undefined;
  return {
    worker: worker as unknown as Worker,
    close() {
      closing ??= (async () => {
        clearInterval(keeper);
        await worker.close();
        await Promise.all([queue.close(), producers.close()]);
      })();
      return closing;
    },
  };
}
