import type { ConnectionOptions, Job, Queue } from 'bullmq';
import { QUEUE_NAMES, type AnyJobName, type AnyJobPayload, type AnyRunJobKind, type QueueName } from './definitions.js';
import { enrolmentDeduplicationId, fanOutJobId, repeatJobId, runJobId, subjectDeduplicationId } from './job-ids.js';
import { closeQueues, createQueues, type PipelineQueues } from './pipeline-queues.js';
import { createRunControlQueue, type RunControlQueue } from './run-control.js';

/** One job of a run: what it does and to whom. */
export interface RunSubject {
  kind: AnyRunJobKind;
  /** The learner's, officer's or organisation's id. */
  id: number;
  /** Learner Ident, officer ref or organisation ref: the subject of its sync event. */
  ref: string;
  /** The learner the event belongs to (null for officers and organisations). */
  learnerId: number | null;
}

/** A subject whose job was not added because another run's job for it is already pending. */
export interface CoveredSubject {
  subject: RunSubject;
  coveringJobId: string;
}

export interface UrgentJob {
  subject: RunSubject;
  /** The job that will do the work: this run's own, or one of the same run already pending. */
  jobId: string;
  /** Other runs' pending jobs removed so this one runs first; each of those runs must record the subject as done here. */
  tookOver: Array<{ runId: string; jobId: string }>;
  /** A shared record (officer, organisation) already pending or running in another run's job. */
  coveredBy?: { runId: string; jobId: string };
}

export type JobPresence = { state: 'absent' } | { state: 'pending' } | { state: 'failed'; reason: string };

export interface Producers {
  readonly queues: PipelineQueues;
  readonly control: RunControlQueue;
  /** Queues a learner's enrolment unless one is already pending for them; answers the id of the job that will do it. */
  enqueueEnrolment(learnerId: number): Promise<string>;
  /** Queues the fan-out of a run (a no-op while one is pending). */
  enqueueFanOut(runId: string): Promise<void>;
  /**
   * The daily backlog: adds the run's jobs in bulk, one pipeline per queue. A job already
   * there (same id) is left alone; a subject with another run's job pending is not added
   * and is answered as covered. A dry run's jobs cover, and are covered by, only a dry run's.
   */
  addRunJobs(runId: string, subjects: readonly RunSubject[], options?: { dryRun?: boolean }): Promise<CoveredSubject[]>;
  /**
   * "Update Learner In Smart Assessor": the job goes to the head of its queue. If the
   * learner's job is running, this one runs once more after it (keepLastIfActive); if
   * another run's job for them is waiting in the backlog, that job is taken over.
   * `repeatTag` gives a second request within the same run a job id of its own.
   */
  addUrgentJob(runId: string, subject: RunSubject, repeatTag?: string): Promise<UrgentJob>;
  /** Jobs waiting, delayed or running in the eight queues, whatever their run: a cheap upper bound for the reconciler. */
  pendingJobCount(): Promise<number>;
  /** Where each subject's run job stands in Redis, for the reconciler. */
  jobPresence(runId: string, subjects: readonly RunSubject[]): Promise<JobPresence[]>;
  close(): Promise<void>;
}

export interface ProducerOptions {
  connection: ConnectionOptions;
  prefix: string;
  /** See QueueConnection.firstRetryMs. */
  firstRetryMs?: number;
}

/** The queues seen through the job kinds, which already tie each name to its payload. */
type AnyQueue = Queue<AnyJobPayload, unknown, AnyJobName>;

const MAX_URGENT_TRIES = 4;
const PENDING_STATES = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children']);

function payloadOf(runId: string, subject: RunSubject): AnyJobPayload {
  return subject.kind.payload(runId, subject.id);
}

function runIdOf(job: Job): string | null {
  const runId = (job.data as { runId?: unknown } | undefined)?.runId;
  return typeof runId === 'string' ? runId : null;
}

export function createProducers({ connection, prefix, firstRetryMs }: ProducerOptions): Producers {
  const queues = createQueues({ connection, prefix, firstRetryMs });
  const control = createRunControlQueue({ connection, prefix });
  const queueOf = (subject: RunSubject) => queues[subject.kind.queue] as unknown as AnyQueue;

  async function addRunJobs(runId: string, subjects: readonly RunSubject[], { dryRun = false }: { dryRun?: boolean } = {}): Promise<CoveredSubject[]> {
    const byQueue = new Map<QueueName, RunSubject[]>();
    for (const subject of subjects) {
      const list = byQueue.get(subject.kind.queue) ?? [];
      list.push(subject);
      byQueue.set(subject.kind.queue, list);
    }
    const covered: CoveredSubject[] = [];
    await Promise.all(
      [...byQueue].map(async ([queueName, list]) => {
        const queue = queues[queueName] as unknown as AnyQueue;
        const jobs = list.map((subject) => ({
          name: subject.kind.name,
          data: payloadOf(runId, subject),
          opts: {
            jobId: runJobId(runId, subject.kind.name, subject.id),
            deduplication: { id: subjectDeduplicationId(subject.kind.name, subject.id, dryRun) },
          },
        }));
        const added = await queue.addBulk(jobs);
        added.forEach((job, index) => {
          if (job.id !== jobs[index].opts.jobId) covered.push({ subject: list[index], coveringJobId: String(job.id) });
        });
      }),
    );
    return covered;
  }

  async function addUrgentJob(runId: string, subject: RunSubject, repeatTag?: string): Promise<UrgentJob> {
    const queue = queueOf(subject);
    const { name } = subject.kind;
    const jobId = repeatTag ? repeatJobId(runId, name, subject.id, repeatTag) : runJobId(runId, name, subject.id);
    const shared = subject.kind.subjectType !== 'learner';
    // A shared record is not re-run for one learner's sake: the pending or running job serves.
    const deduplication = { id: subjectDeduplicationId(name, subject.id), ...(shared ? {} : { keepLastIfActive: true }) };
    const tookOver: UrgentJob['tookOver'] = [];
    for (let attempt = 0; attempt < MAX_URGENT_TRIES; attempt += 1) {
      const added = await queue.add(name, payloadOf(runId, subject), { jobId, lifo: true, deduplication });
      if (added.id === jobId) return { subject, jobId, tookOver };
      const existing = await queue.getJob(String(added.id));
      if (!existing) continue;
      const state = await existing.getState();
      const existingRunId = runIdOf(existing);
      if (state === 'active' && !shared) return { subject, jobId, tookOver };
      if (existingRunId === runId && (state === 'active' || PENDING_STATES.has(state))) return { subject, jobId: String(existing.id), tookOver };
      if (shared && existingRunId && (state === 'active' || PENDING_STATES.has(state))) {
        return { subject, jobId: String(existing.id), tookOver, coveredBy: { runId: existingRunId, jobId: String(existing.id) } };
      }
      if (PENDING_STATES.has(state) && existingRunId && (await queue.remove(String(existing.id))) === 1) {
        tookOver.push({ runId: existingRunId, jobId: String(existing.id) });
      }
      // Anything else finished or moved between the two reads: try the add again.
    }
    throw new Error(`Could not queue ${name} for ${subject.ref}: the queue kept changing under ${MAX_URGENT_TRIES} tries`);
  }

  async function jobPresence(runId: string, subjects: readonly RunSubject[]): Promise<JobPresence[]> {
    if (subjects.length === 0) return [];
    const client = await (queues.enrolment as unknown as AnyQueue).getBackend().client;
    const pipeline = client.pipeline();
    for (const subject of subjects) {
      const queue = queueOf(subject);
      const jobId = runJobId(runId, subject.kind.name, subject.id);
      pipeline.runCommand('exists', [queue.toKey(jobId)]);
      pipeline.runCommand('zscore', [queue.toKey('failed'), jobId]);
      pipeline.runCommand('zscore', [queue.toKey('completed'), jobId]);
      pipeline.runCommand('hget', [queue.toKey(jobId), 'failedReason']);
    }
    const replies = (await pipeline.exec()) ?? [];
    const perSubject = 4;
    return subjects.map((_, index) => {
      const answers = replies.slice(index * perSubject, (index + 1) * perSubject);
      const error = answers.find(([commandError]) => commandError)?.[0];
      if (error) throw error;
      const [exists, failedScore, completedScore, reason] = answers.map(([, value]) => value);
      if (exists === 0) return { state: 'absent' };
      if (failedScore !== null) return { state: 'failed', reason: typeof reason === 'string' && reason ? reason : 'the job failed' };
      // The runner records an outcome before a job can complete; a completed job without one is a loss to report, not to wait for.
      if (completedScore !== null) return { state: 'failed', reason: 'the job finished but its outcome was not recorded' };
      return { state: 'pending' };
    });
  }

  return {
    queues,
    control,
    async enqueueEnrolment(learnerId) {
      if (!Number.isSafeInteger(learnerId) || learnerId <= 0) throw new Error(`A learner id is a positive whole number, not ${learnerId}`);
      const job = await queues.enrolment.add('enrol-learner', { learnerId }, { deduplication: { id: enrolmentDeduplicationId(learnerId) } });
      return String(job.id);
    },
    async enqueueFanOut(runId) {
      await control.add('fan-out', { runId }, { jobId: fanOutJobId(runId) });
    },
    addRunJobs,
    addUrgentJob,
    async pendingJobCount() {
      const counts = await Promise.all(QUEUE_NAMES.map((name) => queues[name].getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active', 'waiting-children')));
      return counts.reduce((sum, count) => sum + count, 0);
    },
    jobPresence,
    async close() {
      await Promise.all([closeQueues(queues), control.close()]);
    },
  };
}
