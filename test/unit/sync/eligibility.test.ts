import { expect } from 'chai';
import { eligibilityCutoff, isEligible, learningState } from '../../../src/sync/index.js';

const TODAY = '2026-07-15';
const enrolled = (aims: { actualEndDate: string | null }[]) => ({ systemStatus: 'Live' as const, smartAssessorId: '5512', aims });

describe('sync rules: eligibility', () => {
  describe('learningState', () => {
    it('is in learning while any aim has no actual end date', () => {
      expect(learningState([{ actualEndDate: '2026-01-01' }, { actualEndDate: null }])).to.deep.equal({ inLearning: true, endedOn: null });
    });

    it('treats a blank end date as no end date', () => {
      expect(learningState([{ actualEndDate: '  ' }]).inLearning).to.equal(true);
    });

    it('ended on the latest actual end date once every aim has one', () => {
      expect(learningState([{ actualEndDate: '2026-05-01' }, { actualEndDate: '2026-06-20' }, { actualEndDate: '2026-03-09' }])).to.deep.equal({
        inLearning: false,
        endedOn: '2026-06-20',
      });
    });

    it('is neither in learning nor ended with no aims', () => {
      expect(learningState([])).to.deep.equal({ inLearning: false, endedOn: null });
    });
  });

  describe('eligibilityCutoff', () => {
    it('is the same day one calendar month earlier', () => {
      expect(eligibilityCutoff('2026-07-15')).to.equal('2026-06-15');
      expect(eligibilityCutoff('2026-01-10')).to.equal('2025-12-10');
    });

    it('clamps to the end of a shorter month', () => {
      expect(eligibilityCutoff('2026-03-31')).to.equal('2026-02-28');
      expect(eligibilityCutoff('2026-07-31')).to.equal('2026-06-30');
    });

    it('knows leap years', () => {
      expect(eligibilityCutoff('2024-03-31')).to.equal('2024-02-29');
      expect(eligibilityCutoff('2024-03-29')).to.equal('2024-02-29');
      expect(eligibilityCutoff('2100-03-31')).to.equal('2100-02-28');
    });
  });

  describe('isEligible', () => {
    it('takes a Live, enrolled learner in learning', () => {
      expect(isEligible(enrolled([{ actualEndDate: null }]), TODAY)).to.equal(true);
    });

    it('takes a learner who ended exactly on the cutoff', () => {
      expect(isEligible(enrolled([{ actualEndDate: '2026-06-15' }]), TODAY)).to.equal(true);
    });

    it('leaves out a learner who ended the day before the cutoff', () => {
      expect(isEligible(enrolled([{ actualEndDate: '2026-06-14' }]), TODAY)).to.equal(false);
    });

    it('judges the end by the latest aim', () => {
      expect(isEligible(enrolled([{ actualEndDate: '2025-01-01' }, { actualEndDate: '2026-07-01' }]), TODAY)).to.equal(true);
    });

    it('uses the month-end clamp at the cutoff', () => {
      expect(isEligible(enrolled([{ actualEndDate: '2026-02-28' }]), '2026-03-31')).to.equal(true);
      expect(isEligible(enrolled([{ actualEndDate: '2026-02-27' }]), '2026-03-31')).to.equal(false);
      expect(isEligible(enrolled([{ actualEndDate: '2024-02-29' }]), '2024-03-31')).to.equal(true);
      expect(isEligible(enrolled([{ actualEndDate: '2024-02-28' }]), '2024-03-31')).to.equal(false);
    });

    it('leaves out an Archived learner', () => {
      expect(isEligible({ ...enrolled([{ actualEndDate: null }]), systemStatus: 'Archived' }, TODAY)).to.equal(false);
    });

    it('leaves out a learner with no Smart Assessor ID, blank included', () => {
      for (const smartAssessorId of [null, undefined, '', '  ']) {
        expect(isEligible({ ...enrolled([{ actualEndDate: null }]), smartAssessorId }, TODAY), String(smartAssessorId)).to.equal(false);
      }
    });

    it('leaves out a learner with no aims', () => {
      expect(isEligible(enrolled([]), TODAY)).to.equal(false);
    });
  });
});
