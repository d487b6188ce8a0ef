import type { SubjectType } from '../entities/index.js';
import type { QueueName } from './definitions.js';
import { JOB_NAMES } from './pipeline-queues.js';

/** Whom a job is about, read from its payload. */
export interface PayloadSubject {
  type: SubjectType;
  id: number;
}

const SUBJECT_FIELD: Record<SubjectType, 'learnerId' | 'officerId' | 'organisationId'> = {
  learner: 'learnerId',
  officer: 'officerId',
  organisation: 'organisationId',
};

function subjectTypeOf(jobName: string): SubjectType {
  if (jobName === 'officer-details') return 'officer';
  if (jobName === 'organisation-details') return 'organisation';
  return 'learner';
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/**
 * What is wrong with a job as it came out of Redis, or null. A job added by hand (the
 * dashboard, an old version) must fail with a reason, not reach a processor half-formed.
 */
export function payloadProblem(queue: QueueName, jobName: string, data: unknown): string | null {
  if (!(JOB_NAMES[queue] as readonly string[]).includes(jobName)) return `the ${queue} queue has no job named "${jobName}"`;
  if (data === null || typeof data !== 'object') return `job ${jobName} has no payload`;
  const payload = data as Record<string, unknown>;
  const field = SUBJECT_FIELD[subjectTypeOf(jobName)];
  if (!isId(payload[field])) return `job ${jobName} needs ${field} as a positive whole number, not ${JSON.stringify(payload[field])}`;
  if (queue !== 'enrolment' && (typeof payload.runId !== 'string' || payload.runId === '')) return `job ${jobName} needs the runId of its run`;
  return null;
}

/** The subject of a job whose payload passed payloadProblem. */
export function payloadSubject(jobName: string, data: object): PayloadSubject {
  const type = subjectTypeOf(jobName);
  return { type, id: (data as Record<string, number>)[SUBJECT_FIELD[type]] };
}
