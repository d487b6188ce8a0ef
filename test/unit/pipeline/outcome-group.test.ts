import { expect } from 'chai';
import type { OutcomeRecord } from '../../../src/runs/outcomes.js';
import { takeGroup } from '../../../src/runs/outcome-group.js';

function waiting(jobId: string, ref: string, learnerId: number | null, queue: OutcomeRecord['queue'] = 'otj'): { record: OutcomeRecord } {
  return {
    record: {
      runId: 'run-1',
      jobId,
      queue,
      subject: { type: learnerId === null ? 'organisation' : 'learner', ref, learnerId },
      outcome: 'unchanged',
      changes: [],
      error: null,
      touchLearner: true,
    },
  };
}

const ids = (items: Array<{ record: OutcomeRecord }>) => items.map((item) => item.record.jobId);

describe('choosing the next group of outcomes', function () {
  it('takes the oldest, at most the maximum, in learner order (learnerless subjects last)', function () {
    const { batch, rest } = takeGroup([waiting('a', 'L9', 9), waiting('b', 'ORG', null), waiting('c', 'L2', 2), waiting('d', 'L5', 5)], 3);
    expect(ids(batch)).to.deep.equal(['c', 'a', 'b']);
    expect(ids(rest)).to.deep.equal(['d']);
  });

  it('leaves a second record of the same subject for the next group, and keeps the same learner in other queues', function () {
    const { batch, rest } = takeGroup([waiting('a', 'L1', 1), waiting('b', 'L1', 1), waiting('c', 'L1', 1, 'reviews'), waiting('d', 'L2', 2)], 10);
    expect(ids(batch)).to.deep.equal(['a', 'c', 'd']);
    expect(ids(rest)).to.deep.equal(['b']);
  });
});
