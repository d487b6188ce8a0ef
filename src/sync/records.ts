import type { SyncSubject } from '../../entities/sync-event.js';
import type { AssessorFields, EmployerFields, LearnerDemographics } from '../smart-assessor/types.js';

/**
 * The MIS records as the rules see them: plain values only, every field optional and
 * nullable so that an entity from entities/ (or a hand-built object in a test) can be
 * passed straight in. The details compared with and sent to Smart Assessor carry the
 * contract's names (src/smart-assessor/types.ts), which the MIS columns share.
 */

/** A contract record's fields as the MIS may hold them: absent, null or blank. */
type HeldInMis<T> = { [K in keyof T]?: T[K] | null };

export type PicsLearner = HeldInMis<LearnerDemographics> & {
  /** The Learner Ident: names the learner in every message and audit record. */
  learnerIdent: string;
  lrn?: string | null;
};

export type PicsOfficer = HeldInMis<AssessorFields> & {
  ref: string;
  /** The Smart Assessor assessor id; blank until linked or created. */
  additionalId?: string | null;
};

/** The employer fields of SPEC.md §3. */
export type PicsOrganisation = HeldInMis<EmployerFields> & {
  ref: string;
  /** The Smart Assessor employer id; blank until linked or created. */
  additionalId?: string | null;
};

/** How a record is named in problems and sync events, e.g. "learner L000123". */
export const learnerRecord = (learnerIdent: string): string => `learner ${learnerIdent}`;
export const officerRecord = (ref: string): string => `officer ${ref}`;
export const organisationRecord = (ref: string): string => `organisation ${ref}`;
export const aimRecord = (aimRef: string): string => `aim ${aimRef}`;
export const reviewRecord = (reviewIdent: string): string => `review ${reviewIdent}`;

/** Whom a sync event is about: the learner (their history holds it), an officer or an organisation. */
export const learnerSubject = (learner: { id: number; learnerIdent: string }): SyncSubject => ({ type: 'learner', ref: learner.learnerIdent, learnerId: learner.id });
export const officerSubject = (officer: { ref: string }): SyncSubject => ({ type: 'officer', ref: officer.ref, learnerId: null });
export const organisationSubject = (organisation: { ref: string }): SyncSubject => ({ type: 'organisation', ref: organisation.ref, learnerId: null });
