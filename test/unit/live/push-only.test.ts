import { expect } from 'chai';
import { planLearnerDemographics, planOfficerDemographics, planOrganisationDemographics, planOtjHours, planRiskBand } from '../../../src/sync/index.js';
import type { Learner as SaLearner } from '../../../src/smart-assessor/types.js';

/** A live run's settings are push-only (SPEC.md §6): whatever the modes say, nothing comes down. */
describe('sync rules: push-only settings (live runs)', () => {
  const pics = { learnerIdent: 'L1', email: 'mis@example.org', surname: 'Khan', uln: '9276308686', riskBand: 'Green' as const, actualOtjHours: 10 };
  const sa = { email: 'sa@example.org', surname: 'Khan', uln: '1111111111' } as unknown as SaLearner;

  it('in Pull mode pulls no details, and still pushes the ULN', () => {
    const plan = planLearnerDemographics(pics, sa, { learnerDemographicsMode: 'Pull', updateLearnerGender: false, pushOnly: true });
    expect(plan.misUpdates).to.deep.equal({});
    expect(plan.saPatch).to.deep.equal({ uln: '9276308686' });
    expect(plan.changes.map((change) => change.direction)).to.deep.equal(['push']);
    const pulling = planLearnerDemographics(pics, sa, { learnerDemographicsMode: 'Pull', updateLearnerGender: false });
    expect(pulling.misUpdates, 'the daily run pulls').to.deep.equal({ email: 'sa@example.org' });
  });

  it('in Push mode pushes as ever', () => {
    const plan = planLearnerDemographics(pics, sa, { learnerDemographicsMode: 'Push', updateLearnerGender: false, pushOnly: true });
    expect(plan.saPatch).to.deep.equal({ email: 'mis@example.org', uln: '9276308686' });
  });

  it("pulls no officer's or organisation's details", () => {
    expect(
      planOfficerDemographics({ ref: 'OFF1', email: 'a@example.org' }, { email: 'b@example.org' } as never, { officerDemographicsMode: 'Pull', pushOnly: true }),
    ).to.deep.equal({
      saPatch: {},
      misUpdates: {},
      changes: [],
    });
    expect(
      planOrganisationDemographics({ ref: 'ORG1', name: 'Acme' }, { name: 'Acme Ltd' } as never, { organisationDemographicsMode: 'Pull', pushOnly: true }).misUpdates,
    ).to.deep.equal({});
  });

  it('sets no risk band and no actual OTJ hours', () => {
    const coach = { riskScore: 0.9, riskBand: 'High' as const, scoredAt: '2026-07-01T02:00:00Z' };
    expect(planRiskBand(pics, coach, { updateRiskFromSmartCoach: true, pushOnly: true })).to.deep.equal({ misUpdates: {}, changes: [] });
    expect(planRiskBand(pics, coach, { updateRiskFromSmartCoach: true }).misUpdates).to.deep.equal({ riskBand: 'Red' });
    expect(planOtjHours(pics, { actualHours: 41.5 }, { pushOnly: true })).to.deep.equal({ misUpdates: {}, changes: [] });
    expect(planOtjHours(pics, { actualHours: 41.5 }).misUpdates).to.deep.equal({ actualOtjHours: 41.5 });
  });
});
