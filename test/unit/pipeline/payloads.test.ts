import { expect } from 'chai';
import { payloadProblem, payloadSubject } from '../../../queues/definitions.js';

describe('job payloads', function () {
  it('accepts ids-only payloads of the right job', function () {
    expect(payloadProblem('enrolment', 'enrol-learner', { learnerId: 4 })).to.equal(null);
    expect(payloadProblem('reviews', 'learner-reviews', { runId: 'r1', learnerId: 4 })).to.equal(null);
    expect(payloadProblem('organisations', 'organisation-details', { runId: 'r1', organisationId: 9 })).to.equal(null);
    expect(payloadProblem('organisations', 'learner-employer', { runId: 'r1', learnerId: 9 })).to.equal(null);
  });

  it('names what is wrong otherwise', function () {
    expect(payloadProblem('reviews', 'learner-otj', { runId: 'r1', learnerId: 4 })).to.equal('the reviews queue has no job named "learner-otj"');
    expect(payloadProblem('officers', 'officer-details', { runId: 'r1', officerId: '7' })).to.equal('job officer-details needs officerId as a positive whole number, not "7"');
    expect(payloadProblem('status', 'learner-status', { learnerId: 4 })).to.equal('job learner-status needs the runId of its run');
    expect(payloadProblem('otj', 'learner-otj', null)).to.equal('job learner-otj has no payload');
  });

  it('reads the subject from the payload', function () {
    expect(payloadSubject('officer-details', { runId: 'r', officerId: 3 })).to.deep.equal({ type: 'officer', id: 3 });
    expect(payloadSubject('learner-employer', { runId: 'r', learnerId: 5 })).to.deep.equal({ type: 'learner', id: 5 });
    expect(payloadSubject('enrol-learner', { learnerId: 6 })).to.deep.equal({ type: 'learner', id: 6 });
  });
});
