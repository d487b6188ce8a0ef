/** Codes and states shared by the MIS records, the rules and the API. */

export const SYSTEM_STATUSES = ['Live', 'Archived'] as const;
export type SystemStatus = (typeof SYSTEM_STATUSES)[number];

/** ILR CompStatus: 1 continuing, 2 completed, 3 withdrawn, 6 break in learning. */
export const COMPLETION_STATUSES = [1, 2, 3, 6] as const;
export type CompletionStatus = (typeof COMPLETION_STATUSES)[number];

/** ILR Outcome: 1 achieved, 2 partial, 3 no achievement, 8 complete-outcome-unknown. */
export const OUTCOMES = [1, 2, 3, 8] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const RISK_BANDS = ['Green', 'Yellow', 'Red'] as const;
export type RiskBand = (typeof RISK_BANDS)[number];

export const ATTENDED_STATUSES = ['Unknown', 'Attended', 'NotAttended', 'Cancelled'] as const;
export type AttendedStatus = (typeof ATTENDED_STATUSES)[number];

export const GENDERS = ['Male', 'Female', 'Other', 'NotKnown'] as const;
export type Gender = (typeof GENDERS)[number];

/** None, "Push PICS Data to Smart Assessor", "Update PICS From Smart Assessor Data". */
export const DEMOGRAPHICS_MODES = ['None', 'Push', 'Pull'] as const;
export type DemographicsMode = (typeof DEMOGRAPHICS_MODES)[number];

export const RUN_TRIGGERS = ['schedule', 'manual', 'learner', 'live'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_STATES = ['queued', 'running', 'completed', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const EVENT_OUTCOMES = ['changed', 'unchanged', 'skipped', 'failed'] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

export const SUBJECT_TYPES = ['learner', 'officer', 'organisation'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/**
 * Which way a field went: `push` to Smart Assessor, `pull` to the MIS; `kept` when Smart
 * Assessor had a blank and the MIS value was kept (a blank never erases a value).
 */
export const DIRECTIONS = ['push', 'pull', 'kept'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** The Smart Assessor session types (the contract's SessionType enum). */
export const SESSION_TYPES = [
  'General',
  'Induction',
  'FormalReview',
  'Telephone',
  'ExitSession',
  'OutOfTheWorkplace',
  'TestsExams',
  'LearnerSupport',
  'Initial',
  'GatewayReady',
  'EPA',
] as const;
export type SessionType = (typeof SESSION_TYPES)[number];
