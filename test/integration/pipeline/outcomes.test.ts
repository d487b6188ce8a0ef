import { expect } from 'chai';
import pg from 'pg';
import { QueryFailedError, type DataSource } from 'typeorm';
import { recordAndSettle, recordWithWrites, runView, settleRun, type OutcomeRecord } from '../../../src/runs/index.js';
import { testDatabaseUrl } from '../../support/database.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { seedLearner } from '../../support/pipeline.js';

describe('sync event recording', function () {
  let db: DataSource;
  let learnerId: number;
  let runId: string;

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    learnerId = await seedLearner(db, { ident: 'L-EVENTS' });
    [{ id: runId }] = await db.query(
      `INSERT INTO sync_run (trigger, state, as_of_date, fan_out_complete, jobs_total, started_at) VALUES ('manual', 'running', '2026-03-31', true, 2, now()) RETURNING id`,
    );
  });

  function record(overrides: Partial<OutcomeRecord>): OutcomeRecord {
    return {
      runId,
      jobId: 'job-1',
      queue: 'otj',
      subject: { type: 'learner', ref: 'L-EVENTS', learnerId },
      outcome: 'unchanged',
      changes: [],
      error: null,
      touchLearner: true,
      ...overrides,
    };
  }

  async function events() {
    return db.query(`SELECT outcome, changes, error FROM sync_event WHERE run_id = $1 ORDER BY id`, [runId]);
  }

  it('keeps one row per run, queue and subject: a repeat appends its changes, keeps the strongest outcome and is counted once', async function () {
    const change = { record: 'learner L-EVENTS', field: 'actualOtjHours', from: 10, to: 12, direction: 'pull' as const };
    await recordAndSettle(db, record({ outcome: 'unchanged' }));
    await recordAndSettle(db, record({ outcome: 'changed', changes: [change] }));
    await recordAndSettle(db, record({ outcome: 'unchanged' }));
    expect(await events()).to.deep.equal([{ outcome: 'changed', changes: [change], error: null }]);
    const view = await runView(db, runId);
    expect(view?.jobs).to.deep.equal({ total: 2, completed: 1, failed: 0, waiting: 1 });
    const [{ changes }] = await db.query(`SELECT changes FROM sync_run WHERE id = $1`, [runId]);
    expect(changes).to.equal(1);
  });

  it('moves a subject from failed to completed when a later try succeeds, and never back', async function () {
    await recordAndSettle(db, record({ outcome: 'failed', error: 'Smart Assessor could not be reached' }));
    expect((await runView(db, runId))?.jobs).to.include({ completed: 0, failed: 1 });
    let [learner] = await db.query(`SELECT last_error, last_synced_at FROM learner WHERE id = $1`, [learnerId]);
    expect(learner).to.deep.equal({ last_error: 'otj: Smart Assessor could not be reached', last_synced_at: null });

    await recordAndSettle(db, record({ outcome: 'unchanged' }));
    expect((await runView(db, runId))?.jobs).to.include({ completed: 1, failed: 0 });
    [learner] = await db.query(`SELECT last_error, last_synced_at FROM learner WHERE id = $1`, [learnerId]);
    expect(learner.last_error).to.equal(null);
    expect(learner.last_synced_at).to.be.instanceOf(Date);

    await recordAndSettle(db, record({ outcome: 'failed', error: 'again' }));
    expect(await events()).to.deep.equal([{ outcome: 'unchanged', changes: [], error: null }]);
    expect((await runView(db, runId))?.jobs).to.include({ completed: 1, failed: 0 });
  });

  it("clears the learner's last error only on a success in the queue that set it", async function () {
    await db.query(`UPDATE learner SET last_error = 'reviews: session 9 has no start' WHERE id = $1`, [learnerId]);
    await recordAndSettle(db, record({ queue: 'otj' }));
    let [learner] = await db.query(`SELECT last_error FROM learner WHERE id = $1`, [learnerId]);
    expect(learner.last_error).to.equal('reviews: session 9 has no start');
    await recordAndSettle(db, record({ queue: 'reviews' }));
    [learner] = await db.query(`SELECT last_error FROM learner WHERE id = $1`, [learnerId]);
    expect(learner.last_error).to.equal(null);
  });

  it('completes the run with its last outcome, once', async function () {
    await recordAndSettle(db, record({ queue: 'otj' }));
    expect((await runView(db, runId))?.state).to.equal('running');
    await recordAndSettle(db, record({ queue: 'reviews' }));
    const done = await runView(db, runId);
    expect(done?.state).to.equal('completed');
    await recordAndSettle(db, record({ queue: 'reviews', outcome: 'changed' }));
    expect((await runView(db, runId))?.finishedAt).to.equal(done?.finishedAt);
  });

  it('counts outcomes committed side by side exactly, and completes the run once', async function () {
    const subjects = 120;
    await db.query(`UPDATE sync_run SET jobs_total = $2 WHERE id = $1`, [runId, subjects * 2]);
    const records = Array.from({ length: subjects }, (_, index) => [
      record({ queue: 'otj', subject: { type: 'learner', ref: `S${index}`, learnerId }, outcome: index % 10 === 0 ? 'failed' : 'changed', error: index % 10 === 0 ? 'down' : null }),
      record({ queue: 'reviews', subject: { type: 'learner', ref: `S${index}`, learnerId } }),
    ]).flat();
    await Promise.all(records.map((each) => recordAndSettle(db, each)));
    const view = await runView(db, runId);
    expect(view?.state).to.equal('completed');
    expect(view?.jobs).to.deep.equal({ total: subjects * 2, completed: subjects * 2 - 12, failed: 12, waiting: 0 });
    const [run] = await db.query(`SELECT jobs_completed, jobs_failed FROM sync_run WHERE id = $1`, [runId]);
    expect(run).to.deep.equal({ jobs_completed: subjects * 2 - 12, jobs_failed: 12 });
    const [{ shards }] = await db.query(`SELECT count(*)::int AS shards FROM sync_run_counter WHERE run_id = $1`, [runId]);
    expect(shards).to.equal(0);
  });

  describe('with the MIS writes of the job, in one round trip', function () {
    const otjHours = (hours: unknown) => [{ text: `UPDATE learner SET actual_otj_hours = $2, updated_at = now() WHERE id = $1`, values: [learnerId, hours] }];
    const otjOf = async () => ((await db.query(`SELECT actual_otj_hours::float8 AS hours FROM learner WHERE id = $1`, [learnerId])) as Array<{ hours: number | null }>)[0].hours;
    const change = () => ({ record: 'learner L-EVENTS', field: 'actualOtjHours', from: null, to: 12, direction: 'pull' as const });

    it('commits the writes and the sync event together', async function () {
      const recorded = await recordWithWrites(db, otjHours(12), record({ outcome: 'changed', changes: [change()] }));
      if (recorded.settleRun) await settleRun(db, runId);
      expect(await otjOf()).to.equal(12);
      expect(await events()).to.deep.equal([{ outcome: 'changed', changes: [change()], error: null }]);
      expect((await runView(db, runId))?.jobs).to.include({ completed: 1, failed: 0 });
    });

    it('keeps neither when a write is refused, and says why as a query through TypeORM would', async function () {
      const refused = await recordWithWrites(db, otjHours(-1), record({ outcome: 'changed', changes: [change()] })).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).to.be.instanceOf(QueryFailedError);
      expect(((refused as QueryFailedError).driverError as { constraint?: string }).constraint).to.equal('learner_otj_check');
      expect(await otjOf()).to.equal(null);
      expect(await events()).to.deep.equal([]);
      expect((await runView(db, runId))?.jobs).to.include({ completed: 0, failed: 0 });
    });

    it('writes and records once when another job records the subject first, meanwhile', async function () {
      // Another job's first record of the subject, not yet committed when this one looks.
      const other = new pg.Client({ connectionString: testDatabaseUrl() });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query(
          `INSERT INTO sync_event (run_id, job_id, queue, subject_type, subject_ref, learner_id, outcome, changes) VALUES ($1, 'job-0', 'otj', 'learner', 'L-EVENTS', $2, 'unchanged', '[]')`,
          [runId, learnerId],
        );
        const mine = recordWithWrites(db, otjHours(12), record({ outcome: 'changed', changes: [change()] }));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await other.query('COMMIT');
        const recorded = await mine;
        if (recorded.settleRun) await settleRun(db, runId);
      } finally {
        await other.end();
      }
      expect(await otjOf()).to.equal(12);
      expect(await events()).to.deep.equal([{ outcome: 'changed', changes: [change()], error: null }]);
      // The other job's record was not counted (it went past the counters); this one's first count is its own.
      expect((await runView(db, runId))?.jobs).to.include({ completed: 0, failed: 0 });
    });
  });

  it('records work outside a run (enrolment) as its own events', async function () {
    await recordAndSettle(db, record({ runId: null, queue: 'enrolment', outcome: 'changed' }));
    await recordAndSettle(db, record({ runId: null, queue: 'enrolment', outcome: 'changed' }));
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM sync_event WHERE run_id IS NULL AND queue = 'enrolment'`);
    expect(count).to.equal(2);
  });
});
