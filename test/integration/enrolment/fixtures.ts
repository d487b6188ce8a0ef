import { ulnCheckDigit } from '../../../tools/demo/identifiers.js';
import type { ImportDocument, ImportLearner, ImportOfficer, ImportOrganisation } from '../../../src/import/import-document.js';

/** In the simulator's catalogue (as ST0457 and 60330165); ZPROG001 is not. */
export const ENGINEERING = { reference: 'ST0457', title: 'Engineering Technician (Level 3)' };
export const MATHS = { reference: '603/3016/5', title: 'Functional Skills Qualification in Mathematics at Level 2' };
export const PROGRAMME = { reference: 'ZPROG001', title: 'Apprenticeship programme aim' };

export const SECOND_ASSESSOR_ROLE = 'Second Assessor';

/** A valid ULN (10 digits, mod-11 check digit), distinct for each `n`. */
export function uln(n: number): string {
  for (let body = 100_000_000 + n * 7; ; body += 1) {
    const check = ulnCheckDigit(String(body));
    if (check !== undefined) return `${body}${check}`;
  }
}

export function organisation(ref: string, extra: Partial<ImportOrganisation> = {}): ImportOrganisation {
  return {
    ref,
    name: `${ref} Engineering Ltd`,
    phone: '0113 496 0000',
    edrsNumber: `1${ref.replace(/\D/g, '').padStart(8, '0')}`,
    address1: 'Unit 4',
    address2: 'Mill Lane',
    address3: null,
    address4: 'Leeds',
    postcode: 'LS1 4AP',
    website: 'https://acme.example',
    employerSize: '50-249',
    additionalId: null,
    ...extra,
  };
}

export function officer(ref: string, firstName: string, surname: string, extra: Partial<ImportOfficer> = {}): ImportOfficer {
  return {
    ref,
    firstName,
    surname,
    email: `${firstName}.${surname}@provider.example`.toLowerCase(),
    phone: '0113 496 0100',
    mobile: null,
    additionalId: null,
    ...extra,
  };
}

/** A learner with valid data, placed at ORG7 under OFF2, on Engineering (supported) and the programme aim (not). */
export function learner(n: number, extra: Partial<ImportLearner> = {}): ImportLearner {
  const ident = `L${String(n).padStart(6, '0')}`;
  return {
    learnerIdent: ident,
    lrn: `LRN${n}`,
    firstName: 'Amira',
    surname: `Khan${n}`,
    dateOfBirth: '2004-03-09',
    gender: 'Female',
    uln: uln(n),
    email: `amira.khan${n}@example.org`,
    address1: '1 High St',
    address2: null,
    address3: null,
    address4: 'Leeds',
    postcode: 'LS1 4AP',
    niNumber: 'AB123456C',
    phone: null,
    mobile: '07700 900123',
    systemStatus: 'Live',
    placementOrganisationRef: 'ORG7',
    mainOfficerRef: 'OFF2',
    officerRoles: [],
    plannedOtjHours: 278,
    smartAssessorId: null,
    qualifications: [
      { aimRef: `${ident}-1`, reference: ENGINEERING.reference, startDate: '2026-01-05', plannedEndDate: '2027-07-05', completionStatus: 1 },
      { aimRef: `${ident}-2`, reference: PROGRAMME.reference, startDate: '2026-01-05', plannedEndDate: '2027-07-05', completionStatus: 1 },
    ],
    ...extra,
  };
}

/** The catalogue, ORG7 (not yet in Smart Assessor), OFF2 (Main Officer) and OFF9 (second assessor), and the learners given. */
export function provider(learners: ImportLearner[], extra: Partial<ImportDocument> = {}): ImportDocument {
  return {
    qualifications: [ENGINEERING, MATHS, PROGRAMME],
    organisations: [organisation('ORG7')],
    officers: [officer('OFF2', 'Sam', 'Patel'), officer('OFF9', 'Ria', 'Quinn')],
    learners,
    ...extra,
  };
}
