import { learnerRecord, officerRecord, organisationRecord } from '../sync/index.js';
import type { OnboardingKind } from './match-rules.js';

/**
 * Accepting proposals (SPEC.md §6): which of the proposals an admin accepts are linked,
 * and why each other one is not, decided from the records as they are now. A proposal is
 * linked once; a record linked meanwhile (by another proposal, an admin's edit or an
 * enrolment) is left as it is, and so is a Smart Assessor record another MIS record took.
 * Pure: the caller reads the state under lock and writes what this decides.
 */

export interface AcceptCandidate {
  proposalId: string;
  kind: OnboardingKind;
  misRef: string;
  smartAssessorId: string;
  /** This proposal was accepted before. */
  linked: boolean;
  /** The Smart Assessor id the MIS record holds now; blank when it is still unlinked. */
  misHeldId: string | null;
  /** The MIS record that holds `smartAssessorId` now (e.g. "learner L000124"), if any. */
  smartAssessorHolder: string | null;
}

export interface SkippedProposal {
  proposalId: string;
  reason: string;
}

export interface AcceptPlan {
  /** In the order asked. */
  link: AcceptCandidate[];
  skipped: SkippedProposal[];
}

const SMART_ASSESSOR_NOUN: Record<OnboardingKind, string> = { learner: 'learner', organisation: 'employer', officer: 'assessor' };
const HELD_ID_LABEL: Record<OnboardingKind, string> = { learner: 'Smart Assessor ID', organisation: 'Additional ID', officer: 'Additional ID' };

/** How the MIS record of a proposal is named, e.g. "organisation ORG7". */
export function misRecordName(kind: OnboardingKind, ref: string): string {
  return kind === 'learner' ? learnerRecord(ref) : kind === 'organisation' ? organisationRecord(ref) : officerRecord(ref);
}

/** e.g. "Smart Assessor employer emp-12". */
export function smartAssessorRecordName(kind: OnboardingKind, id: string): string {
  return `Smart Assessor ${SMART_ASSESSOR_NOUN[kind]} ${id}`;
}

/** The column a link writes on the MIS record. */
export function heldIdLabel(kind: OnboardingKind): string {
  return HELD_ID_LABEL[kind];
}

export function planAccept(candidates: readonly AcceptCandidate[]): AcceptPlan {
  const link: AcceptCandidate[] = [];
  const skipped: SkippedProposal[] = [];
  // What this accept links, per kind: an MIS record gets one Smart Assessor record and a Smart Assessor record one MIS record.
  const takenMis = new Map<string, string>();
  const takenSa = new Map<string, string>();
  for (const candidate of candidates) {
    const reason = whyNot(candidate, takenMis, takenSa);
    if (reason) {
      skipped.push({ proposalId: candidate.proposalId, reason });
      continue;
    }
    link.push(candidate);
    takenMis.set(`${candidate.kind}/${candidate.misRef}`, candidate.proposalId);
    takenSa.set(`${candidate.kind}/${candidate.smartAssessorId}`, candidate.proposalId);
  }
  return { link, skipped };
}

function whyNot(candidate: AcceptCandidate, takenMis: ReadonlyMap<string, string>, takenSa: ReadonlyMap<string, string>): string | null {
  const { kind, misRef, smartAssessorId, misHeldId } = candidate;
  const mis = misRecordName(kind, misRef);
  const sa = smartAssessorRecordName(kind, smartAssessorId);
  if (candidate.linked) return `already linked: this proposal was accepted before`;
  if (misHeldId === smartAssessorId) return `${mis} is already linked to ${sa}`;
  if (misHeldId !== null) return `${mis} was linked meanwhile: its ${heldIdLabel(kind)} is ${misHeldId}`;
  if (candidate.smartAssessorHolder !== null) return `${sa} is already linked to ${candidate.smartAssessorHolder}`;
  const sameMis = takenMis.get(`${kind}/${misRef}`);
  if (sameMis !== undefined) return `${mis} is linked by proposal ${sameMis} of this same request`;
  const sameSa = takenSa.get(`${kind}/${smartAssessorId}`);
  if (sameSa !== undefined) return `${sa} is linked by proposal ${sameSa} of this same request`;
  return null;
}
