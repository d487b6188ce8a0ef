/**
 * Enrolment (SPEC.md §3) as the admin routes and the enrolment worker use it: the preview,
 * the request that queues it, the enrolment itself, Refresh Qualification Links, Look Up
 * Smart Assessor ID, an admin's own edits of Smart Assessor ids, and the assessor link the
 * daily status job shares with enrolment.
 */
export { AlreadyEnrolledError, RecordNotFoundError } from './enrolment-refusals.js';
export {
  enrolmentPreview,
  type AssessorPreview,
  type EmployerPreview,
  type EnrolmentPreview,
  type LearnerPreview,
  type LinkAction,
  type QualificationAction,
  type QualificationPreview,
  type SecondAssessorPreview,
} from './preview.js';
export { requestEnrolment } from './request.js';
export { enrolLearner, type EnrolmentDeps, type EnrolmentOutcome } from './enrol-learner.js';
export { refreshQualificationLinks, type QualificationLinksRefresh } from './qualification-links.js';
export { lookUpAssessors, lookUpEmployers, LOOK_UP_MAX_PAGE_SIZE, LOOK_UP_PAGE_SIZE, type AssessorLookUp, type EmployerLookUp } from './look-up.js';
export { setLearnerSmartAssessorId, setOfficerAdditionalId, setOrganisationAdditionalId, smartAssessorIdProblem } from './manual-links.js';
export { ENROLMENT_QUEUE, MANUAL_EDIT_QUEUE } from './history.js';
export { issuedIdSaver, linkOrCreateAssessor, type LinkHistory, type SavedLink, type SaveIssuedId } from './save-link.js';
