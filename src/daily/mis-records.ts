import type { AttendedStatus, CompletionStatus, Learner, Outcome } from '../../entities/index.js';
import type { LearnerDemographics } from '../smart-assessor/types.js';
import type { PicsOfficer, PicsOrganisation } from '../sync/index.js';
import { DataSource } from 'typeorm';
import { queryPrepared } from '../db/prepared-statement.js';
import { readBatchFor } from '../db/read-batch.js';

/**
 * What each daily job reads from the MIS, in one query per job: the learner with just the
 * rows that job needs, aggregated as JSON (dates come back as YYYY-MM-DD text, numbers as
 * numbers). The shapes fit the rules in src/sync as they are.
 */

type Query = (sql: string, parameters?: unknown[]) => Promise<unknown[]>;
export interface MisReader {
  query: Query;
}

/**
 * Whether the integration is enabled, as it is now. A job works under the settings its
 * run started with, but switching the integration off stops the run's queued jobs at once
 * (SPEC.md §4): so this one setting is read with each job's record, in the same statement
 * (a key lookup of the one settings row), which costs no round trip.
 */
export interface IntegrationSwitch {
  integrationEnabled: boolean;
}

const INTEGRATION_SWITCH = `COALESCE((SELECT s.integration_enabled FROM integration_settings s WHERE s.id = 1), true) AS "integrationEnabled"`;

/** Who the learner is, to Smart Assessor and in the audit trail (and the integration switch: see IntegrationSwitch). */
export interface LearnerKey extends IntegrationSwitch {
  id: number;
  learnerIdent: string;
  /** Blank when not (or no longer) enrolled. */
  smartAssessorId: string | null;
}

export interface ProgressAim {
  id: number;
  aimRef: string;
  saLearnerCourseId: string | null;
  restartOfId: number | null;
  elementsTotal: number | null;
  elementsDone: number | null;
}

export interface IlrAim {
  id: number;
  aimRef: string;
  completionStatus: CompletionStatus;
  outcome: Outcome | null;
  startDate: string;
  plannedEndDate: string;
  actualEndDate: string | null;
  saLearnerCourseId: string | null;
  restartOfId: number | null;
  /** Its qualification's SA course id (blank: not supported). */
  qualification: { saCourseId: string | null };
}

export interface BreakRow {
  lastDayInLearning: string;
  returnDate: string | null;
}

export interface ReviewRow {
  id: number;
  reviewIdent: string;
  smartAssessorSystemId: string | null;
  plannedDate: string | null;
  actualDate: string | null;
  officerId: number | null;
  attendedStatus: AttendedStatus;
  notes: string | null;
}

export interface OfficerLink {
  id: number;
  ref: string;
  additionalId: string | null;
}

/** The learner's details (the fields Smart Assessor shares) and risk band, as their entity types them. */
export type DemographicsLearner = LearnerKey & Pick<Learner, keyof LearnerDemographics | 'riskBand'>;

export type OfficerRecord = PicsOfficer & { id: number };
/** An officer holding a named role (e.g. "Second Assessor") on a learner. */
export interface RoleHolder {
  role: string;
  officer: OfficerRecord;
}
export type OrganisationRecord = PicsOrganisation & { id: number };

const LEARNER_KEY = `l.id, l.learner_ident AS "learnerIdent", NULLIF(btrim(l.smart_assessor_id), '') AS "smartAssessorId", ${INTEGRATION_SWITCH}`;

const OFFICER_COLUMNS = (alias: string) =>
  `${alias}.id, ${alias}.ref, ${alias}.first_name AS "firstName", ${alias}.surname, ${alias}.email, ${alias}.phone, ${alias}.mobile,
   NULLIF(btrim(${alias}.additional_id), '') AS "additionalId"`;

/**
 * Each job's read is a prepared statement (see queryPrepared): every lookup here is by
 * primary key. From the DataSource it is gathered with other jobs' reads (ReadBatch).
 */
async function one<T>(reader: MisReader, name: string, sql: string, parameters: unknown[]): Promise<T | null> {
  const rows = (
    reader instanceof DataSource ? await readBatchFor(reader).read({ name, text: sql, values: parameters }) : await queryPrepared(reader, name, sql, parameters)
  ) as T[];
  return rows[0] ?? null;
}

/** Qualification progress: every aim, so that restarts can be matched to the courses they take over. */
export function loadProgressLearner(reader: MisReader, learnerId: number): Promise<(LearnerKey & { aims: ProgressAim[] }) | null> {
  return one(
    reader,
    'sai-load-progress-learner',
    `SELECT ${LEARNER_KEY},
       COALESCE((SELECT json_agg(json_build_object('id', a.id, 'aimRef', a.aim_ref, 'saLearnerCourseId', a.sa_learner_course_id,
                  'restartOfId', a.restart_of_id, 'elementsTotal', a.elements_total, 'elementsDone', a.elements_done) ORDER BY a.id)
                 FROM learning_aim a WHERE a.learner_id = l.id), '[]'::json) AS aims
     FROM learner l WHERE l.id = $1`,
    [learnerId],
  );
}

/**
 * Status: every aim with its qualification's SA course (restarts find the aims they
 * restart; supported aims without a course are enrolled), every break in learning, and
 * the Main Officer and the officers of the learner's roles (their SA assessors; one
 * without an Additional ID is created from these details), so the job needs no second read.
 */
export function loadStatusLearner(
  reader: MisReader,
  learnerId: number,
): Promise<(LearnerKey & { aims: IlrAim[]; breaks: BreakRow[]; mainOfficer: OfficerRecord | null; officerRoles: RoleHolder[] }) | null> {
  return one(
    reader,
    'sai-load-status-learner',
    `SELECT ${LEARNER_KEY},
       COALESCE((SELECT json_agg(json_build_object('id', a.id, 'aimRef', a.aim_ref, 'completionStatus', a.completion_status,
                  'outcome', a.outcome, 'startDate', a.start_date, 'plannedEndDate', a.planned_end_date, 'actualEndDate', a.actual_end_date,
                  'saLearnerCourseId', a.sa_learner_course_id, 'restartOfId', a.restart_of_id,
                  'qualification', json_build_object('saCourseId', NULLIF(btrim(q.sa_course_id), ''))) ORDER BY a.id)
                 FROM learning_aim a JOIN qualification q ON q.id = a.qualification_id WHERE a.learner_id = l.id), '[]'::json) AS aims,
       COALESCE((SELECT json_agg(json_build_object('lastDayInLearning', b.last_day_in_learning, 'returnDate', b.return_date)
                   ORDER BY b.last_day_in_learning)
                 FROM break_in_learning b WHERE b.learner_id = l.id), '[]'::json) AS breaks,
       (SELECT row_to_json(m) FROM (SELECT ${OFFICER_COLUMNS('o')} FROM officer o WHERE o.id = l.main_officer_id) m) AS "mainOfficer",
       COALESCE((SELECT json_agg(json_build_object('role', r.role, 'officer', row_to_json(h)) ORDER BY r.role)
                 FROM learner_officer_role r CROSS JOIN LATERAL (SELECT ${OFFICER_COLUMNS('o')} FROM officer o WHERE o.id = r.officer_id) h
                 WHERE r.learner_id = l.id), '[]'::json) AS "officerRoles"
     FROM learner l WHERE l.id = $1`,
    [learnerId],
  );
}

/**
 * Reviews: the learner's reviews, and the officers a session's assessor is most likely to
 * be (the Main Officer and the officers of existing reviews), so that an unchanged
 * learner needs no second query.
 */
export function loadReviewsLearner(reader: MisReader, learnerId: number): Promise<(LearnerKey & { reviews: ReviewRow[]; officers: OfficerLink[] }) | null> {
  return one(
    reader,
    'sai-load-reviews-learner',
    `SELECT ${LEARNER_KEY},
       COALESCE((SELECT json_agg(json_build_object('id', r.id, 'reviewIdent', r.review_ident, 'smartAssessorSystemId', r.smart_assessor_system_id,
                  'plannedDate', r.planned_date, 'actualDate', r.actual_date, 'officerId', r.officer_id,
                  'attendedStatus', r.attended_status, 'notes', r.notes) ORDER BY r.id)
                 FROM review r WHERE r.learner_id = l.id), '[]'::json) AS reviews,
       COALESCE((SELECT json_agg(json_build_object('id', o.id, 'ref', o.ref, 'additionalId', o.additional_id))
                 FROM officer o
                 -- As one id list the officers can be looked up by key; an OR of the two had to scan every officer.
                 WHERE o.id = ANY(ARRAY(SELECT l.main_officer_id UNION SELECT r.officer_id FROM review r WHERE r.learner_id = l.id))), '[]'::json) AS officers
     FROM learner l WHERE l.id = $1`,
    [learnerId],
  );
}

/** Officers whose Additional ID is one of `additionalIds` (a session's assessor that no known officer is). */
export async function loadOfficersByAdditionalId(reader: MisReader, additionalIds: readonly string[]): Promise<OfficerLink[]> {
  if (additionalIds.length === 0) return [];
  return (await reader.query(`SELECT id, ref, additional_id AS "additionalId" FROM officer WHERE additional_id = ANY($1::varchar[])`, [additionalIds])) as OfficerLink[];
}

/** OTJ: the actual hours that come down and the planned hours that go up. */
export function loadOtjLearner(reader: MisReader, learnerId: number): Promise<(LearnerKey & { actualOtjHours: number | null; plannedOtjHours: number | null }) | null> {
  return one(
    reader,
    'sai-load-otj-learner',
    `SELECT ${LEARNER_KEY}, l.actual_otj_hours::float8 AS "actualOtjHours", l.planned_otj_hours AS "plannedOtjHours" FROM learner l WHERE l.id = $1`,
    [learnerId],
  );
}

export function loadDemographicsLearner(reader: MisReader, learnerId: number): Promise<DemographicsLearner | null> {
  return one(
    reader,
    'sai-load-demographics-learner',
    `SELECT ${LEARNER_KEY}, l.first_name AS "firstName", l.surname, l.date_of_birth::text AS "dateOfBirth", l.gender, l.uln, l.email,
       l.address1, l.address2, l.address3, l.address4, l.postcode, l.ni_number AS "niNumber", l.phone, l.mobile, l.risk_band AS "riskBand"
     FROM learner l WHERE l.id = $1`,
    [learnerId],
  );
}

const ORGANISATION_COLUMNS = (alias: string) =>
  `${alias}.id, ${alias}.ref, ${alias}.name, ${alias}.phone, ${alias}.edrs_number AS "edrsNumber", ${alias}.address1, ${alias}.address2,
   ${alias}.address3, ${alias}.address4, ${alias}.postcode, ${alias}.website, ${alias}.employer_size AS "employerSize",
   NULLIF(btrim(${alias}.additional_id), '') AS "additionalId"`;

/** The learner-employer job: the learner and their current placement organisation. */
export function loadPlacementLearner(reader: MisReader, learnerId: number): Promise<(LearnerKey & { placement: OrganisationRecord | null }) | null> {
  return one(
    reader,
    'sai-load-placement-learner',
    `SELECT ${LEARNER_KEY},
       (SELECT row_to_json(g) FROM (SELECT ${ORGANISATION_COLUMNS('o')} FROM organisation o WHERE o.id = l.placement_organisation_id) g) AS placement
     FROM learner l WHERE l.id = $1`,
    [learnerId],
  );
}

export function loadOfficer(reader: MisReader, officerId: number): Promise<(OfficerRecord & IntegrationSwitch) | null> {
  return one(reader, 'sai-load-officer', `SELECT ${OFFICER_COLUMNS('o')}, ${INTEGRATION_SWITCH} FROM officer o WHERE o.id = $1`, [officerId]);
}

export function loadOrganisation(reader: MisReader, organisationId: number): Promise<(OrganisationRecord & IntegrationSwitch) | null> {
  return one(reader, 'sai-load-organisation', `SELECT ${ORGANISATION_COLUMNS('o')}, ${INTEGRATION_SWITCH} FROM organisation o WHERE o.id = $1`, [organisationId]);
}
