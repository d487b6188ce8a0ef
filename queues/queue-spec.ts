import type { DefaultJobOptions } from 'bullmq';
import type { SubjectType } from '../entities/index.js';
import type { JobName, JobPayload, QueueName } from './definitions.js';

/** How often a queue's jobs are tried, and how long the first wait is (it doubles each time, with jitter). */
export interface RetryPolicy {
  attempts: number;
  firstRetryMs: number;
}

/** Completed jobs are only kept for the dashboard; failed ones long enough for an admin to retry them. */
const KEEP_COMPLETED = { age: 24 * 60 * 60, count: 2_000 };
const KEEP_FAILED = { age: 14 * 24 * 60 * 60, count: 50_000 };

/**
 * Half of each backoff is random so that jobs that failed together (Smart Assessor down
 * for a minute) do not all come back in the same second.
 */
const BACKOFF_JITTER = 0.5;

export interface QueueSpec<Q extends QueueName> {
  name: Q;
  jobOptions: DefaultJobOptions;
}

export function jobOptionsFor(policy: RetryPolicy): DefaultJobOptions {
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) throw new Error('attempts must be a whole number of at least 1');
  if (!(policy.firstRetryMs > 0)) throw new Error('the first retry wait must be positive');
  return {
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.firstRetryMs, jitter: BACKOFF_JITTER },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

export function defineQueue<Q extends QueueName>(name: Q, policy: RetryPolicy): QueueSpec<Q> {
  return { name, jobOptions: jobOptionsFor(policy) };
}

/**
 * One kind of job a run adds: its queue, its name, whom it is about, and how its payload
 * is made from the run and the subject's id (and read back).
 */
export interface RunJobKind<Q extends QueueName, N extends JobName<Q>> {
  queue: Q;
  name: N;
  subjectType: SubjectType;
  payload(runId: string, subjectId: number): JobPayload<Q, N>;
}

/** Any queue's job name, payload or run job kind (JobName<QueueName> is the names all queues share: none). */
export type AnyJobName = { [Q in QueueName]: JobName<Q> }[QueueName];
export type AnyJobPayload = { [Q in QueueName]: JobPayload<Q> }[QueueName];
export type AnyRunJobKind = { [Q in QueueName]: { [N in JobName<Q>]: RunJobKind<Q, N> }[JobName<Q>] }[QueueName];

type LearnerJobName = { [Q in QueueName]: { [N in JobName<Q>]: JobPayload<Q, N> extends { runId: string; learnerId: number } ? N : never }[JobName<Q>] };

export function learnerJob<Q extends QueueName, N extends LearnerJobName[Q]>(queue: Q, name: N): RunJobKind<Q, N> {
  return { queue, name, subjectType: 'learner', payload: (runId, learnerId) => ({ runId, learnerId }) as JobPayload<Q, N> };
}
