import type { ImportDocument, ImportLearner } from '../../../src/import/import-document.js';

/** The admin tests' clock: "today" is 2026-11-28 in the UK. */
export const FIXED_NOW = new Date('2026-11-28T12:00:00Z');

function learner(ident: string, firstName: string, surname: string, extra: Partial<ImportLearner>): ImportLearner {
  return {
    learnerIdent: ident,
    lrn: `LRN${ident.slice(1)}`,
    firstName,
    surname,
    dateOfBirth: '2004-03-09',
    gender: 'Female',
    uln: null,
    email: `${firstName.toLowerCase()}.${surname.toLowerCase()}@example.org`,
    postcode: 'LS1 4AP',
    systemStatus: 'Live',
    placementOrganisationRef: 'ORG7',
    mainOfficerRef: 'OFF2',
    plannedOtjHours: 278,
    smartAssessorId: null,
    qualifications: [],
    ...extra,
  };
}

function aim(aimRef: string, actualEndDate: string | null = null, completionStatus: 1 | 2 = 1) {
  return {
    aimRef,
    reference: 'ST0123',
    startDate: '2026-01-05',
    plannedEndDate: '2027-07-05',
    actualEndDate,
    completionStatus,
    outcome: completionStatus === 2 ? (1 as const) : null,
    restartOf: null,
  };
}

/**
 * A small provider: Amira (enrolled, in learning: eligible), Ben (not enrolled), Chloe
 * (enrolled, ended two months ago: not eligible), Dan (enrolled, ended ten days ago:
 * eligible) and Eve (enrolled, in learning, but Archived: not eligible).
 */
export function providerDocument(): ImportDocument {
  return {
    reviewTypes: [
      { code: 'PR', name: 'Progress Review' },
      { code: 'IND', name: 'Induction' },
    ],
    qualifications: [
      { reference: 'ST0123', title: 'Engineering Technician' },
      { reference: 'ST0385', title: 'Team Leader or Supervisor' },
    ],
    organisations: [
      { ref: 'ORG7', name: 'Acme Ltd', phone: '0113 496 0000', edrsNumber: '123456789', postcode: 'LS1 4AP', additionalId: null },
      { ref: 'ORG8', name: 'Brightside Care', edrsNumber: '987654321', additionalId: '301' },
    ],
    officers: [
      { ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: 'sam.patel@provider.example', additionalId: null },
      { ref: 'OFF9', firstName: 'Ria', surname: 'Quinn', email: 'ria.quinn@provider.example', additionalId: '88' },
    ],
    learners: [
      learner('L000123', 'Amira', 'Khan', {
        uln: '9276308686',
        smartAssessorId: '5512',
        officerRoles: [{ role: 'IQA', officerRef: 'OFF9' }],
        qualifications: [aim('L000123-1')],
        reviews: [
          {
            reviewIdent: 'R000045',
            reviewType: 'PR',
            plannedDate: '2026-10-01',
            actualDate: '2026-10-01',
            officerRef: 'OFF2',
            attendedStatus: 'Attended',
            notes: 'Good progress',
            smartAssessorSystemId: '77123',
          },
        ],
        breaksInLearning: [{ lastDayInLearning: '2026-06-30', returnDate: '2026-07-14' }],
      }),
      learner('L000124', 'Ben', 'Jones', { gender: 'Male', qualifications: [aim('L000124-1')] }),
      learner('L000125', 'Chloe', 'Smith', { smartAssessorId: '5513', qualifications: [aim('L000125-1', '2026-09-20', 2)] }),
      learner('L000126', 'Dan', 'Brown', { gender: 'Male', smartAssessorId: '5514', placementOrganisationRef: 'ORG8', qualifications: [aim('L000126-1', '2026-11-18', 2)] }),
      learner('L000127', 'Eve', 'Archer', { systemStatus: 'Archived', smartAssessorId: '5515', qualifications: [aim('L000127-1')] }),
    ],
  };
}
