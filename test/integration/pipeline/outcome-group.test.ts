import { expect } from 'chai';
import { QueryFailedError, type DataSource } from 'typeorm';
import { runView, settleRun, type OutcomeRecord } from '../../../src/runs/index.js';
import { OutcomeGroup } from '../../../src/runs/outcome-group.js';
import type { SqlStatement } from '../../../src/db/statement-batch.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { seedLearner } from '../../support/pipeline.js';
import { rejectionOf } from '../../support/rejection.js';

describe('outcomes committed in groups', function () {
  let db: DataSource;
  let learners: number[];
  let runId: string;

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    learners = [];
    for (const ident of ['L-G1', 'L-G2', 'L-G3', 'L-G4']) learners.push(await seedLearner(db, { ident }));
    [{ id: runId }] = await db.query(
      `INSERT INTO sync_run (trigger, state, as_of_date, fan_out_complete, jobs_total, started_at) VALUES ('manual', 'running', '2026-03-31', true, 8, now()) RETURNING id`,
    );
  });

  function record(index: number, overrides: Partial<OutcomeRecord> = {}): OutcomeRecord {
    return {
      runId,
      jobId: `job-${index}`,
      queue: 'otj',
      subject: { type: 'learner', ref: `L-G${index + 1}`, learnerId: learners[index] },
      outcome: 'unchanged',
      changes: [],
      error: null,
      touchLearner: true,
      ...overrides,
    };
  }

  const otjHours = (index: number, hours: number): SqlStatement[] => [
    { text: `UPDATE learner SET actual_otj_hours = $2, updated_at = now() WHERE id = $1`, values: [learners[index], hours] },
  ];
  const change = (index: number, to: number) => ({ record: `learner L-G${index + 1}`, field: 'actualOtjHours', from: null, to, direction: 'pull' as const });

  /** Events with the transaction that wrote them (xmin): one transaction for a group. */
  async function events() {
    return (await db.query(`SELECT subject_ref AS ref, outcome, changes, xmin::text AS tx FROM sync_event WHERE run_id = $1 ORDER BY subject_ref`, [runId])) as Array<{
      ref: string;
      outcome: string;
      changes: unknown[];
      tx: string;
    }>;
  }

  async function settleAll(recorded: Array<{ settleRun: boolean }>) {
    if (recorded.some((each) => each.settleRun)) await settleRun(db, runId);
  }

  it('commits jobs that finish together, writes and outcomes, as one transaction, and counts each once', async function () {
    const group = new OutcomeGroup(db, { windowMs: 50 });
    const recorded = await Promise.all([
      group.commit(record(0, { outcome: 'changed', changes: [change(0, 5)] }), otjHours(0, 5)),
      group.commit(record(1)),
      group.commit(record(2, { outcome: 'changed', changes: [change(2, 7)] }), otjHours(2, 7)),
      group.commit(record(3, { outcome: 'skipped' })),
    ]);
    await settleAll(recorded);
    const rows = await events();
    expect(rows.map(({ ref, outcome, changes }) => ({ ref, outcome, changes }))).to.deep.equal([
      { ref: 'L-G1', outcome: 'changed', changes: [change(0, 5)] },
      { ref: 'L-G2', outcome: 'unchanged', changes: [] },
      { ref: 'L-G3', outcome: 'changed', changes: [change(2, 7)] },
      { ref: 'L-G4', outcome: 'skipped', changes: [] },
    ]);
    expect(new Set(rows.map((row) => row.tx)).size).to.equal(1);
    const hours = await db.query(`SELECT actual_otj_hours::float8 AS hours, xmin::text AS tx FROM learner WHERE id = ANY($1) ORDER BY id`, [learners]);
    expect(hours.map((row: { hours: number | null }) => row.hours)).to.deep.equal([5, null, 7, null]);
    expect(hours[0].tx).to.equal(rows[0].tx);
    const [run] = await db.query(`SELECT jobs_completed, jobs_failed, changes FROM sync_run WHERE id = $1`, [runId]);
    expect(run).to.deep.equal({ jobs_completed: 4, jobs_failed: 0, changes: 2 });
    const synced = await db.query(`SELECT count(*)::int AS count FROM learner WHERE id = ANY($1) AND last_synced_at IS NOT NULL`, [learners]);
    expect(synced[0].count).to.equal(4);
  });

  it("completes the run when a group holds its last outcomes, and clears each learner's error of that queue only", async function () {
    await db.query(`UPDATE sync_run SET jobs_total = 4 WHERE id = $1`, [runId]);
    await db.query(`UPDATE learner SET last_error = 'otj: down' WHERE id = $1`, [learners[0]]);
    await db.query(`UPDATE learner SET last_error = 'reviews: no start' WHERE id = $1`, [learners[1]]);
    const group = new OutcomeGroup(db, { windowMs: 50 });
    await settleAll(await Promise.all([0, 1, 2, 3].map((index) => group.commit(record(index)))));
    expect((await runView(db, runId))?.state).to.equal('completed');
    const errors = await db.query(`SELECT last_error FROM learner WHERE id = ANY($1) ORDER BY id`, [learners]);
    expect(errors.map((row: { last_error: string | null }) => row.last_error)).to.deep.equal([null, 'reviews: no start', null, null]);
  });

  it('commits a second record of one subject after the first, and counts the subject once', async function () {
    const group = new OutcomeGroup(db, { windowMs: 50 });
    const recorded = await Promise.all([
      group.commit(record(0)),
      group.commit(record(0, { jobId: 'job-0-again', outcome: 'changed', changes: [change(0, 3)] }), otjHours(0, 3)),
      group.commit(record(1)),
    ]);
    await settleAll(recorded);
    const rows = await events();
    expect(rows.map(({ ref, outcome, changes }) => ({ ref, outcome, changes }))).to.deep.equal([
      { ref: 'L-G1', outcome: 'changed', changes: [change(0, 3)] },
      { ref: 'L-G2', outcome: 'unchanged', changes: [] },
    ]);
    expect((await runView(db, runId))?.jobs).to.include({ completed: 2, failed: 0 });
  });

  it('moves an earlier failure to completed, as a record on its own does', async function () {
    const group = new OutcomeGroup(db, { windowMs: 50 });
    await settleAll([await group.commit(record(0, { outcome: 'failed', error: 'Smart Assessor could not be reached' }))]);
    expect((await runView(db, runId))?.jobs).to.include({ completed: 0, failed: 1 });
    await settleAll(await Promise.all([group.commit(record(0)), group.commit(record(1))]));
    expect((await runView(db, runId))?.jobs).to.include({ completed: 2, failed: 0 });
    const [row] = await db.query(`SELECT outcome, error FROM sync_event WHERE run_id = $1 AND subject_ref = 'L-G1'`, [runId]);
    expect(row).to.deep.equal({ outcome: 'unchanged', error: null });
  });

  it("fails only the job whose write is refused: the others are committed, each on its own", async function () {
    const group = new OutcomeGroup(db, { windowMs: 50 });
    const [first, refused, third] = await Promise.allSettled([
      group.commit(record(0, { outcome: 'changed', changes: [change(0, 5)] }), otjHours(0, 5)),
      group.commit(record(1, { outcome: 'changed', changes: [change(1, -1)] }), otjHours(1, -1)),
      group.commit(record(2)),
    ]);
    expect(first.status).to.equal('fulfilled');
    expect(third.status).to.equal('fulfilled');
    expect(refused.status).to.equal('rejected');
    const error = await rejectionOf(Promise.reject((refused as PromiseRejectedResult).reason), QueryFailedError);
    expect((error.driverError as { constraint?: string }).constraint).to.equal('learner_otj_check');
    const rows = await events();
    expect(rows.map(({ ref }) => ref)).to.deep.equal(['L-G1', 'L-G3']);
    expect(rows[0].tx).to.not.equal(rows[1].tx);
    const hours = await db.query(`SELECT actual_otj_hours::float8 AS hours FROM learner WHERE id = ANY($1) ORDER BY id`, [learners]);
    expect(hours.map((row: { hours: number | null }) => row.hours)).to.deep.equal([5, null, null, null]);
  });

  it('waits no longer than its window for others, and commits at once when the group is full', async function () {
    const full = new OutcomeGroup(db, { windowMs: 60_000, maxJobs: 2 });
    await Promise.all([full.commit(record(0)), full.commit(record(1))]);
    const lone = new OutcomeGroup(db, { windowMs: 1 });
    await lone.commit(record(2));
    expect((await events()).map(({ ref }) => ref)).to.deep.equal(['L-G1', 'L-G2', 'L-G3']);
  });
});
