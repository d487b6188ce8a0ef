import type { Queue } from 'bullmq';
import type { RedisClient } from '../../queues/connection.js';
import type { AnyJobName, AnyJobPayload, QueueName } from '../../queues/definitions.js';
import { subjectDeduplicationId } from '../../queues/job-ids.js';
import type { RunSubject } from '../../queues/producers.js';
import type { PipelineQueues } from '../../queues/pipeline-queues.js';
import { RedisScript } from '../redis/script.js';
import { liveDeduplicationId } from './live-jobs.js';

/** The queues seen through the job kinds, which tie each name to its payload. */
type AnyQueue = Queue<AnyJobPayload, unknown, AnyJobName>;

/** A live job to queue: whom and what, and its id (liveJobId). */
export interface LiveJob {
  subject: RunSubject;
  jobId: string;
}

/**
 * A record's job on the same queue from another run (the daily run's, or Update
 * Learner's): `pending` will read the MIS when it starts, so it sends this change too;
 * `running` may have read the MIS before the change, so the change waits until it is done.
 */
export type OtherRunJob = { state: 'none' } | { state: 'pending'; jobId: string } | { state: 'running'; jobId: string };

/**
 * The job holding a record's deduplication id (KEYS[1]) of the daily jobs, and whether
 * it is running (in the active list, KEYS[2]); a key whose job is gone (a Redis that
 * lost it) holds nothing. ARGV[1] is the queue's key prefix, for the job's own key.
 */
const OTHER_RUN_JOB = new RedisScript(`
local id = redis.call('GET', KEYS[1])
if not id or redis.call('EXISTS', ARGV[1] .. id) == 0 then return {0} end
if redis.call('LPOS', KEYS[2], id) then return {2, id} end
return {1, id}`);

function queueOf(queues: PipelineQueues, name: QueueName): AnyQueue {
  return queues[name] as unknown as AnyQueue;
}

async function clientOf(queue: AnyQueue): Promise<RedisClient> {
  return queue.getBackend().client as unknown as Promise<RedisClient>;
}

/** For each subject, the daily or Update Learner job of it on its queue, if one is pending or running. */
export async function otherRunJobs(queues: PipelineQueues, subjects: readonly RunSubject[]): Promise<OtherRunJob[]> {
  return Promise.all(
    subjects.map(async (subject) => {
      const queue = queueOf(queues, subject.kind.queue);
      const keys = [queue.toKey(`de:${subjectDeduplicationId(subject.kind.name, subject.id)}`), queue.toKey('active')];
      const [state, jobId] = (await OTHER_RUN_JOB.run(await clientOf(queue), keys, [queue.toKey('')])) as [number, string?];
      if (state === 0 || jobId === undefined) return { state: 'none' };
      return { state: state === 2 ? 'running' : 'pending', jobId };
    }),
  );
}

/**
 * Adds live jobs, one bulk add per queue; answers, for each, the id of the job that will
 * do it: its own, or (a relay that died after queuing it and came back) the same.
 */
export async function addLiveJobs(queues: PipelineQueues, runId: string, jobs: readonly LiveJob[]): Promise<string[]> {
  const byQueue = new Map<QueueName, number[]>();
  jobs.forEach((job, index) => byQueue.set(job.subject.kind.queue, [...(byQueue.get(job.subject.kind.queue) ?? []), index]));
  const answered = new Array<string>(jobs.length);
  await Promise.all(
    [...byQueue].map(async ([name, indexes]) => {
      const added = await queueOf(queues, name).addBulk(
        indexes.map((index) => {
          const { subject, jobId } = jobs[index];
          return {
            name: subject.kind.name,
            data: subject.kind.payload(runId, subject.id),
            opts: { jobId, deduplication: { id: liveDeduplicationId(subject.kind.name, subject.id) } },
          };
        }),
      );
      added.forEach((job, position) => (answered[indexes[position]] = String(job.id)));
    }),
  );
  return answered;
}

/** Where each queued live job stands in Redis ('unknown': Redis no longer has it). */
export async function liveJobStates(queues: PipelineQueues, jobs: ReadonlyArray<{ queue: QueueName; jobId: string }>): Promise<string[]> {
  return Promise.all(jobs.map((job) => queueOf(queues, job.queue).getJobState(job.jobId)));
}

/** Why a job failed, as BullMQ kept it (the reason only, never personal data: see workers/runner.ts). */
export async function failedReason(queues: PipelineQueues, queue: QueueName, jobId: string): Promise<string> {
  const job = await queueOf(queues, queue).getJob(jobId);
  return job?.failedReason || 'the job failed';
}

/** The plain connection the queues use, for the run snapshot's marks. */
export function queuesClient(queues: PipelineQueues): Promise<RedisClient> {
  return clientOf(queueOf(queues, 'status'));
}
