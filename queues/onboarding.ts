import { Queue } from 'bullmq';
import { jobOptionsFor } from './definitions.js';
import { isUuid } from './job-ids.js';
import type { QueueConnection } from './pipeline-queues.js';

/**
 * Onboarding's own queue, beside the eight and run control (SPEC.md §6): a match of
 * Smart Assessor's existing records against the MIS, and each bulk enrolment's feeder,
 * which passes the batch's learners to the enrolment queue a few at a time. Being jobs,
 * they outlive the request that asked for them and the process that ran them; every
 * worker process that works the enrolment queue works this one too.
 */
export const ONBOARDING_QUEUE = 'onboarding';

export interface OnboardingJobs {
  'match-records': { matchId: string };
  /** One step of a bulk enrolment; the job waits (delayed) between steps until the batch is done. */
  'feed-enrolment-batch': { batchId: string };
}
export type OnboardingJobName = keyof OnboardingJobs;
export type OnboardingJobData = OnboardingJobs[OnboardingJobName];
export type OnboardingQueue = Queue<OnboardingJobData, unknown, OnboardingJobName>;

/** One job per match and per batch, however often it is asked for (the keeper asks again after a loss). */
export const matchJobId = (matchId: string): string => `match.${matchId}`;
export const batchJobId = (batchId: string): string => `enrolment-batch.${batchId}`;

/** A match reads Smart Assessor: transient failures are retried, as a daily job's are. */
const onboardingJobOptions = jobOptionsFor({ attempts: 8, firstRetryMs: 5_000 });

export function createOnboardingQueue({ connection, prefix }: Pick<QueueConnection, 'connection' | 'prefix'>): OnboardingQueue {
  return new Queue<OnboardingJobData, unknown, OnboardingJobName>(ONBOARDING_QUEUE, { connection, prefix, defaultJobOptions: onboardingJobOptions });
}

export async function enqueueMatch(queue: OnboardingQueue, matchId: string): Promise<void> {
  await queue.add('match-records', { matchId }, { jobId: matchJobId(matchId) });
}

export async function enqueueBatchFeeder(queue: OnboardingQueue, batchId: string): Promise<void> {
  await queue.add('feed-enrolment-batch', { batchId }, { jobId: batchJobId(batchId) });
}

/** What is wrong with an onboarding job as it came out of Redis, or null. */
export function onboardingJobProblem(name: string, data: unknown): string | null {
  const field = name === 'match-records' ? 'matchId' : name === 'feed-enrolment-batch' ? 'batchId' : null;
  if (field === null) return `the ${ONBOARDING_QUEUE} queue has no job named "${name}"`;
  const value = (data as Record<string, unknown> | null)?.[field];
  return isUuid(value) ? null : `job ${name} needs ${field} as a uuid, not ${JSON.stringify(value)}`;
}
