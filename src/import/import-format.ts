import type { AttendedStatus, CompletionStatus, Outcome, SystemStatus } from '../../entities/enums.js';
import type { SettingsPatch } from '../settings/settings-patch.js';
import type { PicsLearner, PicsOfficer, PicsOrganisation } from '../sync/records.js';

/**
 * The import document of contracts/admin-api.md ("Import format"). Records are matched
 * on their keys (`code`, `reference`, `ref`, `learnerIdent`, `aimRef`, `reviewIdent`).
 * Every section is optional. A nullable field that is absent counts as null; a
 * learner's `officerRoles` or `breaksInLearning` that is absent leaves the stored set
 * alone, while a present one (even empty) replaces it.
 */
export interface ImportDocument {
  reviewTypes?: ImportReviewType[];
  qualifications?: ImportQualification[];
  organisations?: ImportOrganisation[];
  officers?: ImportOfficer[];
  learners?: ImportLearner[];
  settings?: SettingsPatch;
}

export interface ImportReviewType {
  code: string;
  name: string;
}

export interface ImportQualification {
  reference: string;
  title: string;
}

/** The employer fields of PicsOrganisation; the name is required. */
export type ImportOrganisation = PicsOrganisation & {
  name: string;
  /** The Smart Assessor employer id; null never unlinks one already stored. */
  additionalId?: string | null;
};

/** The assessor fields of PicsOfficer; names and email are required. */
export type ImportOfficer = PicsOfficer & {
  firstName: string;
  surname: string;
  email: string;
  /** The Smart Assessor assessor id; null never unlinks one already stored. */
  additionalId?: string | null;
};

export interface ImportOfficerRole {
  role: string;
  officerRef: string;
}

export interface ImportLearningAim {
  aimRef: string;
  /** The catalogue qualification's reference. */
  reference: string;
  startDate: string;
  plannedEndDate: string;
  actualEndDate?: string | null;
  completionStatus: CompletionStatus;
  outcome?: Outcome | null;
  /** The aimRef of this learner's aim that this one restarts after a break. */
  restartOf?: string | null;
}

export interface ImportReview {
  reviewIdent: string;
  /** A review type code. */
  reviewType: string;
  plannedDate?: string | null;
  actualDate?: string | null;
  officerRef?: string | null;
  /** Absent: Unknown. */
  attendedStatus?: AttendedStatus;
  notes?: string | null;
  /** The Smart Assessor session id; null never clears one already stored. */
  smartAssessorSystemId?: string | null;
}

export interface ImportBreakInLearning {
  lastDayInLearning: string;
  returnDate?: string | null;
}

/** The learner's details of PicsLearner (names required), and what the MIS holds about their learning. */
export interface ImportLearner extends PicsLearner {
  firstName: string;
  surname: string;
  /** Absent: Live. */
  systemStatus?: SystemStatus;
  placementOrganisationRef?: string | null;
  mainOfficerRef?: string | null;
  officerRoles?: ImportOfficerRole[];
  plannedOtjHours?: number | null;
  /** The Smart Assessor learner id; null never unlinks one already stored. */
  smartAssessorId?: string | null;
  qualifications?: ImportLearningAim[];
  reviews?: ImportReview[];
  breaksInLearning?: ImportBreakInLearning[];
}

/** Rows created and updated, per record type. */
export interface ImportSummary {
  created: Record<string, number>;
  updated: Record<string, number>;
}

/** The record types an import counts, in the order they are written. */
export const IMPORT_RECORD_TYPES = [
  'reviewTypes',
  'qualifications',
  'organisations',
  'officers',
  'learners',
  'officerRoles',
  'breaksInLearning',
  'learningAims',
  'reviews',
  'settings',
] as const;
export type ImportRecordType = (typeof IMPORT_RECORD_TYPES)[number];
