import type { CompletionStatus, Outcome } from '../../entities/enums.js';
import type { FieldChange } from '../../entities/sync-event.js';
import type { CourseStatus, Learner, LearnerCourse, LearnerCourseUpdate, LearnerStatus, LearnerUpdate } from '../smart-assessor/types.js';
import { latestDate, type IsoDate } from './dates.js';
import { isBlank, sameValue } from './normalise.js';
import { aimRecord, learnerRecord } from './records.js';

/**
 * SPEC.md §4 status row: qualification status and breaks in learning go up. The ILR is
 * the authority here, so an SA course's actual end date, completion status and outcome
 * are set to the aim's, blank included (an aim reopened in the ILR clears its end date in
 * SA); "a blank never overwrites" governs demographics, where neither side is the authority.
 */

/** A learning aim's ILR fields and its link to SA. */
export interface PicsAimIlr {
  id: number;
  aimRef: string;
  completionStatus: CompletionStatus;
  outcome?: Outcome | null;
  actualEndDate?: IsoDate | null;
  saLearnerCourseId?: string | null;
  /** The aim this one restarts after a break in learning. */
  restartOfId?: number | null;
}

/** The SA learner course fields the status rule compares. */
export type SaCourseState = Pick<LearnerCourse, 'id' | 'status' | 'actualEndDate' | 'completionStatus' | 'outcome'>;

const ENDED_OR_BREAK_STATES: readonly CourseStatus[] = ['Completed', 'Withdrawn', 'Gateway', 'BreakInLearning'];

/**
 * The SA course status the ILR calls for: CompStatus 6 → BreakInLearning; 3 → Withdrawn;
 * 2 with outcome 8 → Gateway; 2 with outcome 1, 2 or 3 → Completed; 1 with no end date →
 * InTraining if SA shows an ended or break state. Anything else keeps SA's own state
 * (CompStatus 1 with SA awaiting induction or in training; or an ILR combination the
 * table does not name, such as CompStatus 2 with no outcome yet).
 */
export function courseStatusFromIlr(aim: Pick<PicsAimIlr, 'completionStatus' | 'outcome' | 'actualEndDate'>, saStatus: CourseStatus): CourseStatus {
  switch (aim.completionStatus) {
    case 6:
      return 'BreakInLearning';
    case 3:
      return 'Withdrawn';
    case 2:
      if (aim.outcome === 8) return 'Gateway';
      if (aim.outcome === 1 || aim.outcome === 2 || aim.outcome === 3) return 'Completed';
      return saStatus;
    case 1:
      return isBlank(aim.actualEndDate) && ENDED_OR_BREAK_STATES.includes(saStatus) ? 'InTraining' : saStatus;
  }
}

export interface CourseStatusPatch {
  patch: LearnerCourseUpdate;
  changes: FieldChange[];
}

/** The PATCH for one SA learner course: only the differences among status, actual end date, completion status and outcome. */
export function planCourseStatus(aim: PicsAimIlr, course: SaCourseState): CourseStatusPatch {
  const record = aimRecord(aim.aimRef);
  const patch: LearnerCourseUpdate = {};
  const changes: FieldChange[] = [];
  const note = (field: keyof LearnerCourseUpdate, from: unknown, to: unknown) => changes.push({ record, field, from: from ?? null, to, direction: 'push' });

  const status = courseStatusFromIlr(aim, course.status);
  if (status !== course.status) {
    patch.status = status;
    note('status', course.status, status);
  }
  const actualEndDate = aim.actualEndDate?.trim() || null;
  if (!sameValue('date', actualEndDate, course.actualEndDate)) {
    patch.actualEndDate = actualEndDate;
    note('actualEndDate', course.actualEndDate, actualEndDate);
  }
  if (aim.completionStatus !== course.completionStatus) {
    patch.completionStatus = aim.completionStatus;
    note('completionStatus', course.completionStatus, aim.completionStatus);
  }
  const outcome = aim.outcome ?? null;
  if (outcome !== course.outcome) {
    patch.outcome = outcome;
    note('outcome', course.outcome, outcome);
  }
  return { patch, changes };
}

/** Move SA learner course `learnerCourseId` from aim `from` (the restarted aim) to aim `to` (the restart). */
export interface CourseTakeover<A> {
  learnerCourseId: string;
  from: A;
  to: A;
}

type RestartLink = Pick<PicsAimIlr, 'id' | 'saLearnerCourseId' | 'restartOfId'>;

/**
 * A restart aim with no SA course of its own takes over the SA course of the aim it
 * restarts, so the learner carries on in the same SA course with the evidence gathered
 * before the break. A chain of restarts (A → B → C) gives the course to the last, as one
 * move from A to C. An aim that has handed its course on never takes it back, so a loop
 * of restarts cannot move a course forever.
 */
export function planCourseTakeovers<A extends RestartLink>(aims: readonly A[]): CourseTakeover<A>[] {
  const aimsById = new Map(aims.map((aim) => [aim.id, aim]));
  const courseOf = new Map(aims.map((aim) => [aim.id, aim.saLearnerCourseId?.trim() || null]));
  const handedOn = new Set<number>();
  const takeovers = new Map<string, CourseTakeover<A>>();
  let moved = true;
  while (moved) {
    moved = false;
    for (const aim of aims) {
      if (aim.restartOfId === null || aim.restartOfId === undefined || courseOf.get(aim.id) || handedOn.has(aim.id)) continue;
      const restarted = aimsById.get(aim.restartOfId);
      const learnerCourseId = restarted ? courseOf.get(restarted.id) : null;
      if (!restarted || !learnerCourseId) continue;
      courseOf.set(restarted.id, null);
      courseOf.set(aim.id, learnerCourseId);
      handedOn.add(restarted.id);
      takeovers.set(learnerCourseId, { learnerCourseId, from: takeovers.get(learnerCourseId)?.from ?? restarted, to: aim });
      moved = true;
    }
  }
  return [...takeovers.values()];
}

/** Each aim's SA learner course (null: none) once `takeovers` are made. */
export function learnerCoursesAfterTakeovers<A extends RestartLink>(aims: readonly A[], takeovers: readonly CourseTakeover<A>[]): Map<A, string | null> {
  const linked = new Map(aims.map((aim) => [aim, aim.saLearnerCourseId?.trim() || null]));
  for (const { learnerCourseId, from, to } of takeovers) {
    linked.set(from, null);
    linked.set(to, learnerCourseId);
  }
  return linked;
}

export interface CourseUpdate<A> {
  aim: A;
  learnerCourseId: string;
  patch: LearnerCourseUpdate;
}

export interface CourseStatusesPlan<A> {
  /** Apply first: clear the course id on `from`, then set it on `to` (the id is unique across aims). */
  takeovers: CourseTakeover<A>[];
  /** One per SA learner course that differs from its aim's ILR fields. */
  courseUpdates: CourseUpdate<A>[];
  /** Linked aims whose SA learner course SA did not list. */
  missingCourses: A[];
  changes: FieldChange[];
}

/**
 * The status queue's decisions for a learner: restart takeovers, then, for each aim linked
 * to an SA course (after the takeovers), the PATCH that makes the course follow the ILR.
 * `aims` are all the learner's aims, so that restarts can find the aims they restart.
 */
export function planCourseStatuses<A extends PicsAimIlr>(aims: readonly A[], courses: readonly SaCourseState[]): CourseStatusesPlan<A> {
  const plan: CourseStatusesPlan<A> = { takeovers: planCourseTakeovers(aims), courseUpdates: [], missingCourses: [], changes: [] };
  const linked = learnerCoursesAfterTakeovers(aims, plan.takeovers);
  for (const takeover of plan.takeovers) {
    // The MIS link is what changes (direction pull: the MIS is written); SA is not told of the move.
    plan.changes.push(
      { record: aimRecord(takeover.from.aimRef), field: 'saLearnerCourseId', from: takeover.learnerCourseId, to: null, direction: 'pull' },
      { record: aimRecord(takeover.to.aimRef), field: 'saLearnerCourseId', from: takeover.to.saLearnerCourseId ?? null, to: takeover.learnerCourseId, direction: 'pull' },
    );
  }
  const coursesById = new Map(courses.map((course) => [course.id.trim(), course]));
  for (const [aim, learnerCourseId] of linked) {
    if (!learnerCourseId) continue;
    const course = coursesById.get(learnerCourseId);
    if (!course) {
      plan.missingCourses.push(aim);
      continue;
    }
    const { patch, changes } = planCourseStatus(aim, course);
    if (changes.length === 0) continue;
    plan.courseUpdates.push({ aim, learnerCourseId: course.id, patch });
    plan.changes.push(...changes);
  }
  return plan;
}

/** A learner's aims and breaks in learning, as the learner status rule reads them. */
export interface LearnerIlrState {
  aims: readonly Pick<PicsAimIlr, 'id' | 'completionStatus' | 'actualEndDate' | 'restartOfId'>[];
  breaks: readonly { lastDayInLearning: IsoDate; returnDate?: IsoDate | null }[];
}

export interface LearnerStatusDecision {
  status: LearnerStatus;
  /** When the status took effect; null when there is no date to give (Active, or no end dates). */
  effectiveDate: IsoDate | null;
}

/**
 * The SA learner status the ILR calls for: an open break (no return date) → BreakInLearning
 * from its last day in learning; all aims withdrawn → Withdrawn; all completed → Completed,
 * both from the latest actual end date; else Active. An aim that a later aim restarts is
 * history, not a current aim, so it does not count towards "all".
 */
export function learnerStatusFromIlr(state: LearnerIlrState): LearnerStatusDecision {
  const openBreaks = state.breaks.filter((pause) => isBlank(pause.returnDate));
  if (openBreaks.length > 0) return { status: 'BreakInLearning', effectiveDate: latestDate(openBreaks.map((pause) => pause.lastDayInLearning)) };
  const restarted = new Set(state.aims.map((aim) => aim.restartOfId).filter((id) => id !== null && id !== undefined));
  const current = state.aims.filter((aim) => !restarted.has(aim.id));
  const endedOn = () => latestDate(current.map((aim) => aim.actualEndDate));
  if (current.length > 0 && current.every((aim) => aim.completionStatus === 3)) return { status: 'Withdrawn', effectiveDate: endedOn() };
  if (current.length > 0 && current.every((aim) => aim.completionStatus === 2)) return { status: 'Completed', effectiveDate: endedOn() };
  return { status: 'Active', effectiveDate: null };
}

export interface LearnerStatusPlan {
  /** The PATCH for the SA learner: status and effective date, only where they differ. */
  saPatch: Pick<LearnerUpdate, 'status' | 'statusEffectiveDate'>;
  changes: FieldChange[];
}

/** Compares the ILR's learner status with SA's (status and statusEffectiveDate) and sends only the differences. */
export function planLearnerStatus(learnerIdent: string, state: LearnerIlrState, sa: Pick<Learner, 'status' | 'statusEffectiveDate'>): LearnerStatusPlan {
  const record = learnerRecord(learnerIdent);
  const wanted = learnerStatusFromIlr(state);
  const plan: LearnerStatusPlan = { saPatch: {}, changes: [] };
  if (wanted.status !== sa.status) {
    plan.saPatch.status = wanted.status;
    plan.changes.push({ record, field: 'status', from: sa.status, to: wanted.status, direction: 'push' });
  }
  if (wanted.effectiveDate !== null && !sameValue('date', wanted.effectiveDate, sa.statusEffectiveDate)) {
    plan.saPatch.statusEffectiveDate = wanted.effectiveDate;
    plan.changes.push({ record, field: 'statusEffectiveDate', from: sa.statusEffectiveDate ?? null, to: wanted.effectiveDate, direction: 'push' });
  }
  return plan;
}
