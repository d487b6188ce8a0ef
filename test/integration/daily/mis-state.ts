import type { DataSource } from 'typeorm';

/** The whole MIS as the daily tests read it back: plain rows, dates as text, keyed for lookups. */

export interface MisLearnerRow {
  id: number;
  learnerIdent: string;
  systemStatus: string;
  smartAssessorId: string | null;
  placementOrganisationId: number | null;
  mainOfficerId: number | null;
  firstName: string;
  surname: string;
  dateOfBirth: string | null;
  gender: string | null;
  uln: string | null;
  email: string | null;
  address1: string | null;
  address2: string | null;
  address3: string | null;
  address4: string | null;
  postcode: string | null;
  niNumber: string | null;
  phone: string | null;
  mobile: string | null;
  actualOtjHours: number | null;
  riskBand: string | null;
  updatedAt: string;
}

export interface MisAimRow {
  id: number;
  learnerId: number;
  aimRef: string;
  startDate: string;
  completionStatus: 1 | 2 | 3 | 6;
  outcome: 1 | 2 | 3 | 8 | null;
  actualEndDate: string | null;
  saLearnerCourseId: string | null;
  restartOfId: number | null;
  elementsTotal: number | null;
  elementsDone: number | null;
}

export interface MisBreakRow {
  learnerId: number;
  lastDayInLearning: string;
  returnDate: string | null;
}

export interface MisReviewRow {
  id: number;
  learnerId: number;
  reviewIdent: string;
  reviewType: string;
  plannedDate: string | null;
  actualDate: string | null;
  officerId: number | null;
  attendedStatus: string;
  notes: string | null;
  smartAssessorSystemId: string | null;
}

export interface MisOfficerRow {
  id: number;
  ref: string;
  firstName: string;
  surname: string;
  email: string;
  phone: string | null;
  mobile: string | null;
  additionalId: string | null;
  updatedAt: string;
}

export interface MisOrganisationRow {
  id: number;
  ref: string;
  name: string;
  phone: string | null;
  edrsNumber: string | null;
  address1: string | null;
  address2: string | null;
  address3: string | null;
  address4: string | null;
  postcode: string | null;
  website: string | null;
  employerSize: string | null;
  additionalId: string | null;
  updatedAt: string;
}

export interface MisState {
  learners: MisLearnerRow[];
  aims: MisAimRow[];
  breaks: MisBreakRow[];
  reviews: MisReviewRow[];
  officers: MisOfficerRow[];
  organisations: MisOrganisationRow[];
}

export async function readMis(db: DataSource): Promise<MisState> {
  const [learners, aims, breaks, reviews, officers, organisations] = await Promise.all([
    db.query(`SELECT id, learner_ident AS "learnerIdent", system_status AS "systemStatus", smart_assessor_id AS "smartAssessorId",
                placement_organisation_id AS "placementOrganisationId", main_officer_id AS "mainOfficerId", first_name AS "firstName", surname,
                date_of_birth::text AS "dateOfBirth", gender, uln, email, address1, address2, address3, address4, postcode, ni_number AS "niNumber",
                phone, mobile, actual_otj_hours::float8 AS "actualOtjHours", risk_band AS "riskBand", updated_at::text AS "updatedAt"
              FROM learner ORDER BY id`),
    db.query(`SELECT id, learner_id AS "learnerId", aim_ref AS "aimRef", start_date::text AS "startDate", completion_status AS "completionStatus", outcome,
                actual_end_date::text AS "actualEndDate", sa_learner_course_id AS "saLearnerCourseId", restart_of_id AS "restartOfId",
                elements_total AS "elementsTotal", elements_done AS "elementsDone"
              FROM learning_aim ORDER BY id`),
    db.query(`SELECT learner_id AS "learnerId", last_day_in_learning::text AS "lastDayInLearning", return_date::text AS "returnDate" FROM break_in_learning`),
    db.query(`SELECT r.id, r.learner_id AS "learnerId", r.review_ident AS "reviewIdent", t.code AS "reviewType", r.planned_date::text AS "plannedDate",
                r.actual_date::text AS "actualDate", r.officer_id AS "officerId", r.attended_status AS "attendedStatus", r.notes,
                r.smart_assessor_system_id AS "smartAssessorSystemId"
              FROM review r JOIN review_type t ON t.id = r.review_type_id ORDER BY r.id`),
    db.query(`SELECT id, ref, first_name AS "firstName", surname, email, phone, mobile, additional_id AS "additionalId", updated_at::text AS "updatedAt"
              FROM officer ORDER BY id`),
    db.query(`SELECT id, ref, name, phone, edrs_number AS "edrsNumber", address1, address2, address3, address4, postcode, website,
                employer_size AS "employerSize", additional_id AS "additionalId", updated_at::text AS "updatedAt"
              FROM organisation ORDER BY id`),
  ]);
  return { learners, aims, breaks, reviews, officers, organisations };
}

export function aimsOf(state: MisState, learnerId: number): MisAimRow[] {
  return state.aims.filter((aim) => aim.learnerId === learnerId);
}

export function learnerByIdent(state: MisState, ident: string): MisLearnerRow {
  const learner = state.learners.find((row) => row.learnerIdent === ident);
  if (!learner) throw new Error(`no learner ${ident}`);
  return learner;
}
