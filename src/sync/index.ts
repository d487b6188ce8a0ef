/**
 * The rules of SPEC.md §3–4 as pure functions: plain values in, decisions out. No I/O,
 * no TypeORM, no HTTP; the workers load the records, call these, and apply what comes
 * back. Inputs are small structural interfaces, so entities from entities/ and the
 * Smart Assessor types from src/smart-assessor/types.ts can be passed straight in.
 *
 * Conventions:
 * - Dates are YYYY-MM-DD strings (`IsoDate`); "today" is always passed in (`ukToday(new Date())`).
 * - Every plan carries `changes: FieldChange[]` for the sync event; direction `push` means
 *   Smart Assessor is written, `pull` means the MIS is written. No changes: no call, no write.
 * - Records are named "learner L000123", "officer OFF2", "organisation ORG7", "aim L000123-1",
 *   "review R000045" in problems and changes alike.
 * - A push validates what it is about to send, holds back the fields with problems and
 *   sends the rest; the job then fails, naming the problems, with the rest on record:
 *     const plan = planLearnerDemographics(learner, saLearner, settings);
 *     const problems = validateLearnerForSmartAssessor(learner, { today, fields: Object.keys(plan.saPatch) });
 *     const sendable = holdBack(plan, problems);
 * - A blank never overwrites a value; where Smart Assessor's blank meets a MIS value the
 *   value is kept, and the change says so with direction `kept`.
 */

/** Record shapes and names shared by the rules. */
export type { PicsLearner, PicsOfficer, PicsOrganisation } from './records.js';
export { aimRecord, learnerRecord, learnerSubject, officerRecord, officerSubject, organisationRecord, organisationSubject, reviewRecord } from './records.js';

/** Comparing (every queue): normalise, then equal means no change; a blank never overwrites. */
export { isBlank, normalise, normaliseQualificationReference, sameValue, type ValueKind } from './normalise.js';

/** UK calendar dates (scheduler, reviews, validation). */
export { addCalendarMonths, isCalendarDate, latestDate, ukDateOf, ukToday, type IsoDate } from './dates.js';

/** Scheduler and admin: who is synchronised daily. */
export { eligibilityCutoff, isEligible, learningState, type AimEndDate, type EligibilityCandidate, type LearningState } from './eligibility.js';

/**
 * Validation before anything is sent (enrolment, and every push). Each returns FieldProblem[]
 * (src/failure-kinds.ts); a non-empty list is thrown as `new InvalidDataError(problems)`.
 * The `*Problem(value)` checks answer the reason a single value is wrong, or null.
 */
export {
  dateOfBirthProblem,
  dateProblem,
  emailProblem,
  niNumberProblem,
  plannedOtjHoursProblem,
  postcodeProblem,
  ulnProblem,
  validateEnrolment,
  validateLearnerForSmartAssessor,
  validateOfficerForSmartAssessor,
  validateOrganisationForSmartAssessor,
  type EnrolmentAim,
  type EnrolmentCandidate,
  type LearnerValidationOptions,
  type ValidationScope,
} from './validation.js';

/** Enrolment queue: the create bodies of SPEC.md §3. */
export { assessorCreateBody, employerCreateBody, learnerCourseCreateBody, learnerCreateBody, type LearnerEnrolmentSettings } from './enrolment.js';

/** Demographics, officers and organisations queues: what to push or pull per mode, less what invalid data holds back. */
export {
  LEARNER_DEMOGRAPHIC_FIELDS,
  OFFICER_DEMOGRAPHIC_FIELDS,
  ORGANISATION_DEMOGRAPHIC_FIELDS,
  holdBack,
  planLearnerDemographics,
  planOfficerDemographics,
  planOrganisationDemographics,
  type DemographicsPlan,
  type LearnerDemographicsSettings,
  type LearnerMisUpdate,
  type OfficerDemographicsSettings,
  type OfficerMisUpdate,
  type OrganisationDemographicsSettings,
  type OrganisationMisUpdate,
} from './demographics.js';

/** Demographics queue: the risk band from Smart Coach. */
export { planRiskBand, riskBandFromSmartCoach, type RiskBandPlan } from './risk.js';

/** Organisations queue ('learner-employer' job): moving the SA learner to their current placement. */
export { employerMoveDecision, type EmployerMoveDecision, type EmployerMoveInput } from './employer-move.js';

/** Reviews queue: reviews to create and update from SA sessions. */
export {
  planReviews,
  reviewFieldsFromSession,
  reviewTypeFor,
  type PicsReview,
  type ReviewCreate,
  type ReviewFields,
  type ReviewOfficer,
  type ReviewSession,
  type ReviewsInput,
  type ReviewsPlan,
  type ReviewUpdate,
} from './reviews.js';

/** Qualification progress and OTJ queues. */
export {
  planOtjHours,
  planQualificationProgress,
  type AimProgressUpdate,
  type OtjHoursPlan,
  type PicsAimProgress,
  type ProgressPlan,
  type SaCourseProgress,
} from './progress-and-otj.js';

/** Status queue: SA course status from the ILR, restart takeovers, learner status. */
export {
  courseStatusFromIlr,
  learnerCoursesAfterTakeovers,
  learnerStatusFromIlr,
  planCourseStatus,
  planCourseStatuses,
  planCourseTakeovers,
  planLearnerStatus,
  type CourseStatusesPlan,
  type CourseStatusPatch,
  type CourseTakeover,
  type CourseUpdate,
  type LearnerIlrState,
  type LearnerStatusDecision,
  type LearnerStatusPlan,
  type PicsAimIlr,
  type SaCourseState,
} from './status.js';

/** Status and OTJ queues: enrolment kept in step (new aims, assessors, planned end dates and OTJ hours). */
export {
  combineCourseUpdates,
  courseEnrolledChange,
  learnerAssessorOfficers,
  officersToLink,
  placeAims,
  planCourseInStep,
  planEnrolmentInStep,
  planPlannedOtj,
  secondAssessorOf,
  type AimPlacement,
  type EnrolmentInStepInput,
  type EnrolmentInStepPlan,
  type LearnerAssessorIds,
  type LearnerAssessorOfficers,
  type PicsAimEnrolment,
  type PlannedOtjPlan,
  type SaCourseInStep,
} from './enrolment-in-step.js';
