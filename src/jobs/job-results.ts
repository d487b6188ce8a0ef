import type { FieldChange, RunSettings, SyncSubject } from '../../entities/index.js';
import type { JobResult, WorkerDeps } from '../../workers/processor.js';
import { InvalidDataError, PermanentError, type FieldProblem } from '../failure-kinds.js';
import { isSmartAssessorError } from '../smart-assessor/smart-assessor-error.js';
import { learnerSubject } from '../sync/index.js';
import type { LearnerKey, MisReader } from './mis-records.js';

/** The outcomes of the daily jobs and the failures they share. */

/** Nothing to do for this subject in this run (integration disabled, a mode of None, nothing linked). */
export function skipped(subject: SyncSubject): JobResult {
  return { subject, outcome: 'skipped', changes: [] };
}

/**
 * The job's outcome from its changes: `changed` when something was written (a kept value
 * is recorded but changed nothing). Problems with MIS data that held fields back make
 * the job fail once it is recorded (see JobResult.heldBack).
 */
export function finished(subject: SyncSubject, changes: FieldChange[], heldBack: readonly FieldProblem[] = []): JobResult {
  const outcome = changes.some((change) => change.direction !== 'kept') ? 'changed' : 'unchanged';
  return heldBack.length > 0 ? { subject, outcome, changes, heldBack: new InvalidDataError([...heldBack]) } : { subject, outcome, changes };
}

/** A per-learner daily job's learner, enrolled, with the settings it runs under. */
export interface LearnerJob<L extends LearnerKey> {
  learner: L;
  subject: SyncSubject;
  settings: RunSettings;
  /** The learner's Smart Assessor id. */
  saLearnerId: string;
}

/**
 * How every per-learner daily job starts: its learner, read by `load` (gone: a permanent
 * failure), and the settings (the two reads go together). While the integration is
 * disabled or the learner is not enrolled there is nothing to do: the job answers `skipped`.
 */
export async function startLearnerJob<L extends LearnerKey>(
  deps: WorkerDeps,
  learnerId: number,
  load: (reader: MisReader, learnerId: number) => Promise<L | null>,
): Promise<LearnerJob<L> | { skipped: JobResult }> {
  const [learner, settings] = await Promise.all([load(deps.db, learnerId), deps.settings()]);
  if (!learner) throw recordGone('learner', learnerId);
  const subject = learnerSubject(learner);
  const saLearnerId = learner.smartAssessorId;
  if (!learner.integrationEnabled || !saLearnerId) return { skipped: skipped(subject) };
  return { learner, subject, settings, saLearnerId };
}

/** The job's record was deleted after the run was fanned out: there is nothing to synchronise, and retrying cannot help. */
export function recordGone(kind: 'learner' | 'officer' | 'organisation', id: number): PermanentError {
  return new PermanentError(`${kind} id ${id} no longer exists in the MIS`);
}

/**
 * A 404 for an id the MIS holds means the link is wrong (or the record was removed in
 * Smart Assessor): say which MIS record holds which id, so an admin can correct it.
 */
export async function readLinked<T>(record: string, field: string, id: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isSmartAssessorError(error) && error.kind === 'not-found') {
      throw new PermanentError(`${record}: ${field} "${id}" is not known to Smart Assessor (${error.message}); correct the link in the MIS`);
    }
    throw error;
  }
}
