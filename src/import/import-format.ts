import type { AttendedStatus, CompletionStatus, Gender, Outcome, SystemStatus } from '../../entities/enums.js';
import type { SettingsPatch } from '../settings/settings-patch.js';

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

export interface ImportOrganisation {
  ref: string;
  name: string;
  phone?: string | null;
  edrsNumber?: string | null;
  address1?: string | null;
  address2?: string | null;
  address3?: string | null;
  address4?: string | null;
  postcode?: string | null;
  website?: string | null;
  employerSize?: string | null;
  /** The Smart Assessor employer id; null never unlinks one already stored. */
  additionalId?: string | null;
}

export interface ImportOfficer {
  ref: string;
  firstName: string;
  surname: string;
  email: string;
  phone?: string | null;
  mobile?: string | null;
  /** The Smart Assessor assessor id; null never unlinks one already stored. */
  additionalId?: string | null;
}

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

export interface ImportLearner {
  learnerIdent: string;
  lrn?: string | null;
  firstName: string;
  surname: string;
  dateOfBirth?: string | null;
  gender?: Gender | null;
  uln?: string | null;
  email?: string | null;
  address1?: string | null;
  address2?: string | null;
  address3?: string | null;
  address4?: string | null;
  postcode?: string | null;
  niNumber?: string | null;
  phone?: string | null;
  mobile?: string | null;
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
