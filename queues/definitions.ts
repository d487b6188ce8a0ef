import type { DefaultJobOptions } from 'bullmq';
import type { SubjectType } from '../entities/index.js';

/**
 * The eight queues of the pipeline, each defined once, in QUEUES below: what it is for,
 * how often its jobs are tried, and its jobs — whom each is about and whether it belongs
 * to a run. Everything else is derived from that one entry: the queue and job names, each
 * job's payload type and the check of a payload as it comes out of Redis, the job's
 * subject, its BullMQ options, and the jobs a run adds. Adding a queue is one entry here
 * (and its processor, which workers/processors.ts then requires).
 *
 * Payloads hold ids only: the worker reloads everything from PostgreSQL (the system of
 * record) and Smart Assessor.
 */

/** How often a queue's jobs are tried, and how long the first wait is (it doubles each time, with jitter). */
export interface RetryPolicy {
  attempts: number;
  firstRetryMs: number;
}

/** One kind of job of a queue. */
interface JobDefinition {
  /** Whom it is about: its payload carries the subject's id (learnerId, officerId or organisationId). */
  subject: SubjectType;
  /** Part of a run: its payload carries the runId too. */
  inRun: boolean;
  /** Every learner of a run gets one (SPEC.md §4's per-learner queues). */
  everyLearner?: boolean;
}

interface QueueDefinition {
  retry: RetryPolicy;
  jobs: Record<string, JobDefinition>;
}

/** A daily job runs again tomorrow: a few tries over some minutes are enough. */
const DAILY_RETRY: RetryPolicy = { attempts: 8, firstRetryMs: 5_000 };

export const QUEUES = {
  /**
   * Enrolment creates records in Smart Assessor, each looked up before it is made, so a
   * retry is safe; it is worth trying for longer than a daily job, which runs again tomorrow.
   */
  enrolment: { retry: { attempts: 10, firstRetryMs: 10_000 }, jobs: { 'enrol-learner': { subject: 'learner', inRun: false } } },
  /** Each linked aim's elements done and total come down from the Smart Assessor course. */
  'qualification-progress': { retry: DAILY_RETRY, jobs: { 'learner-progress': { subject: 'learner', inRun: true, everyLearner: true } } },
  /** Smart Assessor sessions become (or update) the learner's reviews. */
  reviews: { retry: DAILY_RETRY, jobs: { 'learner-reviews': { subject: 'learner', inRun: true, everyLearner: true } } },
  /** Actual off-the-job hours come down from Smart Assessor. */
  otj: { retry: DAILY_RETRY, jobs: { 'learner-otj': { subject: 'learner', inRun: true, everyLearner: true } } },
  /** The learner's details go up or come down per the Learner Demographics Mode. */
  demographics: { retry: DAILY_RETRY, jobs: { 'learner-demographics': { subject: 'learner', inRun: true, everyLearner: true } } },
  /** One job per officer per run, however many learners share them. */
  officers: { retry: DAILY_RETRY, jobs: { 'officer-details': { subject: 'officer', inRun: true } } },
  /**
   * Organisation details once per record per run; moving a learner to a new employer once
   * per learner ('learner-employer', only added when Push Changes to Learner Employer is on).
   */
  organisations: {
    retry: DAILY_RETRY,
    jobs: { 'organisation-details': { subject: 'organisation', inRun: true }, 'learner-employer': { subject: 'learner', inRun: true } },
  },
  /** Course and learner status follow the ILR (completion status, outcome, breaks in learning). */
  status: { retry: DAILY_RETRY, jobs: { 'learner-status': { subject: 'learner', inRun: true, everyLearner: true } } },
} as const satisfies Record<string, QueueDefinition>;

type Queues = typeof QUEUES;
export type QueueName = keyof Queues;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

export function isQueueName(value: string): value is QueueName {
  return Object.hasOwn(QUEUES, value);
}

/** The payload field that carries each kind of subject's id. */
const SUBJECT_ID_FIELD = { learner: 'learnerId', officer: 'officerId', organisation: 'organisationId' } as const satisfies Record<SubjectType, string>;
type SubjectIdField = (typeof SUBJECT_ID_FIELD)[SubjectType];

type PayloadOf<J> = J extends { subject: infer S extends SubjectType; inRun: infer InRun }
  ? { [K in (typeof SUBJECT_ID_FIELD)[S] | (InRun extends true ? 'runId' : never)]: K extends 'runId' ? string : number }
  : never;

/** Each queue's job names and their payloads; a wrong payload for a name does not compile. */
export type JobsByQueue = { [Q in QueueName]: { [N in keyof Queues[Q]['jobs']]: PayloadOf<Queues[Q]['jobs'][N]> } };

export type JobName<Q extends QueueName> = keyof JobsByQueue[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q> = JobName<Q>> = JobsByQueue[Q][N];

/** A job of queue Q as a discriminated union on its name. */
export type QueueJob<Q extends QueueName> = { [N in JobName<Q>]: { name: N; data: JobPayload<Q, N> } }[JobName<Q>];

/** Any queue's job name or payload (JobName<QueueName> is the names all queues share: none). */
export type AnyJobName = { [Q in QueueName]: JobName<Q> }[QueueName];
export type AnyJobPayload = { [Q in QueueName]: JobPayload<Q> }[QueueName];

export type EnrolmentJob = JobPayload<'enrolment', 'enrol-learner'>;
/** A learner's daily (or manual) synchronisation on one queue. */
export type LearnerSyncJob = JobPayload<'status', 'learner-status'>;
export type OfficerSyncJob = JobPayload<'officers', 'officer-details'>;
export type OrganisationSyncJob = JobPayload<'organisations', 'organisation-details'>;

/** Every job name of each queue, for checking what comes out of Redis. */
export const JOB_NAMES = Object.fromEntries(QUEUE_NAMES.map((queue) => [queue, Object.keys(QUEUES[queue].jobs)])) as unknown as {
  [Q in QueueName]: ReadonlyArray<JobName<Q>>;
};

/** The queues that get one job per eligible learner in a run. */
export const PER_LEARNER_QUEUES = QUEUE_NAMES.filter((queue) => Object.values(QUEUES[queue].jobs).some((job: JobDefinition) => job.everyLearner));

function jobDefinition(queue: QueueName, jobName: string): JobDefinition | undefined {
  const jobs: Record<string, JobDefinition> = QUEUES[queue].jobs;
  return Object.hasOwn(jobs, jobName) ? jobs[jobName] : undefined;
}

/** Completed jobs are only kept for the dashboard; failed ones long enough for an admin to retry them. */
const KEEP_COMPLETED = { age: 24 * 60 * 60, count: 2_000 };
const KEEP_FAILED = { age: 14 * 24 * 60 * 60, count: 50_000 };

/**
 * Half of each backoff is random so that jobs that failed together (Smart Assessor down
 * for a minute) do not all come back in the same second.
 */
const BACKOFF_JITTER = 0.5;

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

/** The BullMQ options every job of the queue is added with. */
export function queueJobOptions(queue: QueueName): DefaultJobOptions {
  return jobOptionsFor(QUEUES[queue].retry);
}

/** Whom a job is about, read from its payload. */
export interface PayloadSubject {
  type: SubjectType;
  id: number;
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/**
 * What is wrong with a job as it came out of Redis, or null. A job added by hand (the
 * dashboard, an old version) must fail with a reason, not reach a processor half-formed.
 */
export function payloadProblem(queue: QueueName, jobName: string, data: unknown): string | null {
  const job = jobDefinition(queue, jobName);
  if (!job) return `the ${queue} queue has no job named "${jobName}"`;
  if (data === null || typeof data !== 'object') return `job ${jobName} has no payload`;
  const payload = data as Record<string, unknown>;
  const field = SUBJECT_ID_FIELD[job.subject];
  if (!isId(payload[field])) return `job ${jobName} needs ${field} as a positive whole number, not ${JSON.stringify(payload[field])}`;
  if (job.inRun && (typeof payload.runId !== 'string' || payload.runId === '')) return `job ${jobName} needs the runId of its run`;
  return null;
}

/** Each job name's definition: a job name belongs to one queue (BullMQ's job ids and deduplication ids hold the name, not the queue). */
const JOB_BY_NAME = new Map<string, JobDefinition>();
for (const queue of QUEUE_NAMES) {
  for (const [name, job] of Object.entries(QUEUES[queue].jobs as Record<string, JobDefinition>)) {
    if (JOB_BY_NAME.has(name)) throw new Error(`Job name "${name}" is defined twice: a job name belongs to one queue`);
    JOB_BY_NAME.set(name, job);
  }
}

/** The subject of a job whose payload passed payloadProblem. */
export function payloadSubject(jobName: string, data: object): PayloadSubject {
  const { subject } = JOB_BY_NAME.get(jobName)!;
  return { type: subject, id: (data as Record<SubjectIdField, number>)[SUBJECT_ID_FIELD[subject]] };
}

/**
 * One kind of job a run adds: its queue, its name, whom it is about, and how its payload
 * is made from the run and the subject's id.
 */
export interface RunJobKind<Q extends QueueName, N extends JobName<Q>> {
  queue: Q;
  name: N;
  subjectType: SubjectType;
  payload(runId: string, subjectId: number): JobPayload<Q, N>;
}

export type AnyRunJobKind = { [Q in QueueName]: { [N in JobName<Q>]: RunJobKind<Q, N> }[JobName<Q>] }[QueueName];

type RunJobName<Q extends QueueName> = { [N in JobName<Q>]: N extends keyof Queues[Q]['jobs'] ? (Queues[Q]['jobs'][N] extends { inRun: true } ? N : never) : never }[JobName<Q>];

/** The run job kind of a job of a run, from its definition. */
export function runJobKind<Q extends QueueName, N extends RunJobName<Q>>(queue: Q, name: N): RunJobKind<Q, N> {
  const { subject } = jobDefinition(queue, name)!;
  const field = SUBJECT_ID_FIELD[subject];
  return { queue, name, subjectType: subject, payload: (runId, subjectId) => ({ runId, [field]: subjectId }) as unknown as JobPayload<Q, N> };
}

/** The jobs every learner of a run gets, one per per-learner queue. */
export const PER_LEARNER_JOBS: readonly AnyRunJobKind[] = QUEUE_NAMES.flatMap((queue) =>
  Object.entries(QUEUES[queue].jobs as Record<string, JobDefinition>)
    .filter(([, job]) => job.everyLearner)
    .map(([name]) => runJobKind(queue, name as never) as AnyRunJobKind),
);
export const officerDetailsJob = runJobKind('officers', 'officer-details');
export const organisationDetailsJob = runJobKind('organisations', 'organisation-details');
/** Only added when Push Changes to Learner Employer is on. */
export const learnerEmployerJob = runJobKind('organisations', 'learner-employer');
