import { expect } from 'chai';
import { notificationSummary, retryDelayMs } from '../../../src/notifications/run-notifications.js';
import type { SyncRunView } from '../../../src/runs/run-views.js';

const run: SyncRunView = {
  runId: 'r-1',
  trigger: 'schedule',
  dryRun: false,
  state: 'completed',
  startedAt: '2027-01-05T02:00:00.000Z',
  finishedAt: '2027-01-05T02:40:00.000Z',
  learners: 836,
  jobs: { total: 4330, completed: 4329, failed: 1, waiting: 0 },
  etaSeconds: null,
  settings: null,
};

describe('run notifications', () => {
  it('waits 30 s before the first retry, doubling each time, never more than an hour', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts))).to.deep.equal([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(9)).to.equal(3_600_000);
    expect(retryDelayMs(2, 200)).to.equal(400);
  });

  it('sums each event up in one sentence', () => {
    expect(notificationSummary('finished-with-failures', run, 480)).to.equal('The daily run (r-1) finished with 1 failed job of 4330.');
    expect(notificationSummary('failed', { ...run, trigger: 'manual', state: 'failed', jobs: { total: 10, completed: 3, failed: 2, waiting: 5 } }, 480)).to.equal(
      'A run started by hand (r-1) failed after 5 of 10 jobs.',
    );
    expect(notificationSummary('overdue', { ...run, state: 'running', jobs: { total: 10, completed: 3, failed: 2, waiting: 5 } }, 480)).to.equal(
      'The daily run (r-1) has not finished 480 minutes after it started: 5 of 10 jobs done, 2 failed.',
    );
  });

  it('says first that a dry run is one, so its alert is never taken for a sync that wrote', () => {
    expect(notificationSummary('failed', { ...run, trigger: 'manual', dryRun: true, state: 'failed', jobs: { total: 10, completed: 3, failed: 2, waiting: 5 } }, 480)).to.equal(
      'A dry run (nothing written) (r-1) failed after 5 of 10 jobs.',
    );
  });
});
