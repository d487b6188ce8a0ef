import type { FieldChange } from '../../entities/index.js';
import type { JobResult, SyncSubject } from '../../workers/processor.js';
import { PermanentError } from '../errors.js';
import { isSmartAssessorError } from '../smart-assessor/errors.js';

/** The outcomes of the daily jobs and the failures they share. */

export function learnerSubject(learner: { id: number; learnerIdent: string }): SyncSubject {
  return { type: 'learner', ref: learner.learnerIdent, learnerId: learner.id };
}

export function officerSubject(officer: { ref: string }): SyncSubject {
  return { type: 'officer', ref: officer.ref, learnerId: null };
}

export function organisationSubject(organisation: { ref: string }): SyncSubject {
  return { type: 'organisation', ref: organisation.ref, learnerId: null };
}

/** Nothing to do for this subject in this run (integration disabled, a mode of None, nothing linked). */
export function skipped(subject: SyncSubject): JobResult {
  return { subject, outcome: 'skipped', changes: [] };
}

export function finished(subject: SyncSubject, changes: FieldChange[]): JobResult {
  return { subject, outcome: changes.length > 0 ? 'changed' : 'unchanged', changes };
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
