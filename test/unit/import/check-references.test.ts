import { expect } from 'chai';
import { checkReferences } from '../../../src/import/check-references.js';
import { emptyKnowledge, sessionKey, type DatabaseKnowledge } from '../../../src/import/database-knowledge.js';
import type { Problems } from '../../../src/import/problems.js';

function problemsOf(document: Record<string, unknown>, known: DatabaseKnowledge = emptyKnowledge()): Problems {
  const problems: Problems = {};
  checkReferences(document, known, problems);
  return problems;
}

const aim = (aimRef: string, extra: Record<string, unknown> = {}) => ({
  aimRef,
  reference: 'ST1',
  startDate: '2026-01-05',
  plannedEndDate: '2027-01-05',
  completionStatus: 1,
  ...extra,
});

const base = () => ({
  reviewTypes: [{ code: 'PR', name: 'Progress Review' }],
  qualifications: [{ reference: 'ST1', title: 'Standard' }],
  organisations: [{ ref: 'ORG1', name: 'Acme' }],
  officers: [{ ref: 'OFF1', firstName: 'Sam', surname: 'Patel', email: 's@p.example' }],
});

describe('import reference checks', () => {
  it('passes records that refer to each other within the document', () => {
    expect(
      problemsOf({
        ...base(),
        learners: [
          {
            learnerIdent: 'L1',
            placementOrganisationRef: 'ORG1',
            mainOfficerRef: 'OFF1',
            officerRoles: [{ role: 'IQA', officerRef: 'OFF1' }],
            qualifications: [
              aim('A1', { completionStatus: 6, actualEndDate: '2026-06-30' }),
              aim('A2', { startDate: '2026-09-01', plannedEndDate: '2027-09-01', restartOf: 'A1' }),
            ],
            reviews: [{ reviewIdent: 'R1', reviewType: 'PR', officerRef: 'OFF1', smartAssessorSystemId: '77' }],
            breaksInLearning: [{ lastDayInLearning: '2026-06-30', returnDate: '2026-09-01' }],
          },
        ],
        settings: { reviewTypeMappings: { FormalReview: 'PR', Induction: null } },
      }),
    ).to.deep.equal({});
  });

  it('passes references to records the database already holds', () => {
    const known = emptyKnowledge();
    known.organisationIds.set('ORG9', 9);
    known.officerIds.set('OFF9', 9);
    known.qualificationIds.set('ST9', 9);
    known.reviewTypeIds.set('IND', 9);
    known.aimOwners.set('OLD-1', 'L1');
    expect(
      problemsOf(
        {
          learners: [
            {
              learnerIdent: 'L1',
              placementOrganisationRef: 'ORG9',
              mainOfficerRef: 'OFF9',
              qualifications: [aim('A2', { reference: 'ST9', restartOf: 'OLD-1' })],
              reviews: [{ reviewIdent: 'R1', reviewType: 'IND' }],
            },
          ],
          settings: { reviewTypeMappings: { Induction: 'IND' } },
        },
        known,
      ),
    ).to.deep.equal({});
  });

  it('names every reference to a record neither the document nor the database has', () => {
    expect(
      problemsOf({
        ...base(),
        learners: [
          {
            learnerIdent: 'L1',
            placementOrganisationRef: 'ORG99',
            mainOfficerRef: 'OFF99',
            officerRoles: [{ role: 'IQA', officerRef: 'OFF98' }],
            qualifications: [aim('A1', { reference: 'ST99' })],
            reviews: [{ reviewIdent: 'R1', reviewType: 'XX', officerRef: 'OFF97' }],
          },
        ],
        settings: { reviewTypeMappings: { ExitSession: 'EXIT' } },
      }),
    ).to.deep.equal({
      'learners[0].placementOrganisationRef': 'no organisation "ORG99" in the document or the database',
      'learners[0].mainOfficerRef': 'no officer "OFF99" in the document or the database',
      'learners[0].officerRoles[0].officerRef': 'no officer "OFF98" in the document or the database',
      'learners[0].qualifications[0].reference': 'no qualification "ST99" in the document or the database',
      'learners[0].reviews[0].reviewType': 'no review type "XX" in the document or the database',
      'learners[0].reviews[0].officerRef': 'no officer "OFF97" in the document or the database',
      'settings.reviewTypeMappings.ExitSession': 'no review type "EXIT" in the document or the database',
    });
  });

  it('refuses duplicate keys in every section and across learners', () => {
    const twice = <T>(item: T) => [item, item];
    expect(
      problemsOf({
        reviewTypes: twice({ code: 'PR', name: 'x' }),
        qualifications: twice({ reference: 'ST1', title: 'x' }),
        organisations: twice({ ref: 'ORG1', name: 'x' }),
        officers: twice({ ref: 'OFF1', firstName: 'a', surname: 'b', email: 'c' }),
        learners: [
          { learnerIdent: 'L1', qualifications: [aim('A1')], reviews: [{ reviewIdent: 'R1', reviewType: 'PR' }] },
          {
            learnerIdent: 'L1',
            officerRoles: twice({ role: 'IQA', officerRef: 'OFF1' }),
            qualifications: [aim('A1')],
            reviews: [{ reviewIdent: 'R1', reviewType: 'PR' }],
            breaksInLearning: twice({ lastDayInLearning: '2026-06-30' }),
          },
        ],
      }),
    ).to.deep.equal({
      'reviewTypes[1].code': 'duplicate: "PR" is also the code of reviewTypes[0]',
      'qualifications[1].reference': 'duplicate: "ST1" is also the reference of qualifications[0]',
      'organisations[1].ref': 'duplicate: "ORG1" is also the ref of organisations[0]',
      'officers[1].ref': 'duplicate: "OFF1" is also the ref of officers[0]',
      'learners[1].learnerIdent': 'duplicate: "L1" is also the learnerIdent of learners[0]',
      'learners[1].qualifications[0].aimRef': 'duplicate: "A1" is also the aimRef of learners[0].qualifications[0]',
      'learners[1].reviews[0].reviewIdent': 'duplicate: "R1" is also the reviewIdent of learners[0].reviews[0]',
      'learners[1].officerRoles[1].role': 'duplicate: the role "IQA" is already given by learners[1].officerRoles[0]',
      'learners[1].breaksInLearning[1].lastDayInLearning': 'duplicate: a break with lastDayInLearning 2026-06-30 is already at learners[1].breaksInLearning[0]',
    });
  });

  it('refuses an aim that ends before it starts and a break whose return is not after its last day', () => {
    expect(
      problemsOf({
        ...base(),
        learners: [
          {
            learnerIdent: 'L1',
            qualifications: [aim('A1', { plannedEndDate: '2026-01-04', actualEndDate: '2025-12-31' })],
            breaksInLearning: [
              { lastDayInLearning: '2026-06-30', returnDate: '2026-06-30' },
              { lastDayInLearning: '2026-08-30', returnDate: '2026-08-01' },
              { lastDayInLearning: '2026-10-30', returnDate: null },
            ],
          },
        ],
      }),
    ).to.deep.equal({
      'learners[0].qualifications[0].plannedEndDate': 'must not be before startDate (2026-01-05)',
      'learners[0].qualifications[0].actualEndDate': 'must not be before startDate (2026-01-05)',
      'learners[0].breaksInLearning[0].returnDate': 'must be after lastDayInLearning (2026-06-30)',
      'learners[0].breaksInLearning[1].returnDate': 'must be after lastDayInLearning (2026-08-30)',
    });
  });

  it("refuses a restart of an unknown aim, of itself, or of another learner's aim", () => {
    const known = emptyKnowledge();
    known.aimOwners.set('THEIRS-DB', 'L9');
    expect(
      problemsOf(
        {
          ...base(),
          learners: [
            {
              learnerIdent: 'L1',
              qualifications: [aim('A1', { restartOf: 'NOPE' }), aim('A2', { restartOf: 'A2' }), aim('A3', { restartOf: 'B1' }), aim('A4', { restartOf: 'THEIRS-DB' })],
            },
            { learnerIdent: 'L2', qualifications: [aim('B1')] },
          ],
        },
        known,
      ),
    ).to.deep.equal({
      'learners[0].qualifications[0].restartOf': 'no aim "NOPE" of this learner in the document or the database',
      'learners[0].qualifications[1].restartOf': 'an aim cannot restart itself',
      'learners[0].qualifications[2].restartOf': 'aim "B1" belongs to learner "L2", not to this learner',
      'learners[0].qualifications[3].restartOf': 'aim "THEIRS-DB" belongs to learner "L9", not to this learner',
    });
  });

  it('refuses an aim or review key that the database gives to another learner', () => {
    const known = emptyKnowledge();
    known.aimOwners.set('A1', 'L2');
    known.reviewOwners.set('R1', 'L2');
    known.aimOwners.set('A2', 'L1');
    expect(
      problemsOf(
        {
          ...base(),
          learners: [{ learnerIdent: 'L1', qualifications: [aim('A1'), aim('A2')], reviews: [{ reviewIdent: 'R1', reviewType: 'PR' }] }],
        },
        known,
      ),
    ).to.deep.equal({
      'learners[0].qualifications[0].aimRef': 'aim "A1" belongs to learner "L2" in the database',
      'learners[0].reviews[0].reviewIdent': 'review "R1" belongs to learner "L2" in the database',
    });
  });

  it('keeps each Smart Assessor id on one record, in the document and against the database', () => {
    const known = emptyKnowledge();
    known.organisationAdditionalIds.set('301', 'ORG-OTHER');
    known.officerAdditionalIds.set('88', 'OFF1');
    known.learnerSmartAssessorIds.set('5512', 'L-OTHER');
    known.reviewSessions.set(sessionKey('L1', '900'), 'R-OLD');
    expect(
      problemsOf(
        {
          ...base(),
          organisations: [
            { ref: 'ORG1', name: 'a', additionalId: '301' },
            { ref: 'ORG2', name: 'b', additionalId: '302' },
            { ref: 'ORG3', name: 'c', additionalId: '302' },
          ],
          officers: [{ ref: 'OFF1', firstName: 'a', surname: 'b', email: 'c', additionalId: '88' }],
          learners: [
            {
              learnerIdent: 'L1',
              smartAssessorId: '5512',
              reviews: [
                { reviewIdent: 'R1', reviewType: 'PR', smartAssessorSystemId: '900' },
                { reviewIdent: 'R2', reviewType: 'PR', smartAssessorSystemId: '901' },
                { reviewIdent: 'R3', reviewType: 'PR', smartAssessorSystemId: '901' },
              ],
            },
            { learnerIdent: 'L2', smartAssessorId: '77' },
            { learnerIdent: 'L3', smartAssessorId: '77' },
          ],
        },
        known,
      ),
    ).to.deep.equal({
      'organisations[0].additionalId': '"301" is already the Additional ID of organisation "ORG-OTHER" in the database',
      'organisations[2].additionalId': 'duplicate: "302" is also the Additional ID of organisations[1]',
      'learners[0].smartAssessorId': '"5512" is already the Smart Assessor ID of learner "L-OTHER" in the database',
      'learners[2].smartAssessorId': 'duplicate: "77" is also the Smart Assessor ID of learners[1]',
      'learners[0].reviews[0].smartAssessorSystemId': '"900" is already the Smart Assessor System ID of this learner\'s review "R-OLD"',
      'learners[0].reviews[2].smartAssessorSystemId': 'duplicate: "901" is also the Smart Assessor System ID of learners[0].reviews[1]',
    });
  });
});
