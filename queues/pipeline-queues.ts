import { Queue, type BackoffOptions, type ConnectionOptions } from 'bullmq';
import { QUEUE_NAMES, queueJobOptions, type JobName, type JobPayload, type QueueName } from './definitions.js';

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
  const jobOptions = queueJobOptions(name);
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
