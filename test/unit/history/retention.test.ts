import { expect } from 'chai';
import { eventsKeptFor, outcomesToRemove, retentionCutoffs, retentionPolicy } from '../../../src/history/retention.js';

const DAY_MS = 86_400_000;
const now = new Date('2027-06-01T12:00:00Z');
const policy = retentionPolicy({ HISTORY_KEEP_CHANGES_DAYS: 730, HISTORY_KEEP_UNCHANGED_DAYS: 35 });
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);

describe('history retention', () => {
  it('keeps a run whole for 35 days, its changes and failures for two years, then nothing', () => {
    expect(eventsKeptFor(daysAgo(34.9), policy, now)).to.equal('all');
    expect(eventsKeptFor(daysAgo(35.1), policy, now)).to.equal('changes');
    expect(eventsKeptFor(daysAgo(729.9), policy, now)).to.equal('changes');
    expect(eventsKeptFor(daysAgo(730.1), policy, now)).to.equal('none');
  });

  it('keeps every event of a run that has not finished', () => {
    expect(eventsKeptFor(null, policy, now)).to.equal('all');
  });

  it('puts the cutoffs that many days before now', () => {
    expect(retentionCutoffs(policy, now)).to.deep.equal({ unchangedBefore: daysAgo(35), changesBefore: daysAgo(730) });
  });

  it('removes only what a run still has beyond what it should keep', () => {
    expect(outcomesToRemove('all', 'changes')).to.deep.equal(['unchanged', 'skipped']);
    expect(outcomesToRemove('all', 'none')).to.deep.equal(['changed', 'failed', 'unchanged', 'skipped']);
    expect(outcomesToRemove('changes', 'none')).to.deep.equal(['changed', 'failed', 'unchanged', 'skipped']);
    expect(outcomesToRemove('changes', 'changes')).to.deep.equal([]);
    expect(outcomesToRemove('none', 'none')).to.deep.equal([]);
    expect(outcomesToRemove('all', 'all')).to.deep.equal([]);
  });
});
