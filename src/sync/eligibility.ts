import type { SystemStatus } from '../../entities/enums.js';
import { addCalendarMonths, latestDate, type IsoDate } from './dates.js';
import { isBlank } from './normalise.js';

/** SPEC.md §1 and §4 "Eligible". */

export interface AimEndDate {
  actualEndDate?: IsoDate | null;
}

export interface LearningState {
  /** Some aim has no actual end date. */
  inLearning: boolean;
  /** The latest actual end date of the aims when not in learning; null while in learning or with no aims. */
  endedOn: IsoDate | null;
}

/** In Learning while any aim has no actual end date; otherwise ended on the latest end date. No aims: neither. */
export function learningState(aims: readonly AimEndDate[]): LearningState {
  const inLearning = aims.some((aim) => isBlank(aim.actualEndDate));
  return { inLearning, endedOn: inLearning ? null : latestDate(aims.map((aim) => aim.actualEndDate)) };
}

/** The earliest end date still "within the last month": the same day a calendar month before `today`, clamped to month end. */
export function eligibilityCutoff(today: IsoDate): IsoDate {
  return addCalendarMonths(today, -1);
}

export interface EligibilityCandidate {
  systemStatus: SystemStatus;
  smartAssessorId?: string | null;
  aims: readonly AimEndDate[];
}

/** Live, enrolled (has a Smart Assessor ID), and In Learning or ended on or after the cutoff. */
export function isEligible(learner: EligibilityCandidate, today: IsoDate): boolean {
  if (learner.systemStatus !== 'Live' || isBlank(learner.smartAssessorId)) return false;
  const state = learningState(learner.aims);
  return state.inLearning || (state.endedOn !== null && state.endedOn >= eligibilityCutoff(today));
}
