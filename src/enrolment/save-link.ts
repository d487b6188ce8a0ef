import type { DataSource } from 'typeorm';
import type { SyncSubject } from '../../entities/index.js';
import { PermanentError } from '../failure-kinds.js';
import type { SmartAssessorApi } from '../smart-assessor/types.js';
import { assessorCreateBody, type PicsOfficer } from '../sync/index.js';
import { ENROLMENT_QUEUE, recordHistory } from './history.js';
import { holderOf, isUniqueViolation, OFFICER_ADDITIONAL_ID, presentId, type SmartAssessorIdColumn } from './smart-assessor-ids.js';

export interface LinkedRecord {
  id: number;
  /** Its MIS key: ref, Learner Ident or aimRef. */
  key: string;
}

/** Whose history a saved id goes into: the learner being enrolled (or kept in step), by the job doing it. */
export interface LinkHistory {
  subject: SyncSubject;
  jobId: string | null;
  /** The queue the event is filed under; enrolment's by default. */
  queue?: string;
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
export async function saveSmartAssessorId(db: DataSource, target: SmartAssessorIdColumn, record: LinkedRecord, value: string, history: LinkHistory): Promise<SavedLink> {
  try {
    return await db.transaction(async (manager) => {
      const touch = target.hasUpdatedAt ? ', updated_at = now()' : '';
      const [, affected] = (await manager.query(`UPDATE ${target.table} SET ${target.column} = $1${touch} WHERE id = $2 AND coalesce(btrim(${target.column}), '') = ''`, [
        value,
        record.id,
      ])) as [unknown, number];
      if (affected === 1) {
        await recordHistory(manager, {
          queue: history.queue ?? ENROLMENT_QUEUE,
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

/** Keeps an id Smart Assessor issued on its MIS record (saveSmartAssessorId, in whatever database the caller writes to). */
export type SaveIssuedId = (target: SmartAssessorIdColumn, record: LinkedRecord, value: string, history: LinkHistory) => Promise<SavedLink>;

/** saveSmartAssessorId into `db`. */
export function issuedIdSaver(db: DataSource): SaveIssuedId {
  return (target, record, value, history) => saveSmartAssessorId(db, target, record, value, history);
}

/**
 * An officer's SA assessor (SPEC.md §3): the one its Additional ID names, else the one
 * with the officer's ref as misReference, created when there is none (a 409 answers the
 * one a racing job created), its id saved on the officer at once. However many learners'
 * jobs link the same new officer at the same moment, in however many processes, Smart
 * Assessor makes one assessor and the first save wins; the others use what it saved.
 * The officer is validated by the caller before anything is sent.
 */
export async function linkOrCreateAssessor(
  client: Pick<SmartAssessorApi, 'ensureAssessor'>,
  save: SaveIssuedId,
  officer: PicsOfficer & { id: number },
  history: LinkHistory,
): Promise<SavedLink> {
  const held = presentId(officer.additionalId);
  if (held) return { id: held, savedNow: false };
  const { id } = await client.ensureAssessor(assessorCreateBody(officer));
  return save(OFFICER_ADDITIONAL_ID, { id: officer.id, key: officer.ref }, id, history);
}
