import { expect } from 'chai';
import { planRiskBand, riskBandFromSmartCoach } from '../../../src/sync/index.js';

const coach = (riskBand: 'Low' | 'Medium' | 'High') => ({ riskScore: 0.5, riskBand, scoredAt: '2026-07-01T02:00:00Z' });
const on = { updateRiskFromSmartCoach: true };

describe('sync rules: risk band from Smart Coach', () => {
  it('maps Low → Green, Medium → Yellow, High → Red', () => {
    expect(riskBandFromSmartCoach(coach('Low'))).to.equal('Green');
    expect(riskBandFromSmartCoach(coach('Medium'))).to.equal('Yellow');
    expect(riskBandFromSmartCoach(coach('High'))).to.equal('Red');
  });

  it('has no band without a score', () => {
    expect(riskBandFromSmartCoach(null)).to.equal(null);
  });

  it('sets the band when it differs, recording the change as pulled', () => {
    expect(planRiskBand({ learnerIdent: 'L000123', riskBand: 'Green' }, coach('High'), on)).to.deep.equal({
      misUpdates: { riskBand: 'Red' },
      changes: [{ record: 'learner L000123', field: 'riskBand', from: 'Green', to: 'Red', direction: 'pull' }],
    });
  });

  it('sets a band where the learner had none', () => {
    expect(planRiskBand({ learnerIdent: 'L000123', riskBand: null }, coach('Medium'), on).misUpdates).to.deep.equal({ riskBand: 'Yellow' });
  });

  it('leaves an equal band alone', () => {
    expect(planRiskBand({ learnerIdent: 'L000123', riskBand: 'Yellow' }, coach('Medium'), on)).to.deep.equal({ misUpdates: {}, changes: [] });
  });

  it('leaves the band unchanged when SA has no score', () => {
    expect(planRiskBand({ learnerIdent: 'L000123', riskBand: 'Red' }, null, on)).to.deep.equal({ misUpdates: {}, changes: [] });
  });

  it('does nothing when the setting is off', () => {
    expect(planRiskBand({ learnerIdent: 'L000123', riskBand: 'Green' }, coach('High'), { updateRiskFromSmartCoach: false })).to.deep.equal({
      misUpdates: {},
      changes: [],
    });
  });
});
