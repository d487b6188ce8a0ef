import type { EntityManager } from 'typeorm';
import type { EventOutcome, FieldChange, SyncSubject } from '../../entities/index.js';

/** The queue enrolment's events are filed under (the pipeline's queue of the same name). */
export const ENROLMENT_QUEUE = 'enrolment';
/** The queue an admin's own edits of Smart Assessor ids are filed under. */
export const MANUAL_EDIT_QUEUE = 'admin';

export interface HistoryEntry {
  queue: string;
  /** The learner for enrolment, the edited record for a manual edit. */
  subject: SyncSubject;
  jobId: string | null;
  outcome: EventOutcome;
  changes: FieldChange[];
  /** Why something was not done (a skipped aim); null when there is nothing to say. */
  error?: string | null;
}

/**
 * One sync event outside any run (runId null). Written inside the caller's transaction, so
 * a change and its record of it are kept or lost together.
 */
export async function recordHistory(manager: EntityManager, entry: HistoryEntry): Promise<void> {
  await manager.query(
    `INSERT INTO sync_event (run_id, job_id, queue, subject_type, subject_ref, learner_id, outcome, changes, error)
     VALUES (NULL, $1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
    [entry.jobId, entry.queue, entry.subject.type, entry.subject.ref, entry.subject.learnerId, entry.outcome, JSON.stringify(entry.changes), entry.error ?? null],
  );
}
