import type { FieldChange, IntegrationSettings, SyncSubject } from '../../entities/index.js';
import type { JobResult, WorkerDeps } from '../../workers/processor.js';
import { PermanentError } from '../errors.js';
import { isSmartAssessorError } from '../smart-assessor/errors.js';
import { learnerSubject } from '../sync/index.js';
import type { LearnerKey, MisReader } from './mis-records.js';

/** The outcomes of the daily jobs and the failures they share. */

/** Nothing to do for this subject in this run (integration disabled, a mode of None, nothing linked). */
export function skipped(subject: SyncSubject): JobResult {
  return { subject, outcome: 'skipped', changes: [] };
}

export function finished(subject: SyncSubject, changes: FieldChange[]): JobResult {
  return { subject, outcome: changes.length > 0 ? 'changed' : 'unchanged', changes };
}

/** A per-learner daily job's learner, enrolled, with the settings it runs under. */
export interface LearnerJob<L extends LearnerKey> {
  learner: L;
  subject: SyncSubject;
  settings: IntegrationSettings;
  /** The learner's Smart Assessor id. */
  saLearnerId: string;
}

/**
 * How every per-learner daily job starts: its learner, read by `load` (gone: a permanent
 * failure), and the settings. While the integration is disabled or the learner is not
 * enrolled there is nothing to do: the job answers `skipped`.
 */
export async function startLearnerJob<L extends LearnerKey>(
  deps: WorkerDeps,
  learnerId: number,
  load: (reader: MisReader, learnerId: number) => Promise<L | null>,
): Promise<LearnerJob<L> | { skipped: JobResult }> {
  const learner = await load(deps.db, learnerId);
  if (!learner) throw recordGone('learner', learnerId);
  const subject = learnerSubject(learner);
  const settings = await deps.settings();
  const saLearnerId = learner.smartAssessorId;
  if (!settings.integrationEnabled || !saLearnerId) return { skipped: skipped(subject) };
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
