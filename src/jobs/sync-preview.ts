import type { FieldChange } from '../../entities/index.js';
import { InvalidDataError } from '../failure-kinds.js';
import type { QueueName } from '../../queues/definitions.js';
import type { SmartAssessorApi } from '../smart-assessor/types.js';

/** contracts/admin-api.md `SyncPreview`: what the learner's next sync would do, found by a dry run of their jobs. */
export interface SyncPreview {
  learnerIdent: string;
  changes: Array<FieldChange & { queue: QueueName }>;
  /** Each validation failure (and any other refusal) a job would meet: the record and field it holds back, and why. */
  failures: Array<{ queue: QueueName; record: string | null; field: string | null; reason: string }>;
  /** Smart Assessor calls made to find out (reads: nothing is written). */
  smartAssessorCalls: number;
  /** Writes the sync would send to Smart Assessor, none of which was sent. */
  smartAssessorWritesHeld: number;
}

/**
 * Previews the learner's next sync. `smartAssessor` is the admin's client for the
 * settings as they are now, spending the deployment's shared request budget.
 */
export type SyncPreviewer = (learnerIdent: string, smartAssessor: () => Promise<SmartAssessorApi>) => Promise<SyncPreview>;

/** A job's refusal as the preview lists it: each field problem apart, any other refusal as itself. */
export function previewFailures(queue: QueueName, error: Error): SyncPreview['failures'] {
  if (error instanceof InvalidDataError) return error.problems.map((problem) => ({ queue, record: problem.record, field: problem.field, reason: problem.reason }));
  return [{ queue, record: null, field: null, reason: error.message }];
}
