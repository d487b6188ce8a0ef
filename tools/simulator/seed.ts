import { loadContract } from '../../src/smart-assessor/contract.js';
import {
  COURSE_STATUSES,
  LEARNER_STATUSES,
  SMART_COACH_RISK_BANDS,
  type AssessorCreate,
  type CourseStatus,
  type EmployerCreate,
  type LearnerCourseUpdate,
  type LearnerCreate,
  type LearnerStatus,
  type SmartCoach,
} from '../../src/smart-assessor/types.js';
import type { MadeByHand, SimulatorStore } from './store.js';

/**
 * Bulk creation straight into the store, for tests and the benchmark (which seeds a
 * hundred thousand enrolled learners): no HTTP, no rate limit, no faults. A document is
 * checked whole against the contract's create schemas and the store's misReference and
 * id uniqueness before anything is written, so a bad document changes nothing. An
 * employer, assessor or learner with a null misReference is one made by hand in Smart
 * Assessor, as a provider has them before it links the integration (SPEC.md §6).
 */

export type SeedEmployer = MadeByHand<EmployerCreate> & { id?: string };
export type SeedAssessor = MadeByHand<AssessorCreate> & { id?: string };

export interface SeedLearnerCourse {
  id?: string;
  /** The course by id, or by `qanCode`. */
  courseId?: string;
  qanCode?: string;
  misReference: string;
  startDate: string;
  plannedEndDate: string;
  /** Default: the learner's assessor. */
  primaryAssessorId?: string;
  secondaryAssessorId?: string | null;
  status?: CourseStatus;
  elementsDone?: number;
  actualEndDate?: string | null;
  completionStatus?: LearnerCourseUpdate['completionStatus'];
  outcome?: LearnerCourseUpdate['outcome'];
}

export type SeedLearner = Omit<MadeByHand<LearnerCreate>, 'employerId' | 'assessorId'> & {
  id?: string;
  /** The employer by id, or by the misReference of an employer in the store or this document. */
  employerId?: string;
  employerMisReference?: string;
  assessorId?: string;
  assessorMisReference?: string;
  status?: LearnerStatus;
  smartCoach?: Omit<SmartCoach, 'scoredAt'> | null;
  plannedOtjHours?: number | null;
  actualOtjHours?: number;
  courses?: SeedLearnerCourse[];
};

export interface SeedDocument {
  employers?: SeedEmployer[];
  assessors?: SeedAssessor[];
  learners?: SeedLearner[];
}

export interface SeedResult {
  employerIds: string[];
  assessorIds: string[];
  learnerIds: string[];
  /** Per learner, the ids of their courses in the order given. */
  learnerCourseIds: string[][];
}

export class SeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`The seed document was not loaded: ${problems.slice(0, 20).join('; ')}${problems.length > 20 ? ` (and ${problems.length - 20} more)` : ''}`);
    this.name = 'SeedError';
  }
}

export function seedStore(store: SimulatorStore, document: SeedDocument): SeedResult {
  const plan = checkDocument(store, document);
  const now = Date.now();
  const employerIds = (document.employers ?? []).map((employer) => store.createEmployer(employer, now).id);
  const assessorIds = (document.assessors ?? []).map((assessor) => store.createAssessor(assessor, now).id);
  const learnerIds: string[] = [];
  const learnerCourseIds: string[][] = [];
  (document.learners ?? []).forEach((seed, index) => {
    const links = plan.learnerLinks[index]!;
    const learner = store.createLearner({ ...seed, employerId: links.employerId(), assessorId: links.assessorId() }, now);
    learner.status = seed.status ?? 'Active';
    learner.smartCoach = seed.smartCoach ? { ...seed.smartCoach, scoredAt: now } : null;
    learner.plannedOtjHours = seed.plannedOtjHours ?? null;
    learner.actualOtjHours = seed.actualOtjHours ?? 0;
    const courseIds: string[] = [];
    (seed.courses ?? []).forEach((course, courseIndex) => {
      const record = store.enrolLearnerOnCourse(
        learner.id,
        {
          id: course.id,
          courseId: plan.courseIds[index]![courseIndex]!,
          misReference: course.misReference,
          startDate: course.startDate,
          plannedEndDate: course.plannedEndDate,
          primaryAssessorId: course.primaryAssessorId ?? learner.assessorId,
          secondaryAssessorId: course.secondaryAssessorId ?? null,
        },
        now,
      );
      record.status = course.status ?? 'InTraining';
      record.elementsDone = Math.min(course.elementsDone ?? 0, record.elementsTotal);
      record.actualEndDate = course.actualEndDate ?? null;
      record.completionStatus = course.completionStatus ?? null;
      record.outcome = course.outcome ?? null;
      courseIds.push(record.id);
    });
    learnerIds.push(learner.id);
    learnerCourseIds.push(courseIds);
  });
  return { employerIds, assessorIds, learnerIds, learnerCourseIds };
}

interface Plan {
  learnerLinks: { employerId: () => string; assessorId: () => string }[];
  courseIds: string[][];
}

function checkDocument(store: SimulatorStore, document: SeedDocument): Plan {
  const contract = loadContract();
  const problems: string[] = [];
  const report = (where: string, found: { field: string; message: string }[]): void => {
    for (const problem of found) problems.push(`${where}${problem.field ? `.${problem.field}` : ''} ${problem.message}`);
  };
  const unique = (
    kind: 'employer' | 'assessor' | 'learner' | 'learnerCourse',
    by: 'id' | 'misReference',
    seen: Set<string>,
    value: string | null | undefined,
    where: string,
  ): void => {
    if (value === undefined || value === null) return;
    if (seen.has(value) || store.has(kind, by, value)) problems.push(`${where}.${by} "${value}" is already taken`);
    seen.add(value);
  };

  const employerRefs = new Set<string>();
  const employerIds = new Set<string>();
  (document.employers ?? []).forEach((employer, index) => {
    const where = `employers[${index}]`;
    report(where, madeByHand(employer, contract.checkRequestBody('createEmployer', employer)));
    unique('employer', 'misReference', employerRefs, employer.misReference, where);
    unique('employer', 'id', employerIds, employer.id, where);
  });

  const assessorRefs = new Set<string>();
  const assessorIds = new Set<string>();
  (document.assessors ?? []).forEach((assessor, index) => {
    const where = `assessors[${index}]`;
    report(where, madeByHand(assessor, contract.checkRequestBody('createAssessor', assessor)));
    unique('assessor', 'misReference', assessorRefs, assessor.misReference, where);
    unique('assessor', 'id', assessorIds, assessor.id, where);
  });

  // Ids generated for this document's employers and assessors are known only once they are written.
  const documentEmployers = new Map<string | null, number>((document.employers ?? []).map((employer, index) => [employer.misReference, index]));
  const documentAssessors = new Map<string | null, number>((document.assessors ?? []).map((assessor, index) => [assessor.misReference, index]));
  const employerExists = (id: string): boolean => employerIds.has(id) || store.has('employer', 'id', id);
  const assessorExists = (id: string): boolean => assessorIds.has(id) || store.has('assessor', 'id', id);

  const learnerRefs = new Set<string>();
  const learnerIds = new Set<string>();
  const courseRefs = new Set<string>();
  const courseIdsSeen = new Set<string>();
  const plan: Plan = { learnerLinks: [], courseIds: [] };
  (document.learners ?? []).forEach((learner, index) => {
    const where = `learners[${index}]`;
    const employer = resolveLink(store, learner.employerId, learner.employerMisReference, employerExists, documentEmployers, 'employer');
    const assessor = resolveLink(store, learner.assessorId, learner.assessorMisReference, assessorExists, documentAssessors, 'assessor');
    if (typeof employer === 'string') problems.push(`${where}.employer ${employer}`);
    if (typeof assessor === 'string') problems.push(`${where}.assessor ${assessor}`);
    const { status, smartCoach, plannedOtjHours, actualOtjHours, courses } = learner;
    // The create schema allows extra properties, so the seed record is checked as it is; its links were checked above.
    report(
      where,
      madeByHand(learner, contract.checkRequestBody('createLearner', learner)).filter(
        (problem) => !((problem.field === 'employerId' || problem.field === 'assessorId') && problem.message === 'is required'),
      ),
    );
    unique('learner', 'misReference', learnerRefs, learner.misReference, where);
    unique('learner', 'id', learnerIds, learner.id, where);
    if (status !== undefined && !LEARNER_STATUSES.includes(status)) problems.push(`${where}.status must be one of ${LEARNER_STATUSES.join(', ')}`);
    if (smartCoach && !(smartCoach.riskScore >= 0 && smartCoach.riskScore <= 1 && SMART_COACH_RISK_BANDS.includes(smartCoach.riskBand))) {
      problems.push(`${where}.smartCoach must have a riskScore from 0 to 1 and a riskBand of Low, Medium or High`);
    }
    if (plannedOtjHours !== undefined && plannedOtjHours !== null && !(Number.isInteger(plannedOtjHours) && plannedOtjHours >= 0 && plannedOtjHours <= 9999)) {
      problems.push(`${where}.plannedOtjHours must be a whole number from 0 to 9999`);
    }
    if (actualOtjHours !== undefined && !(actualOtjHours >= 0)) problems.push(`${where}.actualOtjHours must be 0 or more`);

    const courseIds: string[] = [];
    (courses ?? []).forEach((course, courseIndex) => {
      const at = `${where}.courses[${courseIndex}]`;
      const found = course.courseId !== undefined ? store.courses.get(course.courseId) : course.qanCode !== undefined ? store.courseByQanCode(course.qanCode) : undefined;
      if (!found) problems.push(`${at} names no course of this site (courseId "${course.courseId ?? ''}", qanCode "${course.qanCode ?? ''}")`);
      courseIds.push(found?.id ?? '');
      report(
        at,
        contract.checkRequestBody('enrolLearnerOnCourse', {
          courseId: found?.id ?? 'missing',
          misReference: course.misReference,
          startDate: course.startDate,
          plannedEndDate: course.plannedEndDate,
          primaryAssessorId: course.primaryAssessorId ?? 'learner-assessor',
          ...(course.secondaryAssessorId === undefined ? {} : { secondaryAssessorId: course.secondaryAssessorId }),
        }),
      );
      for (const [field, id] of [
        ['primaryAssessorId', course.primaryAssessorId],
        ['secondaryAssessorId', course.secondaryAssessorId],
      ] as const) {
        if (id && !assessorExists(id)) problems.push(`${at}.${field} "${id}" is not an assessor of this site`);
      }
      if (course.status !== undefined && !COURSE_STATUSES.includes(course.status)) problems.push(`${at}.status must be one of ${COURSE_STATUSES.join(', ')}`);
      unique('learnerCourse', 'misReference', courseRefs, course.misReference, at);
      unique('learnerCourse', 'id', courseIdsSeen, course.id, at);
    });
    plan.courseIds.push(courseIds);
    plan.learnerLinks.push({
      employerId: () => (typeof employer === 'function' ? employer() : ''),
      assessorId: () => (typeof assessor === 'function' ? assessor() : ''),
    });
  });

  if (problems.length > 0) throw new SeedError(problems);
  return plan;
}

/** A record made by hand has no misReference: the create schema's demand for one does not apply to it. */
function madeByHand<P extends { field: string }>(record: { misReference: string | null }, problems: P[]): P[] {
  return record.misReference === null ? problems.filter((problem) => problem.field !== 'misReference') : problems;
}

/** A link to an employer or assessor, by id or misReference; a function giving the id once written, or the problem. */
function resolveLink(
  store: SimulatorStore,
  id: string | undefined,
  misReference: string | undefined,
  exists: (id: string) => boolean,
  inDocument: ReadonlyMap<string | null, number>,
  kind: 'employer' | 'assessor',
): (() => string) | string {
  if (id !== undefined) return exists(id) ? () => id : `id "${id}" is not an ${kind} of this site or this document`;
  if (misReference === undefined) return `is missing: give ${kind}Id or ${kind}MisReference`;
  const lookUp = (): string | undefined => (kind === 'employer' ? store.employerIdByRef(misReference) : store.assessorIdByRef(misReference));
  if (lookUp() === undefined && !inDocument.has(misReference)) return `misReference "${misReference}" is not an ${kind} of this site or this document`;
  return () => lookUp()!;
}
