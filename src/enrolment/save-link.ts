import type { DataSource } from 'typeorm';
import type { SyncSubject } from '../../entities/index.js';
import { PermanentError } from '../errors.js';
import { ENROLMENT_QUEUE, recordHistory } from './history.js';
import { holderOf, isUniqueViolation, presentId, type SmartAssessorIdColumn } from './smart-assessor-ids.js';

export interface LinkedRecord {
  id: number;
  /** Its MIS key: ref, Learner Ident or aimRef. */
  key: string;
}

export interface SavedLink {
  /** The id the record holds now: the one given, or one a concurrent job saved first. */
  id: string;
  /** This call wrote it (and its sync event). */
  savedNow: boolean;
}

/**
 * Keeps an id Smart Assessor issued on its MIS record the moment it is known, so a retry
 * links instead of creating. The write is guarded (only a blank is filled): jobs of
 * learners sharing an employer or officer race here, the first to save wins and every
 * other reads and uses what it saved. The write and its sync event, in the enrolling
 * learner's history, commit together.
 */
export async function saveSmartAssessorId(
  db: DataSource,
  target: SmartAssessorIdColumn,
  record: LinkedRecord,
  value: string,
  history: { subject: SyncSubject; jobId: string | null },
): Promise<SavedLink> {
  try {
    return await db.transaction(async (manager) => {
      const touch = target.hasUpdatedAt ? ', updated_at = now()' : '';
      const [, affected] = (await manager.query(
        `UPDATE ${target.table} SET ${target.column} = $1${touch} WHERE id = $2 AND coalesce(btrim(${target.column}), '') = ''`,
        [value, record.id],
      )) as [unknown, number];
      if (affected === 1) {
        await recordHistory(manager, {
          queue: ENROLMENT_QUEUE,
          subject: history.subject,
          jobId: history.jobId,
          outcome: 'changed',
          changes: [{ record: target.describe(record.key), field: target.field, from: null, to: value, direction: 'push' }],
        });
        return { id: value, savedNow: true };
      }
      // A new statement sees what the job that won the race committed.
      const [row] = (await manager.query(`SELECT ${target.column} AS value FROM ${target.table} WHERE id = $1`, [record.id])) as Array<{ value: string | null }>;
      const held = presentId(row?.value);
      if (!held) throw new PermanentError(`${target.describe(record.key)} was removed while it was being enrolled`);
      return { id: held, savedNow: false };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const holder = (await holderOf(db.manager, target, value, record.id)) ?? `another ${target.table.replace('_', ' ')}`;
    throw new PermanentError(
      `${target.describe(record.key)} cannot be linked to Smart Assessor id ${value}: ${holder} already has it as its ${target.label}; correct or clear one of them`,
    );
  }
}
