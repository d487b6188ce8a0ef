import { QueryFailedError, type EntityManager } from 'typeorm';
import { aimRecord, learnerRecord, officerRecord, organisationRecord } from '../sync/index.js';

/**
 * A column that holds a Smart Assessor id on an MIS record. Each is unique where set, so
 * one Smart Assessor record is linked to at most one MIS record.
 */
export interface SmartAssessorIdColumn {
  table: 'organisation' | 'officer' | 'learner' | 'learning_aim';
  column: 'additional_id' | 'smart_assessor_id' | 'sa_learner_course_id';
  /** The entity property, as sync events and API fields name it. */
  field: 'additionalId' | 'smartAssessorId' | 'saLearnerCourseId';
  /** How people call it, e.g. "Additional ID". */
  label: string;
  /** The column with the record's MIS key (ref, Learner Ident, aimRef). */
  keyColumn: 'ref' | 'learner_ident' | 'aim_ref';
  /** How a record is named in messages and events, e.g. "organisation ORG7". */
  describe(key: string): string;
  hasUpdatedAt: boolean;
}

export const ORGANISATION_ADDITIONAL_ID: SmartAssessorIdColumn = {
  table: 'organisation',
  column: 'additional_id',
  field: 'additionalId',
  label: 'Additional ID',
  keyColumn: 'ref',
  describe: organisationRecord,
  hasUpdatedAt: true,
};

export const OFFICER_ADDITIONAL_ID: SmartAssessorIdColumn = {
  table: 'officer',
  column: 'additional_id',
  field: 'additionalId',
  label: 'Additional ID',
  keyColumn: 'ref',
  describe: officerRecord,
  hasUpdatedAt: true,
};

export const LEARNER_SMART_ASSESSOR_ID: SmartAssessorIdColumn = {
  table: 'learner',
  column: 'smart_assessor_id',
  field: 'smartAssessorId',
  label: 'Smart Assessor ID',
  keyColumn: 'learner_ident',
  describe: learnerRecord,
  hasUpdatedAt: true,
};

export const AIM_LEARNER_COURSE_ID: SmartAssessorIdColumn = {
  table: 'learning_aim',
  column: 'sa_learner_course_id',
  field: 'saLearnerCourseId',
  label: 'Smart Assessor learner course id',
  keyColumn: 'aim_ref',
  describe: aimRecord,
  hasUpdatedAt: false,
};

/** The record other than `exceptId` that holds `value`, named (e.g. "learner L000124"); null when none does. */
export async function holderOf(manager: EntityManager, target: SmartAssessorIdColumn, value: string, exceptId: number): Promise<string | null> {
  const rows: Array<{ key: string }> = await manager.query(`SELECT ${target.keyColumn} AS key FROM ${target.table} WHERE ${target.column} = $1 AND id <> $2 LIMIT 1`, [
    value,
    exceptId,
  ]);
  return rows[0] ? target.describe(rows[0].key) : null;
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: unknown } | undefined)?.code === '23505';
}

/** A held id as it is used: trimmed; null when blank. */
export function presentId(value: string | null | undefined): string | null {
  const id = value?.trim();
  return id ? id : null;
}
