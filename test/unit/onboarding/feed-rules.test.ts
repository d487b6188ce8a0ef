import { expect } from 'chai';
import { learnersToQueue, outcomeOfQueued, SKIPPED_WHILE_DISABLED, type FeedPace } from '../../../src/onboarding/feed-rules.js';

const PACE: FeedPace = { window: 10, windowDuringRun: 2 };

describe('onboarding rules: feeding a bulk enrolment', () => {
  it('fills the window while no run is active', () => {
    expect(learnersToQueue(PACE, { runActive: false, inQueue: 0 })).to.equal(10);
    expect(learnersToQueue(PACE, { runActive: false, inQueue: 7 })).to.equal(3);
    expect(learnersToQueue(PACE, { runActive: false, inQueue: 10 })).to.equal(0);
  });

  it('keeps to the narrow window while a run is active, and never answers less than nothing', () => {
    expect(learnersToQueue(PACE, { runActive: true, inQueue: 0 })).to.equal(2);
    expect(learnersToQueue(PACE, { runActive: true, inQueue: 9 })).to.equal(0);
  });

  it('reads a queued learner from where its enrolment job stands', () => {
    expect(outcomeOfQueued({ state: 'pending' }, false)).to.deep.equal({ state: 'queued' });
    expect(outcomeOfQueued({ state: 'done' }, true)).to.deep.equal({ state: 'enrolled' });
    expect(outcomeOfQueued({ state: 'failed', reason: 'learner L1: uln must be 10 digits' }, false)).to.deep.equal({
      state: 'failed',
      error: 'learner L1: uln must be 10 digits',
    });
    expect(outcomeOfQueued({ state: 'skipped' }, false)).to.deep.equal({ state: 'failed', error: SKIPPED_WHILE_DISABLED });
  });

  it('judges a job that is gone by the learner: enrolled with a Smart Assessor ID, else queued again', () => {
    expect(outcomeOfQueued({ state: 'gone' }, true)).to.deep.equal({ state: 'enrolled' });
    expect(outcomeOfQueued({ state: 'gone' }, false)).to.deep.equal({ state: 'waiting' });
  });
});
