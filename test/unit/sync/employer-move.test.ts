import { expect } from 'chai';
import { employerMoveDecision } from '../../../src/sync/index.js';

const acme = { ref: 'ORG7', name: 'Acme Ltd', additionalId: '301' };
const newco = { ref: 'ORG9', name: 'Newco Ltd', additionalId: null };

describe('sync rules: employer move', () => {
  it('does nothing when Push Changes to Learner Employer is off', () => {
    expect(employerMoveDecision({ pushChangesToLearnerEmployer: false, placementOrganisation: newco, saLearnerEmployerId: '301' })).to.deep.equal({
      action: 'none',
      reason: 'setting-off',
    });
  });

  it('does nothing when the learner has no placement organisation', () => {
    expect(employerMoveDecision({ pushChangesToLearnerEmployer: true, placementOrganisation: null, saLearnerEmployerId: '301' })).to.deep.equal({
      action: 'none',
      reason: 'no-placement',
    });
  });

  it('does nothing when the placement already is the SA employer', () => {
    expect(employerMoveDecision({ pushChangesToLearnerEmployer: true, placementOrganisation: acme, saLearnerEmployerId: '301' })).to.deep.equal({
      action: 'none',
      reason: 'already-linked',
    });
    expect(employerMoveDecision({ pushChangesToLearnerEmployer: true, placementOrganisation: { ...acme, additionalId: ' 301 ' }, saLearnerEmployerId: '301' }).action).to.equal(
      'none',
    );
  });

  it('links to the placement’s Additional ID when SA has the learner elsewhere', () => {
    expect(employerMoveDecision({ pushChangesToLearnerEmployer: true, placementOrganisation: acme, saLearnerEmployerId: '222' })).to.deep.equal({
      action: 'link',
      employerId: '301',
    });
  });

  it('creates the employer, then links, when the placement has no Additional ID', () => {
    for (const additionalId of [null, undefined, '', '  ']) {
      const organisation = { ...newco, additionalId };
      expect(employerMoveDecision({ pushChangesToLearnerEmployer: true, placementOrganisation: organisation, saLearnerEmployerId: '301' })).to.deep.equal({
        action: 'create-and-link',
        organisation,
      });
    }
  });
});
