import { expect } from 'chai';
import { snapshotKey, snapshotReaders } from '../../../src/daily/learner-snapshot.js';

describe("daily: who reads a run's snapshot of a learner", () => {
  it('has demographics and status read the SA learner, and the employer move too when that setting is on', () => {
    expect(snapshotReaders('learner', { pushChangesToLearnerEmployer: false })).to.deep.equal(['demographics', 'status']);
    expect(snapshotReaders('learner', { pushChangesToLearnerEmployer: true })).to.deep.equal(['demographics', 'status', 'learner-employer']);
  });

  it('has qualification progress and status read the SA courses, whatever the settings', () => {
    expect(snapshotReaders('courses', { pushChangesToLearnerEmployer: true })).to.deep.equal(['qualification-progress', 'status']);
    expect(snapshotReaders('courses', { pushChangesToLearnerEmployer: false })).to.deep.equal(['qualification-progress', 'status']);
  });

  it('keeps each run, learner and part apart in Redis', () => {
    const keys = new Set([
      snapshotKey('run-1', 'lrn-1', 'learner'),
      snapshotKey('run-1', 'lrn-1', 'courses'),
      snapshotKey('run-2', 'lrn-1', 'learner'),
      snapshotKey('run-1', 'lrn-2', 'learner'),
    ]);
    expect(keys.size).to.equal(4);
  });
});
