import { expect } from 'chai';
import { BreakInLearning, Learner, LearningAim, Officer, Organisation, Review } from '../../../entities/index.js';
import {
  employerMoveDecision,
  isEligible,
  learnerStatusFromIlr,
  planCourseStatuses,
  planLearnerDemographics,
  planOfficerDemographics,
  planOrganisationDemographics,
  planOtjHours,
  planQualificationProgress,
  planReviews,
  validateEnrolment,
} from '../../../src/sync/index.js';

/** The workers pass TypeORM entities straight in; these tests compile only while the rules' inputs accept them. */
const organisation = Object.assign(new Organisation(), { id: 7, ref: 'ORG7', name: 'Acme Ltd', postcode: 'LS1 4AP', additionalId: null });
const officer = Object.assign(new Officer(), { id: 2, ref: 'OFF2', firstName: 'Sam', surname: 'Patel', email: 'sam.patel@provider.example', additionalId: '88' });
const aim = Object.assign(new LearningAim(), {
  id: 11,
  aimRef: 'L000123-1',
  startDate: '2026-01-05',
  plannedEndDate: '2027-07-05',
  actualEndDate: null,
  completionStatus: 1 as const,
  outcome: null,
  elementsTotal: 100,
  elementsDone: 30,
  saLearnerCourseId: '9001',
  restartOfId: null,
});
const learner = Object.assign(new Learner(), {
  id: 1,
  learnerIdent: 'L000123',
  lrn: 'LRN123',
  firstName: 'Amira',
  surname: 'Khan',
  dateOfBirth: '2004-03-09',
  gender: 'Female' as const,
  uln: '9276308686',
  email: 'amira@example.org',
  address1: null,
  address2: null,
  address3: null,
  address4: null,
  postcode: 'LS1 4AP',
  niNumber: 'AB123456C',
  phone: null,
  mobile: null,
  systemStatus: 'Live' as const,
  smartAssessorId: '5512',
  plannedOtjHours: 278,
  actualOtjHours: 40,
  riskBand: null,
  placementOrganisation: organisation,
  mainOfficer: officer,
  aims: [aim],
  breaksInLearning: [Object.assign(new BreakInLearning(), { lastDayInLearning: '2026-03-01', returnDate: '2026-04-01' })],
});

describe('sync rules: entities as inputs', () => {
  it('validates an enrolment from the learner entity and its relations', () => {
    expect(
      validateEnrolment({ learner, placementOrganisation: learner.placementOrganisation, mainOfficer: learner.mainOfficer, aims: learner.aims }, { today: '2026-07-01' }),
    ).to.deep.equal([]);
  });

  it('plans demographics from the learner, officer and organisation entities', () => {
    expect(planLearnerDemographics(learner, { firstName: 'Amina' }, { learnerDemographicsMode: 'Push', updateLearnerGender: false }).saPatch).to.deep.equal({
      firstName: 'Amira',
      surname: 'Khan',
      dateOfBirth: '2004-03-09',
      email: 'amira@example.org',
      postcode: 'LS1 4AP',
      niNumber: 'AB123456C',
      uln: '9276308686',
    });
    expect(planOfficerDemographics(officer, { email: 'sam@provider.example' }, { officerDemographicsMode: 'Pull' }).misUpdates).to.deep.equal({
      email: 'sam@provider.example',
    });
    expect(planOrganisationDemographics(organisation, { name: 'Acme' }, { organisationDemographicsMode: 'Pull' }).misUpdates).to.deep.equal({ name: 'Acme' });
  });

  it('judges eligibility and learner status from the entity', () => {
    expect(isEligible({ ...learner, aims: learner.aims ?? [] }, '2026-07-01')).to.equal(true);
    expect(learnerStatusFromIlr({ aims: learner.aims ?? [], breaks: learner.breaksInLearning ?? [] }).status).to.equal('Active');
  });

  it('plans progress, status and OTJ from aim entities', () => {
    const progress = { elementsTotal: 100, elementsDone: 31, assessedPercent: 0, mappedPercent: 0, timelinePercent: 0 };
    expect(planQualificationProgress([aim], [{ id: '9001', progress }]).updates[0].aim).to.equal(aim);
    const saCourse = { id: '9001', status: 'Completed' as const, actualEndDate: null, completionStatus: 1 as const, outcome: null };
    expect(planCourseStatuses([aim], [saCourse]).courseUpdates[0].patch).to.deep.equal({ status: 'InTraining' });
    expect(planOtjHours(learner, { actualHours: 41 }).misUpdates).to.deep.equal({ actualOtjHours: 41 });
  });

  it('plans reviews from review and officer entities', () => {
    const review = Object.assign(new Review(), {
      reviewIdent: 'R000010',
      smartAssessorSystemId: '77123',
      plannedDate: '2026-07-01',
      actualDate: null,
      officerId: null,
      attendedStatus: 'Unknown' as const,
      notes: null,
    });
    const plan = planReviews({
      sessions: [{ id: '77123', sessionType: 'FormalReview', startTime: '2026-07-01T09:00:00Z', assessorId: '88', status: null, comments: null }],
      reviews: [review],
      reviewTypeMappings: { FormalReview: 'PR' },
      officers: [officer],
      newReviewIdent: () => 'R000099',
    });
    expect(plan.updates).to.deep.equal([{ review, set: { officerId: 2 } }]);
  });

  it('decides an employer move from the organisation entity', () => {
    expect(employerMoveDecision({ pushChangesToLearnerEmployer: true, placementOrganisation: organisation, saLearnerEmployerId: '301' })).to.deep.equal({
      action: 'create-and-link',
      organisation,
    });
  });
});
