import { expect } from 'chai';
import { loadContract, problemsToFields } from '../../../src/smart-assessor/contract.js';

describe('the Smart Assessor contract as checks', () => {
  const contract = loadContract();

  it('knows every operation of the file, with its method, path and answers', () => {
    expect([...contract.operations.keys()]).to.have.members([
      'createToken',
      'getSite',
      'listCourses',
      'listEmployers',
      'createEmployer',
      'getEmployer',
      'updateEmployer',
      'listAssessors',
      'createAssessor',
      'getAssessor',
      'updateAssessor',
      'listLearners',
      'createLearner',
      'getLearner',
      'updateLearner',
      'listLearnerCourses',
      'enrolLearnerOnCourse',
      'updateLearnerCourse',
      'listLearnerSessions',
      'getLearnerOtj',
      'setLearnerPlannedOtj',
    ]);
    const enrol = contract.operations.get('enrolLearnerOnCourse')!;
    expect(enrol).to.include({ method: 'POST', path: '/learners/{learnerId}/courses', successStatus: 201, requiresAuth: true });
    expect(contract.operations.get('createToken')!.requiresAuth).to.equal(false);
  });

  it('matches a request path to its operation and path parameters', () => {
    const found = contract.match('PATCH', '/learners/lrn-1/courses/lc%2F2');
    expect(found?.operation.operationId).to.equal('updateLearnerCourse');
    expect(found?.params).to.deep.equal({ learnerId: 'lrn-1', learnerCourseId: 'lc/2' });
    expect(contract.match('DELETE', '/learners/lrn-1')).to.equal(undefined);
    expect(contract.hasPath('/learners/lrn-1')).to.equal(true);
    expect(contract.match('GET', '/nowhere')).to.equal(undefined);
  });

  it('checks query parameters by their declared schemas, converting them', () => {
    const good = contract.checkQuery('listLearnerSessions', { page: '2', pageSize: '500', updatedSince: '2025-01-06T10:00:00Z' });
    expect(good.problems).to.deep.equal([]);
    expect(good.values).to.deep.equal({ page: 2, pageSize: 500, updatedSince: '2025-01-06T10:00:00Z' });
    const bad = contract.checkQuery('listEmployers', { pageSize: '501', page: '0', misRef: 'x', name: ['a', 'b'] });
    expect(problemsToFields(bad.problems)).to.include.keys('pageSize', 'page', 'misRef', 'name');
  });

  it('handles 3.1 nullable types and $refs in request bodies', () => {
    const base = { misReference: 'L1', firstName: 'A', surname: 'B', dateOfBirth: '2000-01-01', email: 'a@example.com', employerId: 'e', assessorId: 'a' };
    expect(contract.checkRequestBody('createLearner', { ...base, gender: null, uln: null, phone: null })).to.deep.equal([]);
    const fields = problemsToFields(contract.checkRequestBody('createLearner', { ...base, firstName: null, gender: 'Unknown', uln: '0123456789', dateOfBirth: '2000-02-30' }));
    expect(fields).to.include.keys('firstName', 'gender', 'uln', 'dateOfBirth');
    expect(
      problemsToFields(
        contract.checkRequestBody('enrolLearnerOnCourse', {
          courseId: 'c',
          misReference: 'm',
          startDate: '2025-01-01',
          plannedEndDate: '2026-01-01',
          primaryAssessorId: 'a',
          extra: 1,
        }),
      ),
    ).to.have.property('extra', 'is not allowed');
    expect(contract.checkRequestBody('getSite', undefined)).to.deep.equal([]);
    expect(contract.checkRequestBody('createEmployer', undefined)[0]?.message).to.contain('required');
  });

  it('checks answers by operation and status, refusing undeclared statuses', () => {
    expect(contract.checkResponse('getSite', 200, { siteName: 's', apiVersion: '1', rateLimitPerMinute: 10 })).to.deep.equal([]);
    expect(problemsToFields(contract.checkResponse('getSite', 200, { siteName: 's', apiVersion: '1', rateLimitPerMinute: 0 }))).to.have.property('rateLimitPerMinute');
    expect(contract.checkResponse('getSite', 404, {})[0]?.message).to.contain('not declared');
    expect(contract.checkResponse('getLearner', 404, { error: { code: 'not_found', message: 'no' } })).to.deep.equal([]);
    expect(problemsToFields(contract.checkResponse('getLearner', 404, { error: { code: 'gone', message: 'no' } }))).to.have.property('error.code');
  });
});
