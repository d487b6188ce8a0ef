import type { ImportDocument, ImportLearner, ImportLearningAim } from '../../../src/import/import-document.js';
import type { SeedDocument, SeedLearner } from '../../../tools/simulator/seed.js';
import { ENGINEERING, learner, MATHS, officer, organisation, PROGRAMME, uln } from '../enrolment/fixtures.js';

/**
 * A provider switching the integration on: the MIS, and what its staff already made by
 * hand in Smart Assessor (no misReference) or an earlier integration made (with one).
 * Each record is there for one thing the match must get right:
 *
 * learners
 *   L000001  Smart Assessor has it with misReference L000001           → misReference, unique
 *   L000002  same ULN, name typed differently                           → uln, unique
 *   L000003  the MIS has a ULN typo; name and date of birth agree       → name-dob, unique
 *   L000004  Smart Assessor has a ULN typo; name and date of birth agree → name-dob, unique
 *   L000005  Smart Assessor has two learners with its name and birth    → name-dob, 2 candidates
 *   L000006  shares its name and birth with L000007; Smart Assessor has one such learner
 *   L000007    → both name-dob, neither unique
 *   L000008  already linked (Smart Assessor ID lrn-linked)               → nothing
 *   L000009  its ULN is lrn-linked's, which L000008 holds                → unmatched
 *   L000010, L000011  not in Smart Assessor                              → unmatched
 *   L000012  not in Smart Assessor, and its NI number is invalid         → unmatched; its enrolment fails
 *   L000013  archived; L000014 ended                                     → unmatched, not "unenrolled"
 * organisations
 *   ORG1  EDRS number                       → edrs, unique
 *   ORG2  no EDRS number: name and postcode → name-postcode, unique
 *   ORG3  made by an earlier integration    → misReference, unique
 *   ORG4  not in Smart Assessor             → unmatched
 *   ORG5  linked to emp-linked; ORG6 has emp-linked's EDRS number → ORG6 unmatched
 * officers
 *   OFF1  email, in another case           → email, unique
 *   OFF2  not in Smart Assessor            → unmatched
 */

export const EXPECTED_LEARNER_PROPOSALS = [
  'L000001 → lrn-orig1 (misReference, unique)',
  'L000002 → lrn-h2 (uln, unique)',
  'L000003 → lrn-h3 (name-dob, unique)',
  'L000004 → lrn-h4 (name-dob, unique)',
  'L000005 → lrn-h5a (name-dob, 2 candidates)',
  'L000005 → lrn-h5b (name-dob, 2 candidates)',
  'L000006 → lrn-kim (name-dob, 1 candidate, claimed by another)',
  'L000007 → lrn-kim (name-dob, 1 candidate, claimed by another)',
];
export const EXPECTED_ORGANISATION_PROPOSALS = ['ORG3 → emp-orig3 (misReference, unique)', 'ORG1 → emp-h1 (edrs, unique)', 'ORG2 → emp-h2 (name-postcode, unique)'];
export const EXPECTED_OFFICER_PROPOSALS = ['OFF1 → asr-h1 (email, unique)'];
export const EXPECTED_UNMATCHED = { learners: 6, organisations: 2, officers: 1 };
/** What "accept every unique proposal" links. */
export const UNIQUE_LINKS = {
  learner: { L000001: 'lrn-orig1', L000002: 'lrn-h2', L000003: 'lrn-h3', L000004: 'lrn-h4' },
  organisation: { ORG1: 'emp-h1', ORG2: 'emp-h2', ORG3: 'emp-orig3' },
  officer: { OFF1: 'asr-h1' },
};
/** Live, in learning and unlinked once the unique proposals and L000005's choice are accepted. */
export const LEFT_TO_ENROL = ['L000006', 'L000007', 'L000009', 'L000010', 'L000011', 'L000012'];

/** One proposal in the words the expectations above use. */
export function describeProposal(proposal: { misRef: string; smartAssessorId: string; basis: string; unique: boolean; candidates: number }): string {
  const fit = proposal.unique ? 'unique' : proposal.candidates > 1 ? `${proposal.candidates} candidates` : '1 candidate, claimed by another';
  return `${proposal.misRef} → ${proposal.smartAssessorId} (${proposal.basis}, ${fit})`;
}

/** The same ULN with two neighbouring digits swapped (the last pair that differs): what a hand typing it often makes. */
export function ulnTypo(n: number): string {
  const digits = uln(n).split('');
  let at = digits.length - 1;
  while (digits[at] === digits[at - 1]) at -= 1;
  [digits[at - 1], digits[at]] = [digits[at]!, digits[at - 1]!];
  return digits.join('');
}

const TWIN_JO = { firstName: 'Jo', surname: 'Bloggs', dateOfBirth: '2002-02-02' };
const TWIN_KIM = { firstName: 'Kim', surname: 'Lee', dateOfBirth: '2001-01-01' };

function onboardingLearner(n: number, extra: Partial<ImportLearner> = {}): ImportLearner {
  return learner(n, { placementOrganisationRef: n % 2 === 0 ? 'ORG4' : 'ORG6', mainOfficerRef: 'OFF2', ...extra });
}

export function existingProviderDocument(): ImportDocument {
  const ended: ImportLearningAim = {
    aimRef: 'L000014-1',
    reference: ENGINEERING.reference,
    startDate: '2024-01-05',
    plannedEndDate: '2025-07-05',
    actualEndDate: '2025-07-01',
    completionStatus: 2,
    outcome: 1,
  };
  return {
    qualifications: [ENGINEERING, MATHS, PROGRAMME],
    organisations: [
      organisation('ORG1', { name: 'Acme Engineering Ltd', edrsNumber: '100000001', postcode: 'LS1 4AP' }),
      organisation('ORG2', { name: 'Bolt Fabrication', edrsNumber: null, postcode: 'M1 1AE' }),
      organisation('ORG3', { name: 'Crane Ltd', edrsNumber: '100000003' }),
      organisation('ORG4', { name: 'Dyer Ltd', edrsNumber: '100000004' }),
      organisation('ORG5', { name: 'Eddy Ltd', edrsNumber: '100000005', additionalId: 'emp-linked' }),
      organisation('ORG6', { name: 'Frame Ltd', edrsNumber: '100000006' }),
    ],
    officers: [officer('OFF1', 'Sam', 'Patel'), officer('OFF2', 'Ria', 'Quinn')],
    learners: [
      onboardingLearner(1),
      onboardingLearner(2, { uln: uln(2) }),
      onboardingLearner(3, { uln: ulnTypo(3) }),
      onboardingLearner(4, { uln: uln(4) }),
      onboardingLearner(5, { ...TWIN_JO, uln: null }),
      onboardingLearner(6, { ...TWIN_KIM, uln: null }),
      onboardingLearner(7, { ...TWIN_KIM, uln: null }),
      onboardingLearner(8, { smartAssessorId: 'lrn-linked', uln: uln(8) }),
      onboardingLearner(9, { uln: uln(9) }),
      onboardingLearner(10),
      onboardingLearner(11),
      onboardingLearner(12, { niNumber: 'QQ12345' }),
      onboardingLearner(13, { systemStatus: 'Archived' }),
      onboardingLearner(14, { qualifications: [ended] }),
    ],
  };
}

function handMadeLearner(id: string, fields: Partial<SeedLearner>): SeedLearner {
  return {
    id,
    misReference: null,
    firstName: 'Amira',
    surname: 'Someone',
    dateOfBirth: '2004-03-09',
    email: `${id}@example.org`,
    employerId: 'emp-other',
    assessorId: 'asr-other',
    ...fields,
  };
}

/** What Smart Assessor holds before the integration links anything. */
export function existingSmartAssessorRecords(): SeedDocument {
  const employer = (id: string, name: string, fields: { edrsNumber?: string | null; postcode?: string | null; misReference?: string | null } = {}) => ({
    id,
    name,
    misReference: null,
    edrsNumber: null,
    postcode: null,
    ...fields,
  });
  return {
    employers: [
      employer('emp-h1', 'ACME Engineering', { edrsNumber: '100000001', postcode: 'LS1 4AP' }),
      employer('emp-h2', 'bolt fabrication', { postcode: 'm11ae' }),
      employer('emp-orig3', 'Crane Limited', { misReference: 'ORG3', edrsNumber: '100000003' }),
      employer('emp-linked', 'Eddy Ltd', { edrsNumber: '100000006' }),
      employer('emp-other', 'Somebody Else Ltd', { edrsNumber: '999999999', postcode: 'YO1 7HH' }),
    ],
    assessors: [
      { id: 'asr-h1', misReference: null, firstName: 'Samuel', surname: 'Patel', email: 'Sam.Patel@Provider.Example' },
      { id: 'asr-other', misReference: null, firstName: 'Alex', surname: 'Other', email: 'alex.other@provider.example' },
    ],
    learners: [
      handMadeLearner('lrn-orig1', { misReference: 'L000001', surname: 'Khan1' }),
      handMadeLearner('lrn-h2', { surname: 'Kahn 2', uln: uln(2) }),
      handMadeLearner('lrn-h3', { surname: 'Khan3', uln: uln(3) }),
      handMadeLearner('lrn-h4', { surname: 'khan4', uln: ulnTypo(4) }),
      handMadeLearner('lrn-h5a', { ...TWIN_JO }),
      handMadeLearner('lrn-h5b', { ...TWIN_JO }),
      handMadeLearner('lrn-kim', { ...TWIN_KIM }),
      handMadeLearner('lrn-linked', { surname: 'Khan8', uln: uln(9) }),
      handMadeLearner('lrn-other', { firstName: 'Nobody', surname: 'Known', uln: uln(77) }),
    ],
  };
}
