import { expect } from 'chai';
import { checkStructure } from '../../../src/import/check-structure.js';
import type { Problems } from '../../../src/import/problems.js';

function problemsOf(document: unknown): Problems {
  const problems: Problems = {};
  checkStructure(document, problems);
  return problems;
}

function learner(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    learnerIdent: 'L000123',
    lrn: 'LRN123',
    firstName: 'Amira',
    surname: 'Khan',
    dateOfBirth: '2004-03-09',
    gender: 'Female',
    uln: '9276308686',
    email: 'amira@example.org',
    address1: '1 High St',
    address2: null,
    address3: null,
    address4: null,
    postcode: 'LS1 4AP',
    niNumber: 'AB123456C',
    phone: null,
    mobile: '07700900123',
    systemStatus: 'Live',
    placementOrganisationRef: 'ORG7',
    mainOfficerRef: 'OFF2',
    officerRoles: [{ role: 'IQA', officerRef: 'OFF9' }],
    plannedOtjHours: 278,
    smartAssessorId: null,
    qualifications: [
      { aimRef: 'L000123-1', reference: 'ST0123', startDate: '2026-01-05', plannedEndDate: '2027-07-05', actualEndDate: null, completionStatus: 1, outcome: null, restartOf: null },
    ],
    reviews: [{ reviewIdent: 'R1', reviewType: 'PR', plannedDate: '2026-03-01', actualDate: null, officerRef: 'OFF2', attendedStatus: 'Unknown', notes: null }],
    breaksInLearning: [{ lastDayInLearning: '2026-06-30', returnDate: null }],
    ...overrides,
  };
}

describe('import structure checks', () => {
  it('passes the document of admin-api.md, and one with only some sections', () => {
    expect(
      problemsOf({
        reviewTypes: [{ code: 'PR', name: 'Progress Review' }],
        qualifications: [{ reference: 'ST0123', title: 'Engineering Technician' }],
        organisations: [
          {
            ref: 'ORG7',
            name: 'Acme Ltd',
            phone: '0113 496 0000',
            edrsNumber: '123456789',
            address1: 'Unit 4',
            address2: 'Mill Lane',
            address3: null,
            address4: 'Leeds',
            postcode: 'LS1 4AP',
            website: 'https://acme.example',
            employerSize: '50-249',
            additionalId: null,
          },
        ],
        officers: [{ ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: 'sam.patel@provider.example', phone: null, mobile: null, additionalId: null }],
        learners: [learner()],
        settings: { learnerDemographicsMode: 'None' },
      }),
    ).to.deep.equal({});
    expect(problemsOf({ learners: [{ learnerIdent: 'L1', firstName: 'A', surname: 'B' }] })).to.deep.equal({});
    expect(problemsOf({})).to.deep.equal({});
  });

  it('does not judge the content of ULNs, NI numbers and postcodes, only their type and length', () => {
    expect(problemsOf({ learners: [learner({ uln: '1234567890', niNumber: 'QQ123', postcode: 'NOT A PC' })] })).to.deep.equal({});
    expect(problemsOf({ learners: [learner({ uln: 9276308686, niNumber: 'AB123456CD', postcode: 'LS1 4AP 123' })] })).to.deep.equal({
      'learners[0].uln': 'must be a string or null',
      'learners[0].niNumber': 'must be at most 9 characters',
      'learners[0].postcode': 'must be at most 10 characters',
    });
  });

  it('refuses a document that is not an object, unknown sections, sections that are not arrays and records that are not objects', () => {
    expect(problemsOf([])).to.have.keys('document');
    expect(problemsOf({ learner: [], organisations: {}, officers: ['OFF1'], settings: 'none' })).to.deep.equal({
      learner: 'is not a section of the import document (one of reviewTypes, qualifications, organisations, officers, learners, settings)',
      organisations: 'must be an array',
      'officers[0]': 'must be an object',
      settings: 'must be an object of settings',
    });
  });

  it('names missing, blank, mistyped and over-long fields by their path', () => {
    expect(
      problemsOf({
        reviewTypes: [{ code: 'TOO-LONG-FOR-A-REVIEW-TYPE-CODE-XX', name: '' }],
        qualifications: [{ reference: 'ST1' }],
        organisations: [{ ref: 'ORG1', name: 'Acme', edrsNumber: '1'.repeat(21), website: 5 }],
        officers: [{ ref: 'OFF1', firstName: 'Sam', surname: '   ', email: null }],
        learners: [learner({ firstName: 'x'.repeat(101), lrn: 'L'.repeat(21), learnerIdent: undefined, mobile: ['07700'] })],
      }),
    ).to.deep.equal({
      'reviewTypes[0].code': 'must be at most 32 characters',
      'reviewTypes[0].name': 'must not be blank',
      'qualifications[0].title': 'is required',
      'organisations[0].edrsNumber': 'must be at most 20 characters',
      'organisations[0].website': 'must be a string or null',
      'officers[0].surname': 'must not be blank',
      'officers[0].email': 'is required',
      'learners[0].learnerIdent': 'is required',
      'learners[0].lrn': 'must be at most 20 characters',
      'learners[0].firstName': 'must be at most 100 characters',
      'learners[0].mobile': 'must be a string or null',
    });
  });

  it('refuses dates that are not real YYYY-MM-DD days', () => {
    const problems = problemsOf({
      learners: [
        learner({
          dateOfBirth: '2004-02-30',
          qualifications: [
            { aimRef: 'A1', reference: 'ST1', startDate: '05/01/2026', plannedEndDate: '2027-13-01', actualEndDate: '2026-1-5', completionStatus: 1 },
            { aimRef: 'A2', reference: 'ST1', plannedEndDate: '2028-02-29', completionStatus: 1 },
          ],
          breaksInLearning: [{ lastDayInLearning: 20260630 }],
        }),
      ],
    });
    expect(problems).to.deep.equal({
      'learners[0].dateOfBirth': 'must be a real date YYYY-MM-DD',
      'learners[0].qualifications[0].startDate': 'must be a real date YYYY-MM-DD',
      'learners[0].qualifications[0].plannedEndDate': 'must be a real date YYYY-MM-DD',
      'learners[0].qualifications[0].actualEndDate': 'must be a real date YYYY-MM-DD',
      'learners[0].qualifications[1].startDate': 'is required (a date YYYY-MM-DD)',
      'learners[0].breaksInLearning[0].lastDayInLearning': 'must be a real date YYYY-MM-DD',
    });
  });

  it('refuses ILR codes and enumerations outside their lists', () => {
    const problems = problemsOf({
      learners: [
        learner({
          systemStatus: 'Active',
          gender: 'F',
          plannedOtjHours: 12.5,
          qualifications: [
            { aimRef: 'A1', reference: 'ST1', startDate: '2026-01-05', plannedEndDate: '2027-01-05', completionStatus: 4, outcome: 5 },
            { aimRef: 'A2', reference: 'ST1', startDate: '2026-01-05', plannedEndDate: '2027-01-05', completionStatus: '1' },
            { aimRef: 'A3', reference: 'ST1', startDate: '2026-01-05', plannedEndDate: '2027-01-05' },
          ],
          reviews: [{ reviewIdent: 'R1', reviewType: 'PR', attendedStatus: 'Maybe' }],
        }),
        learner({ learnerIdent: 'L2', systemStatus: null, plannedOtjHours: -1 }),
      ],
    });
    expect(problems).to.deep.equal({
      'learners[0].gender': 'must be one of Male, Female, Other, NotKnown or null',
      'learners[0].systemStatus': 'must be one of Live, Archived',
      'learners[0].plannedOtjHours': 'must be a whole number of hours or null',
      'learners[0].qualifications[0].completionStatus': 'must be one of 1, 2, 3, 6',
      'learners[0].qualifications[0].outcome': 'must be one of 1, 2, 3, 8 or null',
      'learners[0].qualifications[1].completionStatus': 'must be one of 1, 2, 3, 6',
      'learners[0].qualifications[2].completionStatus': 'is required (1, 2, 3, 6)',
      'learners[0].reviews[0].attendedStatus': 'must be one of Unknown, Attended, NotAttended, Cancelled',
      'learners[1].systemStatus': 'must be one of Live, Archived',
      'learners[1].plannedOtjHours': 'must not be negative',
    });
  });

  it('refuses unknown fields at every level, naming the kind of record', () => {
    const problems = problemsOf({
      organisations: [{ ref: 'O1', name: 'Acme', vatNumber: 'GB1' }],
      learners: [
        learner({
          actualOtjHours: 12,
          qualifications: [{ aimRef: 'A1', reference: 'ST1', startDate: '2026-01-05', plannedEndDate: '2027-01-05', completionStatus: 1, elementsDone: 3 }],
          breaksInLearning: [{ lastDayInLearning: '2026-06-30', reason: 'illness' }],
        }),
      ],
    });
    expect(problems).to.deep.equal({
      'organisations[0].vatNumber': '"vatNumber" is not a field of an organisation',
      'learners[0].actualOtjHours': '"actualOtjHours" is not a field of a learner',
      'learners[0].qualifications[0].elementsDone': '"elementsDone" is not a field of a learning aim',
      'learners[0].breaksInLearning[0].reason': '"reason" is not a field of a break in learning',
    });
  });

  it('reports a __proto__ key instead of letting it slip through', () => {
    const problems = problemsOf(JSON.parse('{"learners":[{"learnerIdent":"L1","firstName":"A","surname":"B","__proto__":{"x":1}}]}'));
    expect(Object.keys(problems)).to.deep.equal(['learners[0].__proto__']);
  });

  it('refuses nested lists that are not lists of objects', () => {
    expect(problemsOf({ learners: [learner({ officerRoles: null, reviews: {}, qualifications: ['ST1'] })] })).to.deep.equal({
      'learners[0].officerRoles': 'must be an array',
      'learners[0].reviews': 'must be an array',
      'learners[0].qualifications[0]': 'must be an object',
    });
  });

  it('checks settings under their own path', () => {
    expect(problemsOf({ settings: { dailySchedule: '2:00', reviewTypeMappings: { Coffee: 'PR' }, password: 3 } })).to.deep.equal({
      'settings.dailySchedule': 'must be a time HH:MM (24-hour)',
      'settings.password': 'must be a string or null',
      'settings.reviewTypeMappings.Coffee':
        'is not a Smart Assessor session type (one of General, Induction, FormalReview, Telephone, ExitSession, OutOfTheWorkplace, TestsExams, LearnerSupport, Initial, GatewayReady, EPA)',
    });
  });
});
