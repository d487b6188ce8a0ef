import { expect } from 'chai';
import { isSentLive, liveDeduplicationId, liveJobId, liveJobKinds, liveKindOf, liveRunSettings, snapshotReleases, type LiveJobName } from '../../../src/live/live-jobs.js';
import type { RunSettings } from '../../../entities/index.js';

describe('live sync: which jobs a change calls for', () => {
  const settings = {
    learnerDemographicsMode: 'Push',
    officerDemographicsMode: 'None',
    organisationDemographicsMode: 'Pull',
    pushChangesToLearnerEmployer: false,
  } as const;

  it('sends the details per the modes, the employer move per its setting, status and OTJ always', () => {
    const sent = (name: LiveJobName, extra = {}) => isSentLive(name, { ...settings, ...extra });
    expect(sent('learner-demographics')).to.equal(true);
    expect(sent('learner-demographics', { learnerDemographicsMode: 'Pull' }), 'the ULN goes up in Pull mode').to.equal(true);
    expect(sent('learner-demographics', { learnerDemographicsMode: 'None' })).to.equal(false);
    expect(sent('officer-details')).to.equal(false);
    expect(sent('officer-details', { officerDemographicsMode: 'Push' })).to.equal(true);
    expect(sent('organisation-details'), 'Pull: nothing to send').to.equal(false);
    expect(sent('learner-employer')).to.equal(false);
    expect(sent('learner-employer', { pushChangesToLearnerEmployer: true })).to.equal(true);
    expect(sent('learner-status', { learnerDemographicsMode: 'None' })).to.equal(true);
    expect(sent('learner-otj')).to.equal(true);
  });

  it('queues each job once, in a fixed order, never a pull-only queue', () => {
    const kinds = liveJobKinds(['learner-otj', 'learner-status', 'learner-demographics', 'learner-otj', 'learner-employer'], settings);
    expect(kinds.map((kind) => `${kind.queue}/${kind.name}`)).to.deep.equal(['demographics/learner-demographics', 'status/learner-status', 'otj/learner-otj']);
    expect(liveKindOf('organisations', 'organisation')?.name).to.equal('organisation-details');
    expect(liveKindOf('organisations', 'learner')?.name).to.equal('learner-employer');
    expect(liveKindOf('reviews', 'learner')).to.equal(undefined);
  });

  it('names jobs by run, job, record and first change, and deduplicates them apart from the daily jobs', () => {
    expect(liveJobId('run-1', 'learner-status', 7, '1234')).to.equal('run-1.learner-status.7.live-1234');
    expect(liveDeduplicationId('learner-status', 7)).to.equal('live.learner-status.7');
  });

  it('records push-only settings for a live run', () => {
    const recorded = liveRunSettings({ learnerDemographicsMode: 'Pull', savedAt: '2026-01-01T00:00:00.000Z' } as RunSettings);
    expect(recorded).to.include({ learnerDemographicsMode: 'Pull', pushOnly: true });
  });

  it("marks done the run snapshot's readers a batch does not queue, for the parts it reads", () => {
    const off = { pushChangesToLearnerEmployer: false };
    expect(snapshotReleases(['learner-demographics'], off)).to.deep.equal([{ part: 'learner', reader: 'status', readers: ['demographics', 'status'] }]);
    expect(snapshotReleases(['learner-status'], { pushChangesToLearnerEmployer: true })).to.deep.equal([
      { part: 'learner', reader: 'demographics', readers: ['demographics', 'status', 'learner-employer'] },
      { part: 'learner', reader: 'learner-employer', readers: ['demographics', 'status', 'learner-employer'] },
      { part: 'courses', reader: 'qualification-progress', readers: ['qualification-progress', 'status'] },
    ]);
    expect(snapshotReleases(['learner-otj'], off), 'reads no snapshot').to.deep.equal([]);
    expect(snapshotReleases(['learner-demographics', 'learner-status'], off)).to.deep.equal([
      { part: 'courses', reader: 'qualification-progress', readers: ['qualification-progress', 'status'] },
    ]);
  });
});
