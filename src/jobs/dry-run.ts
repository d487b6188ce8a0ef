import type { FieldChange } from '../../entities/index.js';
import type { SaveIssuedId } from '../enrolment/save-link.js';
import type { JobWrites, SmartAssessorWrite } from './job-writes.js';

/**
 * A dry run's side of the runner's gate (SPEC.md §6): the same processors plan the same
 * writes, and here each is kept instead of sent. What a write would have answered is made
 * up from the write itself, enough for the job to go on planning as it would (an id for
 * a create, the patch for an update); nothing a job answers from it is ever written.
 */

/** The id a create stands in with: what an admin reads where Smart Assessor's own would be. */
export function wouldBeIssuedId(operation: SmartAssessorWrite['operation']): string {
  return `(new id from ${operation})`;
}

/** What the job takes as Smart Assessor's answer to a write that was not sent. */
export function wouldBeAnswer(write: SmartAssessorWrite): unknown {
  switch (write.operation) {
    case 'ensureEmployer':
    case 'ensureAssessor':
    case 'ensureLearner':
    case 'ensureLearnerCourse':
      return { id: wouldBeIssuedId(write.operation), created: true };
    case 'updateEmployer':
    case 'updateAssessor':
    case 'updateLearner':
      return { ...write.args[1], id: write.args[0] };
    case 'updateLearnerCourse':
      return { ...write.args[2], id: write.args[1] };
    case 'setLearnerPlannedOtj':
      return { plannedHours: write.args[1] };
  }
}

/** The gate that sends nothing: each write is kept, in order, and answered with wouldBeAnswer. */
export class RecordedWrites implements JobWrites {
  readonly writes: SmartAssessorWrite[] = [];

  write<T>(write: SmartAssessorWrite): Promise<T> {
    this.writes.push(write);
    return Promise.resolve(wouldBeAnswer(write) as T);
  }
}

/**
 * Instead of keeping an issued id on its MIS record (saveSmartAssessorId), says what it
 * would have kept: the change goes to `changes`, the job's would-be changes.
 */
export function issuedIdRecorder(changes: FieldChange[]): SaveIssuedId {
  return (target, record, value) => {
    changes.push({ record: target.describe(record.key), field: target.field, from: null, to: value, direction: 'push' });
    return Promise.resolve({ id: value, savedNow: false });
  };
}
