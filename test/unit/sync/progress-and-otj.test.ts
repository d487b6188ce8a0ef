import { expect } from 'chai';
import { planOtjHours, planQualificationProgress } from '../../../src/sync/index.js';

const course = (id: string, elementsDone: number, elementsTotal: number) => ({ id, progress: { elementsDone, elementsTotal } });

describe('sync rules: qualification progress', () => {
  it('copies SA’s elements done and total to the aim linked to that course', () => {
    const aim = { id: 1, aimRef: 'L000123-1', saLearnerCourseId: '9001', elementsDone: 30, elementsTotal: 100 };
    const plan = planQualificationProgress([aim], [course('9002', 1, 1), course('9001', 37, 120)]);
    expect(plan.updates).to.deep.equal([{ aim, set: { elementsDone: 37, elementsTotal: 120 } }]);
    expect(plan.updates[0].aim).to.equal(aim);
    expect(plan.changes).to.deep.equal([
      { record: 'aim L000123-1', field: 'elementsDone', from: 30, to: 37, direction: 'pull' },
      { record: 'aim L000123-1', field: 'elementsTotal', from: 100, to: 120, direction: 'pull' },
    ]);
  });

  it('sets only the count that differs', () => {
    const plan = planQualificationProgress([{ aimRef: 'A1', saLearnerCourseId: '9001', elementsDone: 30, elementsTotal: 120 }], [course('9001', 37, 120)]);
    expect(plan.updates[0].set).to.deep.equal({ elementsDone: 37 });
    expect(plan.changes).to.have.length(1);
  });

  it('fills counts the MIS did not have', () => {
    const plan = planQualificationProgress([{ aimRef: 'A1', saLearnerCourseId: '9001', elementsDone: null, elementsTotal: null }], [course('9001', 0, 80)]);
    expect(plan.updates[0].set).to.deep.equal({ elementsDone: 0, elementsTotal: 80 });
    expect(plan.changes.map((change) => change.from)).to.deep.equal([null, null]);
  });

  it('changes nothing when the counts are equal', () => {
    expect(planQualificationProgress([{ aimRef: 'A1', saLearnerCourseId: '9001', elementsDone: 37, elementsTotal: 120 }], [course('9001', 37, 120)])).to.deep.equal({
      updates: [],
      missingCourses: [],
      changes: [],
    });
  });

  it('skips aims not linked to an SA course', () => {
    const plan = planQualificationProgress(
      [
        { aimRef: 'A1', saLearnerCourseId: null, elementsDone: 1 },
        { aimRef: 'A2', saLearnerCourseId: ' ' },
      ],
      [course('9001', 5, 9)],
    );
    expect(plan).to.deep.equal({ updates: [], missingCourses: [], changes: [] });
  });

  it('reports a linked aim whose course SA did not list, and changes nothing for it', () => {
    const aim = { aimRef: 'A1', saLearnerCourseId: '9009', elementsDone: 1 };
    expect(planQualificationProgress([aim], [course('9001', 5, 9)])).to.deep.equal({ updates: [], missingCourses: [aim], changes: [] });
  });

  it('handles each of several aims on its own course', () => {
    const plan = planQualificationProgress(
      [
        { aimRef: 'A1', saLearnerCourseId: '9001', elementsDone: 5, elementsTotal: 9 },
        { aimRef: 'A2', saLearnerCourseId: '9002', elementsDone: 1, elementsTotal: 40 },
      ],
      [course('9001', 5, 9), course('9002', 2, 40)],
    );
    expect(plan.updates.map((update) => [update.aim.aimRef, update.set])).to.deep.equal([['A2', { elementsDone: 2 }]]);
  });
});

describe('sync rules: OTJ hours', () => {
  it('sets actual OTJ hours to SA’s when they differ', () => {
    expect(planOtjHours({ learnerIdent: 'L000123', actualOtjHours: 40 }, { actualHours: 41.5 })).to.deep.equal({
      misUpdates: { actualOtjHours: 41.5 },
      changes: [{ record: 'learner L000123', field: 'actualOtjHours', from: 40, to: 41.5, direction: 'pull' }],
    });
  });

  it('sets them where the MIS had none, even to 0', () => {
    expect(planOtjHours({ learnerIdent: 'L000123', actualOtjHours: null }, { actualHours: 0 }).misUpdates).to.deep.equal({ actualOtjHours: 0 });
  });

  it('changes nothing when equal', () => {
    expect(planOtjHours({ learnerIdent: 'L000123', actualOtjHours: 41.5 }, { actualHours: 41.5 })).to.deep.equal({ misUpdates: {}, changes: [] });
  });

  it('compares at the MIS’s precision (hundredths), so a finer SA value is not written again every day', () => {
    expect(planOtjHours({ learnerIdent: 'L000123', actualOtjHours: 41.57 }, { actualHours: 41.567 })).to.deep.equal({ misUpdates: {}, changes: [] });
    expect(planOtjHours({ learnerIdent: 'L000123', actualOtjHours: 41.5 }, { actualHours: 41.567 }).misUpdates).to.deep.equal({ actualOtjHours: 41.57 });
  });
});
