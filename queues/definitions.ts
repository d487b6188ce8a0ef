/**
 * The eight queues of the pipeline and what their jobs carry. Payloads hold ids only:
 * the worker reloads everything from PostgreSQL (the system of record) and Smart Assessor.
 */

export const QUEUE_NAMES = [
  'enrolment',
  'qualification-progress',
  'reviews',
  'otj',
  'demographics',
  'officers',
  'organisations',
  'status',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** The queues that get one job per eligible learner in a run. */
export const PER_LEARNER_QUEUES = ['qualification-progress', 'reviews', 'otj', 'demographics', 'status'] as const;
export type PerLearnerQueue = (typeof PER_LEARNER_QUEUES)[number];

export interface EnrolmentJob {
  learnerId: number;
}

/** A learner's daily (or manual) synchronisation on one queue. */
export interface LearnerSyncJob {
  runId: string;
  learnerId: number;
}

export interface OfficerSyncJob {
  runId: string;
  officerId: number;
}

export interface OrganisationSyncJob {
  runId: string;
  organisationId: number;
}

/** Each queue's job names and their payloads; a wrong payload for a name does not compile. */
export interface JobsByQueue {
  enrolment: { 'enrol-learner': EnrolmentJob };
  'qualification-progress': { 'learner-progress': LearnerSyncJob };
  reviews: { 'learner-reviews': LearnerSyncJob };
  otj: { 'learner-otj': LearnerSyncJob };
  demographics: { 'learner-demographics': LearnerSyncJob };
  officers: { 'officer-details': OfficerSyncJob };
  /** Organisation details once per record per run; the employer move once per learner (when that setting is on). */
  organisations: { 'organisation-details': OrganisationSyncJob; 'learner-employer': LearnerSyncJob };
  status: { 'learner-status': LearnerSyncJob };
}

export type JobName<Q extends QueueName> = keyof JobsByQueue[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q> = JobName<Q>> = JobsByQueue[Q][N];

/** A job of queue Q as a discriminated union on its name. */
export type QueueJob<Q extends QueueName> = { [N in JobName<Q>]: { name: N; data: JobPayload<Q, N> } }[JobName<Q>];
