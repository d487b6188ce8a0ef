import { expect } from 'chai';
import { pruneHistory } from '../../../src/history/prune-history.js';
import { eventsKeptFor, SHORT_LIVED_OUTCOMES, type RetentionPolicy } from '../../../src/history/retention.js';
import { ProcessMetrics } from '../../../src/metrics/process-metrics.js';
import { CapturedLog, startTestAdmin, type TestAdmin } from '../../support/admin.js';
import { waitFor } from '../../support/pipeline.js';

const DAY_MS = 86_400_000;
/** Shorter than the defaults, so that a year shows all three stages of a run's events. */
const POLICY: RetentionPolicy = { keepChangesDays: 300, keepUnchangedDays: 35 };
const OUTCOMES = ['changed', 'unchanged', 'skipped', 'failed', 'unchanged', 'unchanged', 'skipped', 'changed'] as const;
const PER_LEARNER_QUEUES = ['qualification-progress', 'reviews', 'otj', 'demographics', 'status'];
const LEARNERS = ['L1', 'L2', 'L3'];

interface Generated {
  runId: string;
  finishedAt: Date;
  outcomes: string[];
}

/** A day's whole-provider run, finished that day: every learner on every per-learner queue, and one officer, outcomes in a fixed mix. */
async function dailyRun(admin: TestAdmin, day: number, finishedAt: Date): Promise<Generated> {
  const outcomes: string[] = [];
  const [run] = (await admin.db.query(
    `INSERT INTO sync_run (trigger, state, as_of_date, created_at, started_at, finished_at, fan_out_complete, learners, jobs_total, jobs_completed, jobs_failed, changes)
     VALUES ('schedule', 'completed', $1::date, $2, $2, $3, true, 3, 16, 14, 2, 5) RETURNING id`,
    [finishedAt.toISOString().slice(0, 10), new Date(finishedAt.getTime() - 600_000), finishedAt],
  )) as Array<{ id: string }>;
  const subjects = [...LEARNERS.flatMap((ref) => PER_LEARNER_QUEUES.map((queue) => ({ queue, type: 'learner', ref }))), { queue: 'officers', type: 'officer', ref: 'OFF1' }];
  for (const [index, subject] of subjects.entries()) {
    const outcome = OUTCOMES[(index + day) % OUTCOMES.length]!;
    outcomes.push(outcome);
    await admin.db.query(`INSERT INTO sync_event (at, run_id, queue, subject_type, subject_ref, outcome, error) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      finishedAt,
      run!.id,
      subject.queue,
      subject.type,
      subject.ref,
      outcome,
      outcome === 'failed' ? `${subject.ref}: Smart Assessor answered 500` : null,
    ]);
  }
  return { runId: run!.id, finishedAt, outcomes };
}

describe('history retention across a simulated year', function () {
  this.timeout(180_000);
  let admin: TestAdmin;

  before(async () => {
    admin = await startTestAdmin();
  });
  after(() => admin?.close());

  it('prunes exactly what has outlived its time each day, keeps every run and its counts, and leaves a run page as it was', async () => {
    const start = new Date(Date.now() - 366 * DAY_MS);
    const metrics = new ProcessMetrics();
    const runs: Generated[] = [];
    const outside: Array<{ at: Date; outcome: string }> = [];
    // A run that never finished (a learner's, stuck since the first day) is never pruned.
    const [stuck] = (await admin.db.query(
      `INSERT INTO sync_run (trigger, state, as_of_date, created_at, started_at) VALUES ('learner', 'running', $1::date, $2, $2) RETURNING id`,
      [start.toISOString().slice(0, 10), start],
    )) as Array<{ id: string }>;
    await admin.db.query(`INSERT INTO sync_event (at, run_id, queue, subject_type, subject_ref, outcome) VALUES ($1, $2, 'otj', 'learner', 'L1', 'unchanged')`, [start, stuck!.id]);

    let pagesBefore: { run: unknown; failures: unknown } | undefined;
    let watched: Generated | undefined;
    let now = start;
    for (let day = 0; day < 365; day += 1) {
      now = new Date(start.getTime() + day * DAY_MS);
      const run = await dailyRun(admin, day, new Date(now.getTime() - 3_600_000));
      runs.push(run);
      // An enrolment (outside any run) every few days, alternately a change and a skip.
      if (day % 3 === 0) {
        const entry = { at: new Date(now.getTime() - 7_200_000), outcome: day % 2 === 0 ? 'changed' : 'skipped' };
        outside.push(entry);
        await admin.db.query(`INSERT INTO sync_event (at, run_id, queue, subject_type, subject_ref, outcome) VALUES ($1, NULL, 'enrolment', 'learner', 'L1', $2)`, [
          entry.at,
          entry.outcome,
        ]);
      }
      if (day === 300) {
        watched = run;
        pagesBefore = {
          run: (await admin.api.get(`/api/sync/runs/${run.runId}`)).body,
          failures: (await admin.api.get(`/api/sync/runs/${run.runId}/failures`)).body,
        };
      }
      // Batches of 4 events: a run takes several, so the walk through a run's events is exercised.
      await pruneHistory(admin.db, { policy: POLICY, batchSize: 4, now, restRatio: 0, metrics });
    }

    const kept = (await admin.db.query(`SELECT run_id, outcome, count(*)::int AS count FROM sync_event WHERE run_id IS NOT NULL GROUP BY run_id, outcome`)) as Array<{
      run_id: string;
      outcome: string;
      count: number;
    }>;
    const keptBy = (runId: string) =>
      kept
        .filter((row) => row.run_id === runId)
        .flatMap((row) => Array<string>(row.count).fill(row.outcome))
        .sort();
    const stages = { all: 0, changes: 0, none: 0 };
    let expectedUnchanged = 0;
    let expectedChanges = 0;
    for (const run of runs) {
      const stage = eventsKeptFor(run.finishedAt, POLICY, now);
      stages[stage] += 1;
      const short = (outcome: string) => (SHORT_LIVED_OUTCOMES as readonly string[]).includes(outcome);
      const expected = stage === 'all' ? run.outcomes : stage === 'changes' ? run.outcomes.filter((outcome) => !short(outcome)) : [];
      expect(keptBy(run.runId), `run of ${run.finishedAt.toISOString()} (${stage})`).to.deep.equal([...expected].sort());
      expectedUnchanged += stage === 'all' ? 0 : run.outcomes.filter(short).length;
      expectedChanges += stage === 'none' ? run.outcomes.filter((outcome) => !short(outcome)).length : 0;
      const [row] = (await admin.db.query(`SELECT events_kept FROM sync_run WHERE id = $1`, [run.runId])) as Array<{ events_kept: string }>;
      expect(row!.events_kept).to.equal(stage);
    }
    // The year covers every stage: the last 35 days whole, then changes only, then nothing.
    expect(stages).to.deep.equal({ all: 35, changes: 265, none: 65 });
    expect(keptBy(stuck!.id)).to.deep.equal(['unchanged']);

    // Every run row stays, with its counts as the run left them.
    const summaries = (await admin.db.query(`SELECT learners, jobs_total, jobs_completed, jobs_failed, changes FROM sync_run WHERE trigger = 'schedule'`)) as unknown[];
    expect(summaries).to.have.length(365);
    for (const summary of summaries) expect(summary).to.deep.equal({ learners: 3, jobs_total: 16, jobs_completed: 14, jobs_failed: 2, changes: 5 });

    // Outside runs: skips after 35 days, changes after 300, by their own time.
    const cutoffs = { short: now.getTime() - 35 * DAY_MS, long: now.getTime() - 300 * DAY_MS };
    const expectedOutside = outside.filter((entry) => entry.at.getTime() >= (entry.outcome === 'skipped' ? cutoffs.short : cutoffs.long));
    const outsideKept = (await admin.db.query(`SELECT at, outcome FROM sync_event WHERE run_id IS NULL ORDER BY at`)) as Array<{ at: Date; outcome: string }>;
    expect(outsideKept.map((row) => `${row.at.toISOString()} ${row.outcome}`)).to.deep.equal(expectedOutside.map((entry) => `${entry.at.toISOString()} ${entry.outcome}`));
    expectedUnchanged += outside.filter((entry) => entry.outcome === 'skipped').length - expectedOutside.filter((entry) => entry.outcome === 'skipped').length;
    expectedChanges += outside.filter((entry) => entry.outcome === 'changed').length - expectedOutside.filter((entry) => entry.outcome === 'changed').length;

    const pruned = Object.fromEntries((await metrics.eventsPruned.get()).values.map((value) => [value.labels.kept_for, value.value]));
    expect(pruned).to.deep.equal({ unchanged: expectedUnchanged, changes: expectedChanges });

    // Day 300's run has lost its unchanged and skipped outcomes since; its page says what it said then.
    expect(eventsKeptFor(watched!.finishedAt, POLICY, now)).to.equal('changes');
    expect((await admin.api.get(`/api/sync/runs/${watched!.runId}`)).body).to.deep.equal(pagesBefore!.run);
    expect((await admin.api.get(`/api/sync/runs/${watched!.runId}/failures`)).body).to.deep.equal(pagesBefore!.failures);
    expect((pagesBefore!.run as { learnersDone: number }).learnersDone).to.equal(3);
  });

  it('waits between batches while a whole-provider run is going, and goes on once it is over', async () => {
    await admin.reset();
    const longAgo = new Date(Date.now() - 100 * DAY_MS);
    const old = await dailyRun(admin, 0, longAgo);
    const [running] = (await admin.db.query(
      `INSERT INTO sync_run (trigger, state, as_of_date, started_at) VALUES ('schedule', 'running', CURRENT_DATE, now()) RETURNING id`,
    )) as Array<{
      id: string;
    }>;
    const log = new CapturedLog();
    const pruning = pruneHistory(admin.db, { policy: POLICY, batchSize: 100, restRatio: 0, yieldPollMs: 50, log: log.logger });
    await waitFor('the prune to wait for the run', async () => log.text().includes('history prune waits for the run to finish'));
    const count = async () => ((await admin.db.query(`SELECT count(*)::int AS count FROM sync_event WHERE run_id = $1`, [old.runId])) as Array<{ count: number }>)[0]!.count;
    expect(await count()).to.equal(old.outcomes.length);
    await admin.db.query(`UPDATE sync_run SET state = 'completed', finished_at = now() WHERE id = $1`, [running!.id]);
    expect((await pruning).unchanged).to.equal(old.outcomes.filter((outcome) => outcome === 'unchanged' || outcome === 'skipped').length);
    expect(await count()).to.equal(old.outcomes.filter((outcome) => outcome === 'changed' || outcome === 'failed').length);
  });
});
