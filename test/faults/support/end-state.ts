import type { DataSource } from 'typeorm';
import type { SimulatorStore } from '../../../tools/simulator/store.js';

/**
 * What a run leaves behind, in a form two runs can be compared by: the MIS records the
 * sync writes (keyed by their natural keys, foreign keys as the keys they point to,
 * without surrogate ids and timestamps) and Smart Assessor's records (keyed by
 * misReference, links as misReferences, without timestamps). Two runs that did the same
 * work from the same start leave equal end states whatever order their jobs ran in.
 */
export interface EndState {
  mis: Record<string, Record<string, unknown>>;
  smartAssessor: Record<string, Record<string, unknown>>;
}

/** Row keys are listed in the SELECT as `key`; the rest of the row is compared. */
const MIS_TABLES: Record<string, string> = {
  organisation: `
    SELECT g.ref AS key, to_jsonb(g) - ARRAY['id', 'created_at', 'updated_at'] AS row FROM organisation g`,
  officer: `
    SELECT o.ref AS key, to_jsonb(o) - ARRAY['id', 'created_at', 'updated_at'] AS row FROM officer o`,
  learner: `
    SELECT l.learner_ident AS key,
      to_jsonb(l) - ARRAY['id', 'created_at', 'updated_at', 'last_synced_at', 'placement_organisation_id', 'main_officer_id']
        || jsonb_build_object('placement', g.ref, 'main_officer', o.ref) AS row
    FROM learner l LEFT JOIN organisation g ON g.id = l.placement_organisation_id LEFT JOIN officer o ON o.id = l.main_officer_id`,
  learning_aim: `
    SELECT a.aim_ref AS key,
      to_jsonb(a) - ARRAY['id', 'learner_id', 'qualification_id', 'restart_of_id']
        || jsonb_build_object('learner', l.learner_ident, 'qualification', q.reference, 'restart_of', r.aim_ref) AS row
    FROM learning_aim a JOIN learner l ON l.id = a.learner_id JOIN qualification q ON q.id = a.qualification_id
    LEFT JOIN learning_aim r ON r.id = a.restart_of_id`,
  review: `
    SELECT l.learner_ident || ' ' || COALESCE('SA ' || v.smart_assessor_system_id, 'MIS ' || v.review_ident) AS key,
      to_jsonb(v) - ARRAY['id', 'learner_id', 'review_type_id', 'officer_id', 'created_at', 'updated_at']
        || jsonb_build_object('review_type', t.code, 'officer', o.ref) AS row
    FROM review v JOIN learner l ON l.id = v.learner_id JOIN review_type t ON t.id = v.review_type_id LEFT JOIN officer o ON o.id = v.officer_id`,
  break_in_learning: `
    SELECT l.learner_ident || ' ' || b.last_day_in_learning AS key, to_jsonb(b) - ARRAY['id', 'learner_id'] AS row
    FROM break_in_learning b JOIN learner l ON l.id = b.learner_id`,
  learner_officer_role: `
    SELECT l.learner_ident || ' ' || r.role || ' ' || o.ref AS key, '{}'::jsonb AS row
    FROM learner_officer_role r JOIN learner l ON l.id = r.learner_id JOIN officer o ON o.id = r.officer_id`,
};

export async function misEndState(db: DataSource): Promise<EndState['mis']> {
  const state: EndState['mis'] = {};
  for (const [table, sql] of Object.entries(MIS_TABLES)) {
    const rows = (await db.query(sql)) as Array<{ key: string; row: Record<string, unknown> }>;
    const byKey: Record<string, unknown> = {};
    for (const { key, row } of rows) addOnce(byKey, key, row);
    state[table] = byKey;
  }
  return state;
}

export function smartAssessorEndState(store: SimulatorStore): EndState['smartAssessor'] {
  const employerRef = (id: string | null): string | null => (id === null ? null : (store.employers.get(id)?.misReference ?? id));
  const assessorRef = (id: string | null): string | null => (id === null ? null : (store.assessors.get(id)?.misReference ?? id));
  const employers: Record<string, unknown> = {};
  for (const { id, updatedAt: _updated, ...employer } of store.employers.values()) addOnce(employers, employer.misReference ?? id, employer);
  const assessors: Record<string, unknown> = {};
  for (const { id, updatedAt: _updated, ...assessor } of store.assessors.values()) addOnce(assessors, assessor.misReference ?? id, assessor);
  const learners: Record<string, unknown> = {};
  for (const learner of store.learners.values()) {
    const { id, createdAt: _created, updatedAt: _updated, otjUpdatedAt: _otj, courses, sessions, smartCoach, employerId, assessorId, ...fields } = learner;
    const courseRef = new Map(courses.map((course) => [course.id, course.misReference ?? course.id]));
    addOnce(learners, learner.misReference ?? id, {
      ...fields,
      employer: employerRef(employerId),
      assessor: assessorRef(assessorId),
      smartCoach: smartCoach ? { riskScore: smartCoach.riskScore, riskBand: smartCoach.riskBand } : null,
      courses: Object.fromEntries(
        courses.map(({ id: courseId, updatedAt: _u, course, primaryAssessorId, secondaryAssessorId, ...rest }) => [
          rest.misReference ?? courseId,
          { ...rest, course: course.qanCode, primaryAssessor: assessorRef(primaryAssessorId), secondaryAssessor: assessorRef(secondaryAssessorId) },
        ]),
      ),
      sessions: Object.fromEntries(
        sessions.map(({ id: sessionId, updatedAt: _u, assessorId: sessionAssessor, learnerCourseId, ...rest }) => [
          sessionId,
          { ...rest, assessor: assessorRef(sessionAssessor), learnerCourse: learnerCourseId === null ? null : (courseRef.get(learnerCourseId) ?? learnerCourseId) },
        ]),
      ),
    });
  }
  return { employers, assessors, learners };
}

/** A second record under one key is a duplicate: it is kept under a key of its own, so the comparison sees it. */
function addOnce(into: Record<string, unknown>, key: string, value: unknown): void {
  let slot = key;
  for (let copy = 2; slot in into; copy += 1) slot = `${key} (duplicate ${copy})`;
  into[slot] = value;
}

export async function endState(db: DataSource, store: SimulatorStore): Promise<EndState> {
  return { mis: await misEndState(db), smartAssessor: smartAssessorEndState(store) };
}

/** Every place two values differ, as `path: expected → actual`, at most `limit` of them. */
export function differences(expected: unknown, actual: unknown, limit = 20, path = ''): string[] {
  const found: string[] = [];
  const walk = (a: unknown, b: unknown, at: string): void => {
    if (found.length >= limit) return;
    if (isObject(a) && isObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (!(key in b)) found.push(`${at}/${key}: missing (expected ${short(a[key])})`);
        else if (!(key in a)) found.push(`${at}/${key}: unexpected ${short(b[key])}`);
        else walk(a[key], b[key], `${at}/${key}`);
        if (found.length >= limit) return;
      }
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) found.push(`${at}: ${short(a)} → ${short(b)}`);
  };
  walk(expected, actual, path);
  return found;
}

/** How many records the end state holds, per table: what a case says it compared. */
export function recordCounts(state: EndState): string {
  const parts = [
    ...Object.entries(state.mis).map(([table, rows]) => `${table} ${Object.keys(rows).length}`),
    ...Object.entries(state.smartAssessor).map(([kind, rows]) => `SA ${kind} ${Object.keys(rows).length}`),
  ];
  const learners = Object.values(state.smartAssessor.learners ?? {}) as Array<{ courses: object; sessions: object }>;
  parts.push(`SA courses ${learners.reduce((sum, learner) => sum + Object.keys(learner.courses).length, 0)}`);
  parts.push(`SA sessions ${learners.reduce((sum, learner) => sum + Object.keys(learner.sessions).length, 0)}`);
  return parts.join(', ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function short(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
