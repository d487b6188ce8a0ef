import type { Gender } from '../../entities/enums.js';

/**
 * The MIS records as the rules see them: plain values only, every field optional and
 * nullable so that an entity from entities/ (or a hand-built object in a test) can be
 * passed straight in.
 */

export interface PicsLearner {
  /** The Learner Ident: names the learner in every message and audit record. */
  learnerIdent: string;
  lrn?: string | null;
  firstName?: string | null;
  surname?: string | null;
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
}

export interface PicsOfficer {
  ref: string;
  firstName?: string | null;
  surname?: string | null;
  email?: string | null;
  phone?: string | null;
  mobile?: string | null;
  /** The Smart Assessor assessor id; blank until linked or created. */
  additionalId?: string | null;
}

export interface PicsOrganisation {
  ref: string;
  name?: string | null;
  phone?: string | null;
  edrsNumber?: string | null;
  address1?: string | null;
  address2?: string | null;
  address3?: string | null;
  address4?: string | null;
  postcode?: string | null;
  website?: string | null;
  employerSize?: string | null;
  /** The Smart Assessor employer id; blank until linked or created. */
  additionalId?: string | null;
}

/** How a record is named in problems and sync events, e.g. "learner L000123". */
export const learnerRecord = (learnerIdent: string): string => `learner ${learnerIdent}`;
export const officerRecord = (ref: string): string => `officer ${ref}`;
export const organisationRecord = (ref: string): string => `organisation ${ref}`;
export const aimRecord = (aimRef: string): string => `aim ${aimRef}`;
export const reviewRecord = (reviewIdent: string): string => `review ${reviewIdent}`;
