import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { payloadProblem, payloadSubject, type JobName, type JobPayload, type QueueJob, type QueueName } from '../queues/definitions.js';
import { workerTuningOptions, type WorkerTuning } from '../queues/worker-tuning.js';
import type { JobResult, Processor, WorkerProcessDeps } from '../src/jobs/job-contract.js';
import type { JobAttemptOutcome } from '../src/metrics/process-metrics.js';
import { recordAndSettle, subjectOf } from '../src/runs/outcomes.js';
import { adminText, classifyFailure } from './failure.js';
import { JobAttempt } from './job-attempt.js';
import type { ProcessorMap } from './processors.js';

export interface RunnerOptions {
  /** Options, not a shared instance: each worker makes its own connections, one of them blocking. */
  connection: ConnectionOptions;
  prefix: string;
  queues: readonly QueueName[];
  /** Jobs at once per queue in this process. */
  concurrency: number;
  /** A processor for each queue in `queues` (processorMap(PROCESSOR_REGISTRATIONS) in the product). */
  processors: Partial<ProcessorMap>;
  deps: WorkerProcessDeps;
  tuning?: WorkerTuning;
}

export interface RunningWorkers {
  readonly workers: ReadonlyMap<QueueName, Worker>;
  /**
   * Stops taking jobs and waits for the running ones to finish; past the deadline the
   * rest are abandoned (their locks lapse and another worker picks them up).
   */
  close(options?: { deadlineMs?: number }): Promise<{ forced: boolean }>;
}

/**
 * BullMQ consults a queue's rate-limit key (which pausing for a 429 sets) only for
 * workers that have a limiter; this one's max is never reached by counting, so it does
 * nothing but make every worker of the queue, in every process, honour the pause.
 */
const HONOUR_QUEUE_PAUSE = { max: 1_000_000_000, duration: 60_000 };

/** What a job leaves in Redis when it completes: small, no personal data. */
export interface JobSummary {
  outcome: JobResult['outcome'];
  changes: number;
}

type QueueJobOf<Q extends QueueName> = Job<JobPayload<Q>, JobSummary, JobName<Q>>;

interface JobRun<Q extends QueueName> {
  queue: Q;
  processor: Processor<Q>;
  deps: WorkerProcessDeps;
  job: QueueJobOf<Q>;
  /** Pauses the queue (every worker of it) for a 429. */
  pauseQueue(ms: number): Promise<void>;
}

/**
 * One job through its processor: the payload checked, the attempt planned and committed
 * (JobAttempt), and the error policy. A final failure is recorded in PostgreSQL before
 * BullMQ hears of it, so the run's counts never wait on Redis; so is the failure of a job
 * that held data back, with the rest of its work, in its commit.
 */
async function runJob<Q extends QueueName>({ queue, processor, deps, job, pauseQueue }: JobRun<Q>): Promise<JobSummary> {
  const started = performance.now();
  let attempt: JobAttempt<Q> | undefined;
  const counted = (outcome: JobAttemptOutcome) => deps.metrics?.jobFinished(queue, outcome, (performance.now() - started) / 1000, attempt?.dryRun);
  const jobId = String(job.id);
  const data = job.data as Partial<{ runId: string; learnerId: number }>;
  const runId = queue === 'enrolment' ? null : (data.runId ?? null);
  let log = deps.logger.child({ queue, jobId, runId, ...(data.learnerId ? { learnerId: data.learnerId } : {}) });
  const problem = payloadProblem(queue, job.name, job.data);
  if (problem) {
    log.error('job refused', { reason: problem });
    counted('failed');
    throw new UnrecoverableError(problem);
  }

  let result: JobResult;
  try {
    attempt = await JobAttempt.begin({ queue, jobName: job.name, jobId, runId, attempt: job.attemptsMade + 1, log }, deps);
    log = attempt.log;
    // BullMQ types name and data apart; payloadProblem checked that they belong together.
    result = await attempt.plan(processor, { name: job.name, data: job.data } as QueueJob<Q>);
    await attempt.commit(result);
  } catch (error) {
    const disposition = classifyFailure(error);
    if (disposition.kind === 'rate-limited') {
      log.warn('smart assessor asked us to wait', { waitMs: disposition.waitMs });
      counted('rate-limited');
      await pauseQueue(disposition.waitMs);
      throw Worker.RateLimitError();
    }
    const final = disposition.kind === 'fail-now' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    counted(final ? 'failed' : 'retried');
    if (final) {
      // Only the sync event (and the learner's last error) may quote the offending values: an admin sees them there, logged in.
      const kept = adminText(disposition);
      try {
        const subject = await subjectOf(deps.db, payloadSubject(job.name, job.data as object));
        // A dry run's failure leaves the learner's sync state as it was (so does one whose run could not be read).
        const touchLearner = attempt ? !attempt.dryRun : runId === null;
        await recordAndSettle(deps.db, { runId, jobId, queue, subject, outcome: 'failed', changes: [], error: kept, touchLearner });
        log.error('job failed', { reason: disposition.reason, learnerIdent: subject.type === 'learner' ? subject.ref : undefined });
      } catch (recordError) {
        // The reconciler finds the failed job without an outcome and records it later.
        log.error('job failed and its failure could not be recorded', { reason: disposition.reason, error: recordError });
      }
    } else {
      log.warn('job will be retried', { reason: disposition.reason, attempt: job.attemptsMade + 1 });
    }
    // BullMQ keeps what is thrown as failedReason and stacktrace, and in its events stream: the reason only.
    if (disposition.kind === 'fail-now') throw new UnrecoverableError(disposition.reason);
    throw error;
  }
  const learnerIdent = result.subject.type === 'learner' ? result.subject.ref : undefined;
  if (result.heldBack) {
    // Its failure is on record already, with the changes that went through: BullMQ only hears of it, and must not retry.
    const { reason } = classifyFailure(result.heldBack);
    log.error('job failed', { reason, learnerIdent, changes: result.changes.length });
    counted('failed');
    throw new UnrecoverableError(reason);
  }
  log.debug('job done', { outcome: result.outcome, changes: result.changes.length, learnerIdent });
  counted(result.outcome);
  return { outcome: result.outcome, changes: result.changes.length };
}

/**
 * Starts one BullMQ worker per chosen queue. Any number of processes may do this against
 * one Redis and one PostgreSQL, each with its own set of queues and concurrency.
 */
export async function startWorkers(options: RunnerOptions): Promise<RunningWorkers> {
  const { connection, prefix, queues, concurrency, processors, deps, tuning = {} } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`Concurrency must be a whole number of at least 1, not ${concurrency}`);
  if (queues.length === 0) throw new Error('A worker needs at least one queue');
  const missing = queues.filter((queue) => !processors[queue]);
  if (missing.length > 0) throw new Error(`No processor for ${missing.join(', ')}`);

  const workers = new Map<QueueName, Worker>();
  // Pausing for a 429 goes through a Queue (worker.rateLimit is deprecated in v6); they share the deps' plain connection.
  const pausers = new Map<QueueName, Queue>();
  const startQueueWorker = <Q extends QueueName>(queue: Q, processor: Processor<Q>) => {
    const pauser = new Queue(queue, { connection: deps.redis, prefix });
    pausers.set(queue, pauser);
    const worker = new Worker<JobPayload<Q>, JobSummary, JobName<Q>>(queue, (job) => runJob({ queue, processor, deps, job, pauseQueue: (ms) => pauser.rateLimit(ms) }), {
      connection,
      prefix,
      concurrency,
      name: `${queue}@${process.pid}`,
      ...workerTuningOptions(tuning),
      limiter: HONOUR_QUEUE_PAUSE,
    });
    worker.on('error', (error) => deps.logger.error('worker error', { queue, error }));
    workers.set(queue, worker as unknown as Worker);
  };
  for (const queue of new Set(queues)) startQueueWorker(queue, processors[queue] as Processor<typeof queue>);
  await Promise.all([...workers.values()].map((worker) => worker.waitUntilReady()));
  deps.logger.info('workers started', { queues: [...workers.keys()], concurrency });

  let closing: Promise<{ forced: boolean }> | undefined;
  return {
    workers,
    close({ deadlineMs = 30_000 } = {}) {
      closing ??= (async () => {
        const graceful = Promise.all([...workers.values()].map((worker) => worker.close())).then(() => 'closed' as const);
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'deadline'>((resolve) => {
          timer = setTimeout(() => resolve('deadline'), deadlineMs);
        });
        const finished = await Promise.race([graceful, deadline]);
        clearTimeout(timer);
        if (finished === 'deadline') {
          deps.logger.warn('jobs still running at the shutdown deadline are left to other workers', { deadlineMs });
          await Promise.all([...workers.values()].map((worker) => worker.close(true)));
        }
        await Promise.all([...pausers.values()].map((pauser) => pauser.close()));
        return { forced: finished === 'deadline' };
      })();
      return closing;
    },
  };
}
