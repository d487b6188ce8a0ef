import { Queue, type BackoffOptions, type ConnectionOptions } from 'bullmq';
import { QUEUE_NAMES, type JobName, type JobPayload, type QueueName } from './definitions.js';
import { demographicsQueue, learnerDemographicsJob } from './demographics.js';
import { enrolmentQueue } from './enrolment.js';
import { officerDetailsJob, officersQueue } from './officers.js';
import { learnerEmployerJob, organisationDetailsJob, organisationsQueue } from './organisations.js';
import { learnerOtjJob, otjQueue } from './otj.js';
import { learnerProgressJob, qualificationProgressQueue } from './qualification-progress.js';
import type { AnyRunJobKind, QueueSpec } from './queue-spec.js';
import { learnerReviewsJob, reviewsQueue } from './reviews.js';
import { learnerStatusJob, statusQueue } from './status.js';

export const QUEUE_SPECS: { [Q in QueueName]: QueueSpec<Q> } = {
  enrolment: enrolmentQueue,
  'qualification-progress': qualificationProgressQueue,
  reviews: reviewsQueue,
  otj: otjQueue,
  demographics: demographicsQueue,
  officers: officersQueue,
  organisations: organisationsQueue,
  status: statusQueue,
};

/** Every job name of each queue, for checking what comes out of Redis. */
export const JOB_NAMES: { [Q in QueueName]: ReadonlyArray<JobName<Q>> } = {
  enrolment: ['enrol-learner'],
  'qualification-progress': ['learner-progress'],
  reviews: ['learner-reviews'],
  otj: ['learner-otj'],
  demographics: ['learner-demographics'],
  officers: ['officer-details'],
  organisations: ['organisation-details', 'learner-employer'],
  status: ['learner-status'],
};

/** The jobs every learner of a run gets, one per per-learner queue. */
export const PER_LEARNER_JOBS: readonly AnyRunJobKind[] = [learnerProgressJob, learnerReviewsJob, learnerOtjJob, learnerDemographicsJob, learnerStatusJob];

export { learnerEmployerJob, officerDetailsJob, organisationDetailsJob };

export type PipelineQueue<Q extends QueueName> = Queue<JobPayload<Q>, unknown, JobName<Q>>;
export type PipelineQueues = { [Q in QueueName]: PipelineQueue<Q> };

export interface QueueConnection {
  /** An ioredis instance (shared, not closed by the queues) or options to make one per queue. */
  connection: ConnectionOptions;
  /** QUEUE_PREFIX: every key of every queue starts with it. */
  prefix: string;
  /** Replaces each queue's first retry wait (it still doubles per attempt): a test that injects faults recovers in seconds. */
  firstRetryMs?: number;
}

export function createQueue<Q extends QueueName>(name: Q, { connection, prefix, firstRetryMs }: QueueConnection): PipelineQueue<Q> {
  const { jobOptions } = QUEUE_SPECS[name];
  const defaultJobOptions = firstRetryMs === undefined ? jobOptions : { ...jobOptions, backoff: { ...(jobOptions.backoff as BackoffOptions), delay: firstRetryMs } };
  return new Queue<JobPayload<Q>, unknown, JobName<Q>>(name, { connection, prefix, defaultJobOptions });
}

/** The eight queues (for producers and the dashboard); close them with closeQueues. */
export function createQueues(options: QueueConnection): PipelineQueues {
  const queues = {} as Record<QueueName, PipelineQueue<QueueName>>;
  for (const name of QUEUE_NAMES) queues[name] = createQueue(name, options);
  return queues as unknown as PipelineQueues;
}

export async function closeQueues(queues: PipelineQueues): Promise<void> {
  await Promise.all(QUEUE_NAMES.map((name) => queues[name].close()));
}

export function isQueueName(value: string): value is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(value);
}
