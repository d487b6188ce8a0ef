import type { FieldChange, RunSettings, SyncSubject } from '../../entities/index.js';
import type { LearnerSnapshotReads } from '../daily/learner-snapshot.js';
import type { LearnerKey, MisReader } from '../daily/mis-records.js';
import { InvalidDataError, PermanentError, type FieldProblem } from '../failure-kinds.js';
import { isSmartAssessorError } from '../smart-assessor/smart-assessor-error.js';
import { learnerSubject } from '../sync/index.js';
import type { JobContext, JobResult, WorkerDeps } from './job-contract.js';

/** The results jobs answer, how the daily jobs start, and the failures they share. */

/** Nothing to do for this subject in this run (integration disabled, a mode of None, nothing linked). */
export function skippedResult(subject: SyncSubject): JobResult {
  return { subject, outcome: 'skipped', changes: [] };
}

/** `changed` when something was written; a kept value is recorded but changed nothing. */
export function outcomeOfChanges(changes: readonly FieldChange[]): 'changed' | 'unchanged' {
  return changes.some((change) => change.direction !== 'kept') ? 'changed' : 'unchanged';
}

/**
 * A result from the job's changes (outcomeOfChanges), with the MIS writes that go with them. Problems with
 * MIS data that held fields back make the job fail once it is recorded (see
 * JobResult.heldBack).
 */
export function resultOfChanges(
  subject: SyncSubject,
  changes: FieldChange[],
  { heldBack = [], misWrites = [] }: { heldBack?: readonly FieldProblem[]; misWrites?: JobResult['misWrites'] } = {},
): JobResult {
  const outcome = outcomeOfChanges(changes);
  const result: JobResult = misWrites.length > 0 ? { subject, outcome, changes, misWrites } : { subject, outcome, changes };
  return heldBack.length > 0 ? { ...result, heldBack: new InvalidDataError([...heldBack]) } : result;
}

/** A per-learner daily job's learner, enrolled, with the settings it runs under. */
export interface LearnerJob<L extends LearnerKey> {
  learner: L;
  subject: SyncSubject;
  settings: RunSettings;
  /** The learner's Smart Assessor id. */
  saLearnerId: string;
  /** The run's shared Smart Assessor reads of the learner. */
  snapshot: LearnerSnapshotReads;
}

/**
 * How every per-learner daily job starts: its learner, read by `load` (gone: a permanent
 * failure), and the settings (the two reads go together). While the integration is
 * disabled or the learner is not enrolled there is nothing to do: the job answers
 * `skipped`. Otherwise the run's snapshot of the learner is opened: from here on the
 * runner releases the job's part of it when the job is done.
 */
export async function startLearnerJob<L extends LearnerKey>(
  context: Pick<JobContext, 'learnerSnapshot'>,
  deps: WorkerDeps,
  learnerId: number,
  load: (reader: MisReader, learnerId: number) => Promise<L | null>,
): Promise<LearnerJob<L> | { skipped: JobResult }> {
  const [learner, settings] = await Promise.all([load(deps.db, learnerId), deps.settings()]);
  if (!learner) throw recordGone('learner', learnerId);
  const subject = learnerSubject(learner);
  const saLearnerId = learner.smartAssessorId;
  if (!learner.integrationEnabled || !saLearnerId) return { skipped: skippedResult(subject) };
  return { learner, subject, settings, saLearnerId, snapshot: context.learnerSnapshot(saLearnerId) };
}

/** The job's record was deleted after the run was fanned out: there is nothing to synchronise, and retrying cannot help. */
export function recordGone(kind: 'learner' | 'officer' | 'organisation', id: number): PermanentError {
  return new PermanentError(`${kind} id ${id} no longer exists in the MIS`);
}

/**
 * Reads a Smart Assessor record by the id an MIS record holds; its 404 becomes a
 * permanent failure saying the link is wrong (or the record was removed in Smart
 * Assessor): which MIS record holds which id, so an admin can correct it.
 */
export async function readOrFailWrongLink<T>(record: string, field: string, id: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isSmartAssessorError(error) && error.kind === 'not-found') {
      throw new PermanentError(`${record}: ${field} "${id}" is not known to Smart Assessor (${error.message}); correct the link in the MIS`);
    }
    throw error;
  }
}
