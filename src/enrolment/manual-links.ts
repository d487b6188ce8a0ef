import type { DataSource, EntityTarget } from 'typeorm';
import { Learner, Officer, Organisation, type SyncSubject } from '../../entities/index.js';
import { ValidationFailedError } from '../failure-kinds.js';
import { LearnerNotFoundError } from '../runs/run-refusals.js';
import { learnerSubject, officerSubject, organisationSubject } from '../sync/index.js';
import { RecordNotFoundError } from './enrolment-refusals.js';
import { MANUAL_EDIT_QUEUE, recordHistory } from './history.js';
import {
  holderOf,
  isUniqueViolation,
  LEARNER_SMART_ASSESSOR_ID,
  OFFICER_ADDITIONAL_ID,
  ORGANISATION_ADDITIONAL_ID,
  presentId,
  type SmartAssessorIdColumn,
} from './smart-assessor-ids.js';

const MAX_ID_LENGTH = 64;

/** Why `value` cannot be a Smart Assessor id typed by an admin, or null: a non-empty string of at most 64 characters, or null to clear. */
export function smartAssessorIdProblem(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') return 'must be a string or null';
  const id = value.trim();
  if (id === '') return 'must not be blank; send null to clear it';
  if ([...id].length > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters`;
  return null;
}

interface EditTarget<T extends { id: number }> {
  entity: EntityTarget<T>;
  column: SmartAssessorIdColumn;
  keyField: 'ref' | 'learnerIdent';
  notFound(key: string): Error;
  subject(record: T): SyncSubject;
}

const ORGANISATION: EditTarget<Organisation> = {
  entity: Organisation,
  column: ORGANISATION_ADDITIONAL_ID,
  keyField: 'ref',
  notFound: (ref) => new RecordNotFoundError('organisation', ref),
  subject: organisationSubject,
};

const OFFICER: EditTarget<Officer> = {
  entity: Officer,
  column: OFFICER_ADDITIONAL_ID,
  keyField: 'ref',
  notFound: (ref) => new RecordNotFoundError('officer', ref),
  subject: officerSubject,
};

const LEARNER: EditTarget<Learner> = {
  entity: Learner,
  column: LEARNER_SMART_ASSESSOR_ID,
  keyField: 'learnerIdent',
  notFound: (learnerIdent) => new LearnerNotFoundError(learnerIdent),
  subject: learnerSubject,
};

/** PUT /api/organisations/{ref}/additional-id: link the organisation to a Smart Assessor employer (null unlinks). */
export function setOrganisationAdditionalId(db: DataSource, ref: string, additionalId: unknown): Promise<Organisation> {
  return setHeldId(db, ORGANISATION, ref, additionalId);
}

/** PUT /api/officers/{ref}/additional-id: link the officer to a Smart Assessor assessor (null unlinks). */
export function setOfficerAdditionalId(db: DataSource, ref: string, additionalId: unknown): Promise<Officer> {
  return setHeldId(db, OFFICER, ref, additionalId);
}

/** PUT /api/learners/{ident}/smart-assessor-id: the Smart Assessor learner the learner is enrolled as (null: not enrolled). */
export function setLearnerSmartAssessorId(db: DataSource, learnerIdent: string, smartAssessorId: unknown): Promise<Learner> {
  return setHeldId(db, LEARNER, learnerIdent, smartAssessorId);
}

/**
 * An admin's edit of a Smart Assessor id: validated, refused when another record of the
 * kind holds the id (naming it), and written with its sync event in one transaction. The
 * same value again changes nothing and records nothing.
 */
async function setHeldId<T extends { id: number }>(db: DataSource, target: EditTarget<T>, key: string, value: unknown): Promise<T> {
  const { column } = target;
  const problem = smartAssessorIdProblem(value);
  if (problem) throw new ValidationFailedError(`${column.describe(key)}: ${column.label} ${problem}`, { [column.field]: problem });
  const wanted = presentId(value as string | null);
  try {
    return await db.transaction(async (manager) => {
      const repository = manager.getRepository(target.entity);
      const record = await repository.findOne({ where: { [target.keyField]: key } as never, lock: { mode: 'pessimistic_write' } });
      if (!record) throw target.notFound(key);
      const current = presentId((record as Record<string, unknown>)[column.field] as string | null);
      if (current === wanted) return record;
      if (wanted !== null) {
        const holder = await holderOf(manager, column, wanted, record.id);
        if (holder) throw heldElsewhere(column, key, wanted, holder);
      }
      await repository.update(record.id, { [column.field]: wanted } as never);
      await recordHistory(manager, {
        queue: MANUAL_EDIT_QUEUE,
        subject: target.subject(record),
        jobId: null,
        outcome: 'changed',
        // The MIS record is what is written, as with a pulled value.
        changes: [{ record: column.describe(key), field: column.field, from: current, to: wanted, direction: 'pull' }],
      });
      return repository.findOneByOrFail({ id: record.id } as never);
    });
  } catch (error) {
    if (!isUniqueViolation(error) || wanted === null) throw error;
    // Another edit gave the id to a second record between the check and the write.
    const [record] = (await db.manager.query(`SELECT id FROM ${column.table} WHERE ${column.keyColumn} = $1`, [key])) as Array<{ id: number }>;
    const holder = (await holderOf(db.manager, column, wanted, record?.id ?? 0)) ?? `another ${column.table}`;
    throw heldElsewhere(column, key, wanted, holder);
  }
}

function heldElsewhere(column: SmartAssessorIdColumn, key: string, id: string, holder: string): ValidationFailedError {
  const reason = `is already the ${column.label} of ${holder}`;
  return new ValidationFailedError(`${column.describe(key)} cannot have ${column.label} ${id}: it ${reason}`, { [column.field]: reason });
}
