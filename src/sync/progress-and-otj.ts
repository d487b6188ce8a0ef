import type { FieldChange } from '../../entities/sync-event.js';
import type { OtjHours, Progress } from '../smart-assessor/types.js';
import { isBlank } from './normalise.js';
import { aimRecord, learnerRecord } from './records.js';

/** SPEC.md §4 qualification progress and OTJ rows: both come down from Smart Assessor. */

/** A learning aim's progress as the MIS holds it. */
export interface PicsAimProgress {
  aimRef: string;
  saLearnerCourseId?: string | null;
  elementsTotal?: number | null;
  elementsDone?: number | null;
}

/** An SA learner course's progress. */
export interface SaCourseProgress {
  id: string;
  progress: Pick<Progress, 'elementsTotal' | 'elementsDone'>;
}

export interface AimProgressUpdate<A extends PicsAimProgress> {
  aim: A;
  /** Only the counts that differ. */
  set: { elementsTotal?: number; elementsDone?: number };
}

export interface ProgressPlan<A extends PicsAimProgress> {
  updates: AimProgressUpdate<A>[];
  /** Linked aims whose SA learner course SA did not list: nothing to copy, worth reporting. */
  missingCourses: A[];
  changes: FieldChange[];
}

/** Each linked aim's elements done and total := its SA learner course's progress (matched on saLearnerCourseId). */
export function planQualificationProgress<A extends PicsAimProgress>(aims: readonly A[], courses: readonly SaCourseProgress[]): ProgressPlan<A> {
  const plan: ProgressPlan<A> = { updates: [], missingCourses: [], changes: [] };
  const coursesById = new Map(courses.map((course) => [course.id.trim(), course]));
  for (const aim of aims) {
    const courseId = aim.saLearnerCourseId?.trim();
    if (!courseId) continue;
    const course = coursesById.get(courseId);
    if (!course) {
      plan.missingCourses.push(aim);
      continue;
    }
    const set: AimProgressUpdate<A>['set'] = {};
    for (const field of ['elementsDone', 'elementsTotal'] as const) {
      const wanted = course.progress[field];
      if (aim[field] === wanted) continue;
      set[field] = wanted;
      plan.changes.push({ record: aimRecord(aim.aimRef), field, from: aim[field] ?? null, to: wanted, direction: 'pull' });
    }
    if (Object.keys(set).length > 0) plan.updates.push({ aim, set });
  }
  return plan;
}

export interface OtjHoursPlan {
  misUpdates: { actualOtjHours?: number };
  changes: FieldChange[];
}

/** Hours to the hundredth, as the MIS column (numeric(8,2)) keeps them. */
function toHundredths(hours: number): number {
  return Math.round(hours * 100) / 100;
}

/**
 * Actual OTJ hours := SA `actualHours`. Compared at the MIS's precision (hundredths), or a
 * value SA holds more finely would be written again every day. Push-only settings (a
 * live run's) leave them for the daily run.
 */
export function planOtjHours(
  learner: { learnerIdent: string; actualOtjHours?: number | null },
  otj: Pick<OtjHours, 'actualHours'>,
  settings: { pushOnly?: boolean } = {},
): OtjHoursPlan {
  const wanted = toHundredths(otj.actualHours);
  const current = learner.actualOtjHours;
  if (settings.pushOnly || (!isBlank(current) && toHundredths(Number(current)) === wanted)) return { misUpdates: {}, changes: [] };
  return {
    misUpdates: { actualOtjHours: wanted },
    changes: [{ record: learnerRecord(learner.learnerIdent), field: 'actualOtjHours', from: current ?? null, to: wanted, direction: 'pull' }],
  };
}
