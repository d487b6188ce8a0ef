import { expect } from 'chai';
import { etaSeconds, progressLine, type RunProgress, type SyncRunView } from '../../../src/runs/run-views.js';

describe('run progress', function () {
  const now = new Date('2026-03-31T02:10:00Z');
  const running: RunProgress = { state: 'running', startedAt: new Date('2026-03-31T02:00:00Z'), fanOutComplete: true, total: 4_000, done: 1_000 };

  it('estimates the time left at the rate so far', function () {
    expect(etaSeconds(running, now)).to.equal(1_800);
    expect(etaSeconds({ ...running, done: 4_000 }, now)).to.equal(0);
  });

  it('says nothing before the first outcome, during the fan-out, or once the run is over', function () {
    expect(etaSeconds({ ...running, done: 0 }, now)).to.equal(null);
    expect(etaSeconds({ ...running, fanOutComplete: false }, now)).to.equal(null);
    expect(etaSeconds({ ...running, state: 'completed' }, now)).to.equal(null);
  });

  it('prints a line a person can read', function () {
    const view: SyncRunView = {
      runId: 'r1',
      trigger: 'manual',
      dryRun: false,
      state: 'running',
      startedAt: null,
      finishedAt: null,
      learners: 100,
      jobs: { total: 500, completed: 200, failed: 3, waiting: 297 },
      etaSeconds: 300,
      settings: null,
    };
    expect(progressLine(view)).to.equal('run r1 running: 203/500 jobs done, 3 failed, about 5 min left');
    expect(progressLine({ ...view, etaSeconds: 40 })).to.equal('run r1 running: 203/500 jobs done, 3 failed, about 40 s left');
    expect(progressLine({ ...view, state: 'completed', jobs: { total: 500, completed: 500, failed: 0, waiting: 0 }, etaSeconds: null })).to.equal(
      'run r1 completed: 500/500 jobs done',
    );
    expect(progressLine({ ...view, dryRun: true })).to.equal('dry run r1 running: 203/500 jobs done, 3 failed, about 5 min left');
  });
});
