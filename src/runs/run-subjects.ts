import type { DataSource } from 'typeorm';
import type { RunSettings } from '../../entities/index.js';
import type { RunSubject } from '../../queues/producers.js';
import { learnerEmployerJob, officerDetailsJob, organisationDetailsJob, PER_LEARNER_JOBS } from '../../queues/definitions.js';
import { eligibilityCutoff } from '../sync/index.js';

/**
 * SPEC.md §4 "Eligible" in SQL, for the learner aliased `l`: Live, enrolled, and In
 * Learning (an aim with no actual end date) or ended on or after the cutoff (an aim that
 * ended then; the latest end date is on or after the cutoff exactly when some aim's is).
 * It matches the partial index learner_eligible_idx, and the EXISTS is a probe of
 * learning_aim_learner_end_idx, so a page costs its own size whatever the table holds.
 */
export const ELIGIBLE_LEARNER_SQL = `l.system_status = 'Live' AND l.smart_assessor_id IS NOT NULL AND btrim(l.smart_assessor_id) <> ''
  AND EXISTS (SELECT 1 FROM learning_aim aim WHERE aim.learner_id = l.id AND (aim.actual_end_date IS NULL OR aim.actual_end_date >= $1::date))`;

export interface EligibleLearner {
  id: number;
  learnerIdent: string;
}

export interface RunRecord {
  id: number;
  ref: string;
}

/** The run settings that decide its job set. */
export type JobSetSettings = Pick<RunSettings, 'secondAssessorRole' | 'pushChangesToLearnerEmployer'>;

/** $1 the eligibility cutoff, $2 the last learner id of the previous page, $3 the page size. */
export const ELIGIBLE_LEARNERS_PAGE_SQL = `SELECT l.id, l.learner_ident FROM learner l WHERE ${ELIGIBLE_LEARNER_SQL} AND l.id > $2 ORDER BY l.id LIMIT $3`;

/** Eligible learners after `afterId`, in id order (keyset pagination: memory and time per page do not grow with the table). */
export async function eligibleLearnersPage(db: DataSource, asOfDate: string, afterId: number, limit: number): Promise<EligibleLearner[]> {
  const rows: Array<{ id: number; learner_ident: string }> = await db.query(ELIGIBLE_LEARNERS_PAGE_SQL, [eligibilityCutoff(asOfDate), afterId, limit]);
  return rows.map((row) => ({ id: row.id, learnerIdent: row.learner_ident }));
}

/** The Main Officers, and holders of the second-assessor role, of eligible learners: each once. */
async function officersPage(db: DataSource, asOfDate: string, settings: JobSetSettings, afterId: number, limit: number): Promise<RunRecord[]> {
  return db.query(
    `SELECT o.id, o.ref FROM officer o
     WHERE o.id > $2 AND (
       EXISTS (SELECT 1 FROM learner l WHERE l.main_officer_id = o.id AND ${ELIGIBLE_LEARNER_SQL})
       OR ($4::varchar IS NOT NULL AND EXISTS (
         SELECT 1 FROM learner_officer_role role JOIN learner l ON l.id = role.learner_id
         WHERE role.officer_id = o.id AND role.role = $4::varchar AND ${ELIGIBLE_LEARNER_SQL})))
     ORDER BY o.id LIMIT $3`,
    [eligibilityCutoff(asOfDate), afterId, limit, settings.secondAssessorRole],
  );
}

/** The placement organisations of eligible learners: each once. */
async function organisationsPage(db: DataSource, asOfDate: string, afterId: number, limit: number): Promise<RunRecord[]> {
  return db.query(
    `SELECT g.id, g.ref FROM organisation g
     WHERE g.id > $2 AND EXISTS (SELECT 1 FROM learner l WHERE l.placement_organisation_id = g.id AND ${ELIGIBLE_LEARNER_SQL})
     ORDER BY g.id LIMIT $3`,
    [eligibilityCutoff(asOfDate), afterId, limit],
  );
}

export function learnerSubjects(learner: EligibleLearner, settings: JobSetSettings): RunSubject[] {
  const kinds = settings.pushChangesToLearnerEmployer ? [...PER_LEARNER_JOBS, learnerEmployerJob] : PER_LEARNER_JOBS;
  return kinds.map((kind) => ({ kind, id: learner.id, ref: learner.learnerIdent, learnerId: learner.id }));
}

function officerSubject(officer: RunRecord): RunSubject {
  return { kind: officerDetailsJob, id: officer.id, ref: officer.ref, learnerId: null };
}

function organisationSubject(organisation: RunRecord): RunSubject {
  return { kind: organisationDetailsJob, id: organisation.id, ref: organisation.ref, learnerId: null };
}

export interface SubjectPage {
  subjects: RunSubject[];
  /** How many of the page's subjects are learners (the run's learner count). */
  learners: number;
}

/** The rows of a keyset-paged query (`page` answers the rows after an id, in id order), a page at a time. */
async function* keysetPages<R extends { id: number }>(page: (afterId: number) => Promise<R[]>): AsyncGenerator<R[]> {
  for (let after = 0; ;) {
    const rows = await page(after);
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1].id;
  }
}

/**
 * Every job of a whole-provider run, page by page: eligible learners' jobs, then the
 * officers', then the organisations'. Only ids and keys are held, one page at a time.
 */
export async function* wholeProviderSubjects(db: DataSource, asOfDate: string, settings: JobSetSettings, pageSize: number): AsyncGenerator<SubjectPage> {
  for await (const learners of keysetPages((after) => eligibleLearnersPage(db, asOfDate, after, pageSize))) {
    yield { subjects: learners.flatMap((learner) => learnerSubjects(learner, settings)), learners: learners.length };
  }
  for await (const officers of keysetPages((after) => officersPage(db, asOfDate, settings, after, pageSize))) {
    yield { subjects: officers.map(officerSubject), learners: 0 };
  }
  for await (const organisations of keysetPages((after) => organisationsPage(db, asOfDate, after, pageSize))) {
    yield { subjects: organisations.map(organisationSubject), learners: 0 };
  }
}

/** One learner's run, whatever their eligibility: their jobs, their officers' and their placement's. */
export async function oneLearnerSubjects(db: DataSource, learnerId: number, settings: JobSetSettings): Promise<RunSubject[]> {
  const [learner] = (await db.query(`SELECT id, learner_ident FROM learner WHERE id = $1`, [learnerId])) as Array<{ id: number; learner_ident: string }>;
  if (!learner) return [];
  const officers: RunRecord[] = await db.query(
    `SELECT o.id, o.ref FROM officer o
     WHERE o.id = (SELECT main_officer_id FROM learner WHERE id = $1)
        OR ($2::varchar IS NOT NULL AND o.id IN (SELECT officer_id FROM learner_officer_role WHERE learner_id = $1 AND role = $2::varchar))
     ORDER BY o.id`,
    [learnerId, settings.secondAssessorRole],
  );
  const organisations: RunRecord[] = await db.query(`SELECT g.id, g.ref FROM organisation g WHERE g.id = (SELECT placement_organisation_id FROM learner WHERE id = $1)`, [
    learnerId,
  ]);
  return [...learnerSubjects({ id: learner.id, learnerIdent: learner.learner_ident }, settings), ...officers.map(officerSubject), ...organisations.map(organisationSubject)];
}

/** Of `subjects`, those that have no sync event in the run yet (a resumed fan-out or the reconciler must not do them twice). */
export async function withoutOutcome(db: DataSource, runId: string, subjects: readonly RunSubject[]): Promise<RunSubject[]> {
  if (subjects.length === 0) return [];
  const queues = [...new Set(subjects.map((subject) => subject.kind.queue))];
  const types = [...new Set(subjects.map((subject) => subject.kind.subjectType))];
  const refs = [...new Set(subjects.map((subject) => subject.ref))];
  const rows: Array<{ queue: string; subject_type: string; subject_ref: string }> = await db.query(
    `SELECT queue, subject_type, subject_ref FROM sync_event
     WHERE run_id = $1 AND queue = ANY($2::varchar[]) AND subject_type = ANY($3::varchar[]) AND subject_ref = ANY($4::varchar[])`,
    [runId, queues, types, refs],
  );
  const done = new Set(rows.map((row) => `${row.queue}\n${row.subject_type}\n${row.subject_ref}`));
  return subjects.filter((subject) => !done.has(`${subject.kind.queue}\n${subject.kind.subjectType}\n${subject.ref}`));
}
