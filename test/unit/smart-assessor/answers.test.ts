import { expect } from 'chai';
import { LearnerAnswer, LearnerCourseListAnswer, readAnswer, SessionPageAnswer, TokenAnswer } from '../../../src/smart-assessor/answers.js';
import { SmartAssessorError } from '../../../src/smart-assessor/smart-assessor-error.js';

const learner = () => ({
  id: 'lrn-1',
  misReference: 'L0001',
  firstName: 'Amira',
  surname: 'Khan',
  dateOfBirth: '2004-05-06',
  email: 'amira.khan@example.com',
  employerId: 'emp-1',
  assessorId: 'asr-1',
  status: 'Active',
  smartCoach: null,
  updatedAt: '2025-01-06T10:00:00.000Z',
});

const learnerCourse = () => ({
  id: 'lc-1',
  courseId: 'crs-1',
  misReference: '17',
  qanCode: 'ST0118',
  title: 'Business Administrator',
  startDate: '2024-09-01',
  plannedEndDate: '2026-03-01',
  actualEndDate: null,
  status: 'InTraining',
  completionStatus: null,
  outcome: null,
  primaryAssessorId: 'asr-1',
  secondaryAssessorId: null,
  progress: { elementsTotal: 60, elementsDone: 12, assessedPercent: 20, mappedPercent: 30, timelinePercent: 40 },
  updatedAt: '2025-01-06T10:00:00+00:00',
});

function failure(run: () => unknown): SmartAssessorError {
  try {
    run();
  } catch (error) {
    if (error instanceof SmartAssessorError) return error;
    throw error;
  }
  throw new Error('expected a SmartAssessorError');
}

describe('Smart Assessor answers checked against the contract', () => {
  it('hands back an answer that matches, extra properties and all', () => {
    const body = { ...learner(), somethingNew: true, smartCoach: { riskScore: 0.4, riskBand: 'Medium', scoredAt: '2025-01-06T10:00:00Z' } };
    expect(readAnswer('getLearner', LearnerAnswer, body)).to.equal(body);
  });

  it('names the operation and the property of a missing required value', () => {
    const { email: _email, ...body } = learner();
    const error = failure(() => readAnswer('getLearner', LearnerAnswer, body));
    expect(error.kind).to.equal('permanent');
    expect(error.details.operation).to.equal('getLearner');
    expect(error.message).to.contain('getLearner').and.to.contain('email');
    expect(error.details.fields).to.have.property('email');
  });

  it('names a nested property by its path', () => {
    const course = learnerCourse();
    const body = { items: [course, { ...course, id: 'lc-2', progress: { ...course.progress, elementsDone: 'twelve' } }] };
    const error = failure(() => readAnswer('listLearnerCourses', LearnerCourseListAnswer, body));
    expect(error.details.fields).to.have.property('items.1.progress.elementsDone');
  });

  it('tells a required-but-nullable property that is null from one that is absent', () => {
    expect(() => readAnswer('listLearnerCourses', LearnerCourseListAnswer, { items: [learnerCourse()] })).not.to.throw();
    const { actualEndDate: _gone, ...withoutEndDate } = learnerCourse();
    const error = failure(() => readAnswer('listLearnerCourses', LearnerCourseListAnswer, { items: [withoutEndDate] }));
    expect(error.details.fields).to.have.property('items.0.actualEndDate');
  });

  it('refuses values outside the contract enums and formats', () => {
    expect(failure(() => readAnswer('getLearner', LearnerAnswer, { ...learner(), status: 'Paused' })).details.fields).to.have.property('status');
    expect(failure(() => readAnswer('getLearner', LearnerAnswer, { ...learner(), dateOfBirth: '06/05/2004' })).details.fields).to.have.property('dateOfBirth');
    expect(failure(() => readAnswer('getLearner', LearnerAnswer, { ...learner(), dateOfBirth: '2004-02-30' })).details.fields).to.have.property('dateOfBirth');
    expect(failure(() => readAnswer('getLearner', LearnerAnswer, { ...learner(), updatedAt: 'yesterday' })).details.fields).to.have.property('updatedAt');
    expect(
      failure(() => readAnswer('getLearner', LearnerAnswer, { ...learner(), smartCoach: { riskScore: 2, riskBand: 'Severe', scoredAt: '2025-01-06T10:00:00Z' } })).details.fields,
    ).to.include.keys('smartCoach.riskScore', 'smartCoach.riskBand');
    expect(failure(() => readAnswer('createToken', TokenAnswer, { accessToken: 'x', tokenType: 'Basic', expiresIn: 60 })).details.fields).to.have.property('tokenType');
  });

  it('checks every item of a page and the page numbers', () => {
    const error = failure(() => readAnswer('listLearnerSessions', SessionPageAnswer, { items: [{ id: 's1' }], page: 0, pageSize: 100, totalItems: 1 }));
    expect(error.details.fields).to.include.keys('page', 'items.0.sessionType', 'items.0.startTime', 'items.0.status');
  });

  it('never quotes the values it refuses (they may be personal data)', () => {
    const error = failure(() => readAnswer('getLearner', LearnerAnswer, { ...learner(), surname: 42, email: ['amira.khan@example.com'] }));
    expect(error.message).not.to.contain('amira');
    expect(error.message).to.contain('surname').and.to.contain('(got number)');
  });

  it('refuses a body that is not an object', () => {
    expect(failure(() => readAnswer('getSite', LearnerAnswer, [learner()])).message).to.contain('must be a JSON object');
    expect(failure(() => readAnswer('getSite', LearnerAnswer, null)).message).to.contain('must be a JSON object');
  });
});
