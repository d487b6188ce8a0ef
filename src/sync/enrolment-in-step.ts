import type { FieldChange } from '../../entities/sync-event.js';
import type { Learner, LearnerCourse, LearnerCourseCreate, LearnerCourseUpdate, LearnerUpdate, OtjHours } from '../smart-assessor/types.js';
import type { IsoDate } from './dates.js';
import { learnerCourseCreateBody } from './enrolment.js';
import { isBlank, sameValue } from './normalise.js';
import { aimRecord, learnerRecord, type PicsOfficer } from './records.js';
import { learnerCoursesAfterTakeovers, planCourseTakeovers, type CourseUpdate } from './status.js';

/**
 * SPEC.md §4 "status (enrolment in step)": enrolment (§3) is sent once, and afterwards
 * the SA side follows the MIS. An aim that is supported but has no SA learner course is
 * enrolled on the SA learner; the Main Officer is the SA learner's assessor and each
 * linked course's primary assessor; the second-assessor-role holder each course's
 * secondary assessor; each course's planned end date is its aim's; the planned OTJ
 * figure is the learner's. Everything is compared as at enrolment and normalised, so an
 * unchanged learner gives an empty plan: no call, no write.
 *
 * The rules here decide from plain values; an officer without an Additional ID is
 * linked or created by the caller (as at enrolment) before the ids are planned with.
 */

/** An aim as enrolment and the in-step rules read it: its dates, its link, the aim it restarts and its qualification's SA course. */
export interface PicsAimEnrolment {
  id: number;
  aimRef: string;
  startDate: IsoDate;
  plannedEndDate: IsoDate;
  saLearnerCourseId?: string | null;
  /** The aim this one restarts after a break in learning. */
  restartOfId?: number | null;
  /** Its qualification's SA course id; blank: Smart Assessor does not support it. */
  qualification: { saCourseId?: string | null };
}

/** Where an aim stands with Smart Assessor. */
export type AimPlacement<A> =
  /** On its SA learner course (once this run's restart takeovers are made). */
  | { aim: A; state: 'enrolled'; learnerCourseId: string }
  /** Supported, with no SA learner course yet: to be enrolled on SA course `courseId`. */
  | { aim: A; state: 'to-enrol'; courseId: string }
  /** Its qualification has no SA course: skipped and reported. */
  | { aim: A; state: 'unsupported' }
  /** Another aim restarts it (`by`): only the last aim of a restart chain holds the chain's SA course. */
  | { aim: A; state: 'superseded'; by: A };

/**
 * Each aim's place, in the order given. An aim whose restart chain already holds an SA
 * course is enrolled (the status rule hands the course on to it); an aim that another
 * restarts is superseded, so a qualification never gets a second learner course; the rest
 * are to enrol when their qualification has an SA course, else unsupported.
 */
export function placeAims<A extends PicsAimEnrolment>(aims: readonly A[]): AimPlacement<A>[] {
  const learnerCourses = learnerCoursesAfterTakeovers(aims, planCourseTakeovers(aims));
  const restartedBy = new Map<number, A>();
  for (const aim of aims) {
    if (aim.restartOfId !== null && aim.restartOfId !== undefined && !restartedBy.has(aim.restartOfId)) restartedBy.set(aim.restartOfId, aim);
  }
  return aims.map((aim): AimPlacement<A> => {
    const learnerCourseId = learnerCourses.get(aim);
    if (learnerCourseId) return { aim, state: 'enrolled', learnerCourseId };
    const by = restartedBy.get(aim.id);
    if (by) return { aim, state: 'superseded', by };
    const courseId = aim.qualification.saCourseId?.trim();
    return courseId ? { aim, state: 'to-enrol', courseId } : { aim, state: 'unsupported' };
  });
}

/**
 * The secondary assessor of every course: the holder of the Qualification Second Assessor
 * Role, unless that is the Main Officer (already the primary assessor).
 */
export function secondAssessorOf<O extends PicsOfficer>(roleHolder: O | null | undefined, mainOfficer: PicsOfficer | null | undefined): O | null {
  return roleHolder && roleHolder.ref !== mainOfficer?.ref ? roleHolder : null;
}

/** The officers a learner's SA records should name. */
export interface LearnerAssessorOfficers<O extends PicsOfficer> {
  /** The Main Officer; null when the learner has none (SA's assessors are then kept: a blank never overwrites). */
  primary: O | null;
  /**
   * The second-assessor-role holder (not the Main Officer); null when nobody holds the
   * role (each course's secondary assessor is cleared); undefined when no Qualification
   * Second Assessor Role is set, so the integration does not manage secondary assessors
   * and SA's are kept.
   */
  secondary: O | null | undefined;
}

export function learnerAssessorOfficers<O extends PicsOfficer>(
  mainOfficer: O | null | undefined,
  roles: readonly { role: string; officer: O }[],
  secondAssessorRole: string | null | undefined,
): LearnerAssessorOfficers<O> {
  const role = secondAssessorRole?.trim();
  const holder = role ? roles.find((candidate) => candidate.role === role)?.officer : undefined;
  return { primary: mainOfficer ?? null, secondary: role ? secondAssessorOf(holder, mainOfficer) : undefined };
}

/**
 * The officers that must be linked or created in SA (as at enrolment) before the plan:
 * those named and without an Additional ID. A secondary assessor is needed only when the
 * learner has a course for them to assess.
 */
export function officersToLink<O extends PicsOfficer>(officers: LearnerAssessorOfficers<O>, hasCourses: boolean): O[] {
  const named = hasCourses ? [officers.primary, officers.secondary] : [officers.primary];
  const unlinked = named.filter((officer): officer is O => !!officer && isBlank(officer.additionalId));
  return unlinked.filter((officer, index) => unlinked.findIndex((other) => other.ref === officer.ref) === index);
}

/** The SA assessor ids of LearnerAssessorOfficers, once every officer is linked (same null / undefined meanings). */
export interface LearnerAssessorIds {
  primary: string | null;
  secondary: string | null | undefined;
}

/** The SA learner course fields the in-step rules compare. */
export type SaCourseInStep = Pick<LearnerCourse, 'id' | 'plannedEndDate' | 'primaryAssessorId' | 'secondaryAssessorId'>;

export interface EnrolmentInStepInput<A extends PicsAimEnrolment> {
  learnerIdent: string;
  /** All the learner's aims: restarts find the aims they restart. */
  aims: readonly A[];
  saLearner: Pick<Learner, 'assessorId'>;
  /** The SA learner's courses (those of linked aims; an empty list when none is linked). */
  courses: readonly SaCourseInStep[];
  assessors: LearnerAssessorIds;
}

export interface EnrolmentInStepPlan<A extends PicsAimEnrolment> {
  /** The SA learner's assessor, when it is not the Main Officer's. */
  learnerPatch: Pick<LearnerUpdate, 'assessorId'>;
  /** One per linked course whose planned end date or assessors differ from the MIS's. */
  courseUpdates: CourseUpdate<A>[];
  /** Supported aims with no SA learner course: each enrolled (find by misReference before create). */
  coursesToCreate: Array<{ aim: A; body: LearnerCourseCreate }>;
  /** Aims Smart Assessor does not support: reported, not failed. */
  unsupportedAims: A[];
  /** The learner's and the courses' changes; each created course's is `courseEnrolledChange`, once its id is known. */
  changes: FieldChange[];
}

export function planEnrolmentInStep<A extends PicsAimEnrolment>(input: EnrolmentInStepInput<A>): EnrolmentInStepPlan<A> {
  const { assessors, saLearner } = input;
  const plan: EnrolmentInStepPlan<A> = { learnerPatch: {}, courseUpdates: [], coursesToCreate: [], unsupportedAims: [], changes: [] };
  if (assessors.primary !== null && assessors.primary !== saLearner.assessorId) {
    plan.learnerPatch.assessorId = assessors.primary;
    plan.changes.push({ record: learnerRecord(input.learnerIdent), field: 'assessorId', from: saLearner.assessorId, to: assessors.primary, direction: 'push' });
  }
  const coursesById = new Map(input.courses.map((course) => [course.id.trim(), course]));
  for (const placement of placeAims(input.aims)) {
    if (placement.state === 'unsupported') plan.unsupportedAims.push(placement.aim);
    if (placement.state === 'to-enrol') {
      // A learner whose Main Officer was removed keeps the assessor SA has for them.
      const links = { courseId: placement.courseId, primaryAssessorId: assessors.primary ?? saLearner.assessorId, secondaryAssessorId: assessors.secondary };
      plan.coursesToCreate.push({ aim: placement.aim, body: learnerCourseCreateBody(placement.aim, links) });
    }
    if (placement.state !== 'enrolled') continue;
    const course = coursesById.get(placement.learnerCourseId);
    // A linked course SA does not list is the status rule's to report.
    if (!course) continue;
    const { patch, changes } = planCourseInStep(placement.aim, course, assessors);
    if (changes.length === 0) continue;
    plan.courseUpdates.push({ aim: placement.aim, learnerCourseId: course.id, patch });
    plan.changes.push(...changes);
  }
  return plan;
}

/** One linked course: its planned end date (a blank never overwrites) and its primary and secondary assessors. */
export function planCourseInStep(
  aim: Pick<PicsAimEnrolment, 'aimRef' | 'plannedEndDate'>,
  course: SaCourseInStep,
  assessors: LearnerAssessorIds,
): { patch: LearnerCourseUpdate; changes: FieldChange[] } {
  const record = aimRecord(aim.aimRef);
  const patch: LearnerCourseUpdate = {};
  const changes: FieldChange[] = [];
  if (!isBlank(aim.plannedEndDate) && !sameValue('date', aim.plannedEndDate, course.plannedEndDate)) {
    patch.plannedEndDate = aim.plannedEndDate.trim();
    changes.push({ record, field: 'plannedEndDate', from: course.plannedEndDate, to: patch.plannedEndDate, direction: 'push' });
  }
  if (assessors.primary !== null && assessors.primary !== course.primaryAssessorId) {
    patch.primaryAssessorId = assessors.primary;
    changes.push({ record, field: 'primaryAssessorId', from: course.primaryAssessorId, to: assessors.primary, direction: 'push' });
  }
  const secondary = assessors.secondary;
  if (secondary !== undefined && (secondary ?? null) !== (course.secondaryAssessorId?.trim() || null)) {
    patch.secondaryAssessorId = secondary;
    changes.push({ record, field: 'secondaryAssessorId', from: course.secondaryAssessorId ?? null, to: secondary, direction: 'push' });
  }
  return { patch, changes };
}

/** The change a course enrolled after enrolment records: the aim's new link to its SA learner course. */
export function courseEnrolledChange(aim: Pick<PicsAimEnrolment, 'aimRef'>, learnerCourseId: string): FieldChange {
  return { record: aimRecord(aim.aimRef), field: 'saLearnerCourseId', from: null, to: learnerCourseId, direction: 'push' };
}

/** Updates of the same SA learner course from several rules, as one PATCH each (the first rule's aim names it). */
export function combineCourseUpdates<A>(...lists: ReadonlyArray<readonly CourseUpdate<A>[]>): CourseUpdate<A>[] {
  const byCourse = new Map<string, CourseUpdate<A>>();
  for (const update of lists.flat()) {
    const held = byCourse.get(update.learnerCourseId);
    byCourse.set(update.learnerCourseId, held ? { ...held, patch: { ...held.patch, ...update.patch } } : update);
  }
  return [...byCourse.values()];
}

export interface PlannedOtjPlan {
  /** The planned hours to set in SA; undefined when SA already has them or the MIS has none. */
  plannedHours?: number;
  changes: FieldChange[];
}

/** The learner's planned OTJ hours := the MIS's, when SA holds a different figure; a blank MIS figure is never sent. */
export function planPlannedOtj(learner: { learnerIdent: string; plannedOtjHours?: number | null }, otj: Pick<OtjHours, 'plannedHours'>): PlannedOtjPlan {
  const planned = learner.plannedOtjHours;
  if (planned === null || planned === undefined || planned === otj.plannedHours) return { changes: [] };
  return {
    plannedHours: planned,
    changes: [{ record: learnerRecord(learner.learnerIdent), field: 'plannedOtjHours', from: otj.plannedHours, to: planned, direction: 'push' }],
  };
}
