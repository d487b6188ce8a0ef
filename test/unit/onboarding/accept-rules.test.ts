import { expect } from 'chai';
import { planAccept, type AcceptCandidate } from '../../../src/onboarding/accept-rules.js';

const candidate = (proposalId: string, extra: Partial<AcceptCandidate> = {}): AcceptCandidate => ({
  proposalId,
  kind: 'learner',
  misRef: `L${proposalId}`,
  smartAssessorId: `S${proposalId}`,
  linked: false,
  misHeldId: null,
  smartAssessorHolder: null,
  ...extra,
});

describe('onboarding rules: accepting proposals', () => {
  it('links every proposal whose records are both still free, in the order asked', () => {
    const plan = planAccept([candidate('2'), candidate('1')]);
    expect(plan.link.map((c) => c.proposalId)).to.deep.equal(['2', '1']);
    expect(plan.skipped).to.deep.equal([]);
  });

  it('skips a proposal accepted before: accepting again changes nothing', () => {
    expect(planAccept([candidate('1', { linked: true })]).skipped).to.deep.equal([{ proposalId: '1', reason: 'already linked: this proposal was accepted before' }]);
  });

  it('skips an MIS record linked meanwhile, to the same record or another', () => {
    const plan = planAccept([candidate('1', { misHeldId: 'S1' }), candidate('2', { kind: 'organisation', misRef: 'ORG2', smartAssessorId: 'E2', misHeldId: 'E9' })]);
    expect(plan.link).to.deep.equal([]);
    expect(plan.skipped).to.deep.equal([
      { proposalId: '1', reason: 'learner L1 is already linked to Smart Assessor learner S1' },
      { proposalId: '2', reason: 'organisation ORG2 was linked meanwhile: its Additional ID is E9' },
    ]);
  });

  it('skips a Smart Assessor record another MIS record took', () => {
    const plan = planAccept([candidate('1', { kind: 'officer', misRef: 'OFF1', smartAssessorId: 'A1', smartAssessorHolder: 'officer OFF7' })]);
    expect(plan.skipped).to.deep.equal([{ proposalId: '1', reason: 'Smart Assessor assessor A1 is already linked to officer OFF7' }]);
  });

  it('links one of two candidates for one MIS record asked for together, and says why not the other', () => {
    const plan = planAccept([candidate('1', { misRef: 'L1', smartAssessorId: 'S1' }), candidate('2', { misRef: 'L1', smartAssessorId: 'S2' })]);
    expect(plan.link.map((c) => c.proposalId)).to.deep.equal(['1']);
    expect(plan.skipped).to.deep.equal([{ proposalId: '2', reason: 'learner L1 is linked by proposal 1 of this same request' }]);
  });

  it('links one Smart Assessor record claimed by two MIS records to the first asked', () => {
    const plan = planAccept([candidate('4', { misRef: 'L4', smartAssessorId: 'S1' }), candidate('3', { misRef: 'L3', smartAssessorId: 'S1' })]);
    expect(plan.link.map((c) => c.proposalId)).to.deep.equal(['4']);
    expect(plan.skipped).to.deep.equal([{ proposalId: '3', reason: 'Smart Assessor learner S1 is linked by proposal 4 of this same request' }]);
  });

  it('keeps kinds apart: a learner and an employer may share an id and a ref', () => {
    const plan = planAccept([candidate('1', { misRef: 'X1', smartAssessorId: '77' }), candidate('2', { kind: 'organisation', misRef: 'X1', smartAssessorId: '77' })]);
    expect(plan.link.map((c) => c.proposalId)).to.deep.equal(['1', '2']);
  });
});
