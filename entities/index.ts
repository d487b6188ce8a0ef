import { AdminSession } from './admin-session.js';
import { AdminUser } from './admin-user.js';
import { BreakInLearning } from './break-in-learning.js';
import { EnrolmentBatch, EnrolmentBatchLearner } from './enrolment-batch.js';
import { IntegrationSettings } from './integration-settings.js';
import { Learner } from './learner.js';
import { LearnerOfficerRole } from './learner-officer-role.js';
import { LearningAim } from './learning-aim.js';
import { LiveChange } from './live-change.js';
import { Officer } from './officer.js';
import { OnboardingMatch, OnboardingProposal } from './onboarding-match.js';
import { Organisation } from './organisation.js';
import { Qualification } from './qualification.js';
import { Review } from './review.js';
import { ReviewType } from './review-type.js';
import { RunNotification } from './run-notification.js';
import { SyncEvent } from './sync-event.js';
import { SyncRun } from './sync-run.js';

export * from './enums.js';
export type { FieldChange, SyncSubject } from './sync-event.js';
export type { ReviewTypeMappings } from './integration-settings.js';
export type { RunSettings } from './sync-run.js';
export type { RunNotificationEvent } from './run-notification.js';
export type { BatchLearnerState } from './enrolment-batch.js';
export type { SmartAssessorRecordCounts, UnmatchedCounts } from './onboarding-match.js';
export {
  AdminSession,
  AdminUser,
  BreakInLearning,
  EnrolmentBatch,
  EnrolmentBatchLearner,
  IntegrationSettings,
  Learner,
  LearnerOfficerRole,
  LearningAim,
  LiveChange,
  Officer,
  OnboardingMatch,
  OnboardingProposal,
  Organisation,
  Qualification,
  Review,
  ReviewType,
  RunNotification,
  SyncEvent,
  SyncRun,
};

export const ENTITIES = [
  AdminSession,
  AdminUser,
  BreakInLearning,
  EnrolmentBatch,
  EnrolmentBatchLearner,
  IntegrationSettings,
  Learner,
  LearnerOfficerRole,
  LearningAim,
  LiveChange,
  Officer,
  OnboardingMatch,
  OnboardingProposal,
  Organisation,
  Qualification,
  Review,
  ReviewType,
  RunNotification,
  SyncEvent,
  SyncRun,
];
