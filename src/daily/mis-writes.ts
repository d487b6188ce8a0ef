import type { EntityManager } from 'typeorm';
import { PermanentError } from '../failure-kinds.js';
import type { AssessorFields, EmployerFields, LearnerDemographics } from '../smart-assessor/types.js';
import { isUniqueViolation } from '../enrolment/smart-assessor-ids.js';
import { aimRecord, type AimProgressUpdate, type CourseTakeover, type PicsAimProgress, type ReviewCreate, type ReviewFields, type ReviewUpdate } from '../sync/index.js';
import type { ReviewRow } from './mis-records.js';
import type { SqlStatement } from '../db/statement-batch.js';
import type { MisWrite } from '../runs/outcomes.js';

/**
 * The MIS side of the daily plans: each function answers the writes a job hands back in
 * its result (JobResult.misWrites), none when there is nothing to write; the runner
 * commits them with the job's sync event, in one transaction. Only the columns a plan
 * names are written; the records that carry an updated_at have it moved, so "nothing
 * changed" is visible as an updated_at that stayed.
 */

/** A write that lost a race with another job for the same learner; trying the job again sees the other's result. */
export class ConcurrentChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrentChangeError';
  }
}

/** The MIS column of each field a Pull (or the OTJ and risk rules) may set; the ULN is only ever pushed. */
const LEARNER_COLUMNS = {
  firstName: 'first_name',
  surname: 'surname',
  dateOfBirth: 'date_of_birth',
  gender: 'gender',
  email: 'email',
  address1: 'address1',
  address2: 'address2',
  address3: 'address3',
  address4: 'address4',
  postcode: 'postcode',
  niNumber: 'ni_number',
  phone: 'phone',
  mobile: 'mobile',
  actualOtjHours: 'actual_otj_hours',
  riskBand: 'risk_band',
} as const satisfies Record<Exclude<keyof LearnerDemographics, 'uln'> | 'actualOtjHours' | 'riskBand', string>;

const OFFICER_COLUMNS = {
  firstName: 'first_name',
  surname: 'surname',
  email: 'email',
  phone: 'phone',
  mobile: 'mobile',
} as const satisfies Record<keyof AssessorFields, string>;

const ORGANISATION_COLUMNS = {
  name: 'name',
  phone: 'phone',
  edrsNumber: 'edrs_number',
  address1: 'address1',
  address2: 'address2',
  address3: 'address3',
  address4: 'address4',
  postcode: 'postcode',
  website: 'website',
  employerSize: 'employer_size',
} as const satisfies Record<keyof EmployerFields, string>;

type Columns = Record<string, string>;

/**
 * The statements below need no answer to go on: the commit sends them with the sync
 * event in one round trip, usually with other jobs' (OutcomeGroup). The writes further
 * down read as they go (and may refuse): a commit with one of them is a transaction of
 * its own.
 */

function columnsUpdate(table: string, columns: Columns, id: number, values: Record<string, unknown>): SqlStatement[] {
  const fields = Object.keys(values).filter((field) => values[field] !== undefined);
  if (fields.length === 0) return [];
  const unknown = fields.filter((field) => !(field in columns));
  if (unknown.length > 0) throw new Error(`${table} has no synchronised column for ${unknown.join(', ')}`);
  const assignments = fields.map((field, index) => `${columns[field]} = $${index + 2}`);
  const text = `UPDATE ${table} SET ${assignments.join(', ')}, updated_at = now() WHERE id = $1`;
  // A column on its own (OTJ hours, the risk band: what changes run after run) is prepared once per connection;
  // the rarer combinations are not, so their number cannot grow the connections' prepared statements.
  const name = fields.length === 1 ? `sai-update-${table}-${columns[fields[0]]}` : undefined;
  return [{ name, text, values: [id, ...fields.map((field) => values[field])] }];
}

export type LearnerColumnValues = Partial<Record<keyof typeof LEARNER_COLUMNS, unknown>>;

export function learnerColumnsUpdate(learnerId: number, values: LearnerColumnValues): SqlStatement[] {
  return columnsUpdate('learner', LEARNER_COLUMNS, learnerId, values);
}

export function officerColumnsUpdate(officerId: number, values: Partial<Record<keyof typeof OFFICER_COLUMNS, unknown>>): SqlStatement[] {
  return columnsUpdate('officer', OFFICER_COLUMNS, officerId, values);
}

export function organisationColumnsUpdate(organisationId: number, values: Partial<Record<keyof typeof ORGANISATION_COLUMNS, unknown>>): SqlStatement[] {
  return columnsUpdate('organisation', ORGANISATION_COLUMNS, organisationId, values);
}

/**
 * The rows a statement updates from a JSON list are also named as an id array: the
 * planner takes jsonb_to_recordset for a hundred rows and, without it, joins them to a
 * scan of the whole table (every aim or review of the provider, for each job).
 */

/** Elements done and total per aim, only the counts that changed, in one statement. */
export function aimProgressUpdate(updates: readonly AimProgressUpdate<PicsAimProgress & { id: number }>[]): SqlStatement[] {
  if (updates.length === 0) return [];
  const rows = updates.map(({ aim, set }) => ({ id: aim.id, counts: set }));
  return [
    {
      name: 'sai-update-aim-progress',
      text: `UPDATE learning_aim a SET
       elements_done = CASE WHEN u.counts ? 'elementsDone' THEN (u.counts->>'elementsDone')::int ELSE a.elements_done END,
       elements_total = CASE WHEN u.counts ? 'elementsTotal' THEN (u.counts->>'elementsTotal')::int ELSE a.elements_total END
     FROM jsonb_to_recordset($1::jsonb) AS u(id int, counts jsonb)
     WHERE a.id = u.id AND a.id = ANY($2::int[])`,
      values: [JSON.stringify(rows), rows.map((row) => row.id)],
    },
  ];
}

/**
 * Moves each SA learner course from the restarted aim to its restart. The course id is
 * unique across aims, so it is cleared from one before it is set on the other. A move
 * another job has already made is left as it is.
 */
export function courseTakeoverUpdates(takeovers: readonly CourseTakeover<{ id: number }>[]): SqlStatement[] {
  return takeovers.flatMap(({ learnerCourseId, from, to }) => [
    { text: `UPDATE learning_aim SET sa_learner_course_id = NULL WHERE id = $1 AND sa_learner_course_id = $2`, values: [from.id, learnerCourseId] },
    {
      text: `UPDATE learning_aim SET sa_learner_course_id = $2
       WHERE id = $1 AND sa_learner_course_id IS NULL AND NOT EXISTS (SELECT 1 FROM learning_aim WHERE sa_learner_course_id = $2)`,
      values: [to.id, learnerCourseId],
    },
  ]);
}

/**
 * Saves on each aim the SA learner course it was enrolled on after enrolment, unless the
 * aim got one meanwhile. The same id saved by another job is fine (find-before-create
 * found the same course); a different one (or an aim removed) means the MIS changed
 * under the job, which is tried again to follow it. Another aim holding the course is
 * for a person to correct.
 */
export function learnerCourseLinksSave(links: readonly { aim: { id: number; aimRef: string }; learnerCourseId: string }[]): MisWrite[] {
  return links.length === 0 ? [] : [(manager) => saveLearnerCourseLinks(manager, links)];
}

async function saveLearnerCourseLinks(manager: EntityManager, links: readonly { aim: { id: number; aimRef: string }; learnerCourseId: string }[]): Promise<void> {
  if (links.length === 0) return;
  let differing: Array<{ aimRef: string; held: string | null; wanted: string }>;
  try {
    differing = (await manager.query(
      `WITH wanted AS (
         SELECT * FROM unnest($1::int[], $2::varchar[], $3::varchar[]) AS w(id, aim_ref, course)
       ), saved AS (
         UPDATE learning_aim a SET sa_learner_course_id = w.course FROM wanted w
         WHERE a.id = w.id AND coalesce(btrim(a.sa_learner_course_id), '') = '' RETURNING a.id
       )
       SELECT w.aim_ref AS "aimRef", a.sa_learner_course_id AS held, w.course AS wanted
       FROM wanted w LEFT JOIN learning_aim a ON a.id = w.id
       WHERE w.id NOT IN (SELECT id FROM saved) AND a.sa_learner_course_id IS DISTINCT FROM w.course`,
      [links.map((link) => link.aim.id), links.map((link) => link.aim.aimRef), links.map((link) => link.learnerCourseId)],
    )) as typeof differing;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const named = links.map((link) => `${aimRecord(link.aim.aimRef)} → ${link.learnerCourseId}`).join(', ');
    throw new PermanentError(`${named}: another aim already has this Smart Assessor learner course id; correct or clear one of them`);
  }
  if (differing.length > 0) {
    const named = differing.map((row) => (row.held === null ? `${aimRecord(row.aimRef)} was removed` : `${aimRecord(row.aimRef)} holds ${row.held}, not ${row.wanted}`)).join(', ');
    throw new ConcurrentChangeError(`${named}: the MIS changed while the course was being enrolled; trying again`);
  }
}

/** The planned reviews created and updated (createReviews, then updateReviews). */
export function reviewsSave(learner: { id: number; learnerIdent: string }, creates: readonly ReviewCreate[], updates: readonly ReviewUpdate<ReviewRow>[]): MisWrite[] {
  if (creates.length === 0 && updates.length === 0) return [];
  return [
    async (manager) => {
      await createReviews(manager, learner, creates);
      await updateReviews(manager, updates);
    },
  ];
}

/**
 * Creates the planned reviews. A review another job created meanwhile (same learner,
 * same System ID) is not created twice: the unique key turns it away, and the job is
 * tried again to update that review instead. A mapping to a review type that no longer
 * exists fails the job with the code named.
 */
async function createReviews(manager: EntityManager, learner: { id: number; learnerIdent: string }, creates: readonly ReviewCreate[]): Promise<void> {
  if (creates.length === 0) return;
  const rows = creates.map((review) => ({
    ident: review.reviewIdent,
    type: review.reviewTypeCode,
    planned: review.plannedDate,
    actual: review.actualDate,
    officer: review.officerId,
    status: review.attendedStatus,
    notes: review.notes,
    system_id: review.smartAssessorSystemId,
  }));
  const [result] = (await manager.query(
    `WITH wanted AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb)
         AS w(ident text, type text, planned date, actual date, officer int, status text, notes text, system_id text)
     ), missing AS (
       SELECT DISTINCT w.type FROM wanted w WHERE NOT EXISTS (SELECT 1 FROM review_type t WHERE t.code = w.type)
     ), inserted AS (
       INSERT INTO review (review_ident, learner_id, review_type_id, planned_date, actual_date, officer_id, attended_status, notes, smart_assessor_system_id)
       SELECT w.ident, $1, t.id, w.planned, w.actual, w.officer, w.status, w.notes, w.system_id
       FROM wanted w JOIN review_type t ON t.code = w.type
       WHERE NOT EXISTS (SELECT 1 FROM missing)
       ON CONFLICT ON CONSTRAINT review_learner_system_id_key DO NOTHING
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT array_agg(type) FROM missing) AS missing`,
    [learner.id, JSON.stringify(rows)],
  )) as Array<{ inserted: number; missing: string[] | null }>;
  if (result.missing) {
    throw new PermanentError(
      `learner ${learner.learnerIdent}: a session type is mapped to review type ${result.missing.map((code) => `"${code}"`).join(', ')}, which the MIS does not have; correct the review type mapping`,
    );
  }
  if (result.inserted < creates.length) {
    throw new ConcurrentChangeError(`learner ${learner.learnerIdent}: another job created some of these reviews at the same time; trying again to update them`);
  }
}

/** Writes only the fields each update names, for all the learner's changed reviews in one statement. */
async function updateReviews(manager: EntityManager, updates: readonly ReviewUpdate<ReviewRow>[]): Promise<void> {
  if (updates.length === 0) return;
  const rows: Array<{ id: number; fields: Partial<ReviewFields> }> = updates.map(({ review, set }) => ({ id: review.id, fields: set }));
  await manager.query(
    `UPDATE review r SET
       planned_date = CASE WHEN u.fields ? 'plannedDate' THEN (u.fields->>'plannedDate')::date ELSE r.planned_date END,
       actual_date = CASE WHEN u.fields ? 'actualDate' THEN (u.fields->>'actualDate')::date ELSE r.actual_date END,
       officer_id = CASE WHEN u.fields ? 'officerId' THEN (u.fields->>'officerId')::int ELSE r.officer_id END,
       attended_status = CASE WHEN u.fields ? 'attendedStatus' THEN u.fields->>'attendedStatus' ELSE r.attended_status END,
       notes = CASE WHEN u.fields ? 'notes' THEN u.fields->>'notes' ELSE r.notes END
     FROM jsonb_to_recordset($1::jsonb) AS u(id int, fields jsonb)
     WHERE r.id = u.id AND r.id = ANY($2::int[])`,
    [JSON.stringify(rows), rows.map((row) => row.id)],
  );
}

/**
 * Saves a newly created or found SA employer as the organisation's Additional ID, unless
 * one was saved meanwhile. The same id saved by another job is fine (find-before-create
 * found the same employer); a different one means an admin linked the organisation
 * elsewhere, and the job is tried again to follow that link.
 */
export function organisationAdditionalIdSave(organisation: { id: number; ref: string }, employerId: string): MisWrite[] {
  return [(manager) => saveOrganisationAdditionalId(manager, organisation, employerId)];
}

async function saveOrganisationAdditionalId(manager: EntityManager, organisation: { id: number; ref: string }, employerId: string): Promise<void> {
  const [row] = (await manager.query(
    `WITH saved AS (
       UPDATE organisation SET additional_id = $2, updated_at = now() WHERE id = $1 AND (additional_id IS NULL OR btrim(additional_id) = '') RETURNING additional_id
     )
     SELECT COALESCE((SELECT additional_id FROM saved), (SELECT additional_id FROM organisation WHERE id = $1)) AS "additionalId"`,
    [organisation.id, employerId],
  )) as Array<{ additionalId: string | null }>;
  if (row.additionalId?.trim() !== employerId) {
    throw new ConcurrentChangeError(
      `organisation ${organisation.ref} was linked to Smart Assessor employer ${row.additionalId ?? '(none)'} while employer ${employerId} was being linked; trying again`,
    );
  }
}
