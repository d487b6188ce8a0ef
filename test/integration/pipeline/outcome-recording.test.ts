import { expect } from 'chai';
import pg from 'pg';
import { QueryFailedError, type DataSource } from 'typeorm';
import type { SqlStatement } from '../../../src/db/statement-batch.js';
import { OutcomeGroup } from '../../../src/runs/outcome-group.js';
import { commitOutcome, type MisWrite, type OutcomeRecord, type RecordedOutcome } from '../../../src/runs/outcomes.js';
import { runView, settleRun } from '../../../src/runs/index.js';
import { resetDatabase, testDatabaseUrl, testDataSource } from '../../support/database.js';
import { seedLearner } from '../../support/pipeline.js';
import { rejectionOf } from '../../support/rejection.js';

/**
 * The rules of recording an outcome (src/runs/outcomes.ts), run against each way a job's
 * outcome is committed: alone (a group of one) and in a group with another job's (the
 * group's one statement for many records, and its fall-back to each alone). Then what is
 * particular to groups: one transaction for many jobs, and a failure that stays its own.
 */

interface Way {
  name: string;
  commit(db: DataSource, record: OutcomeRecord, writes?: readonly MisWrite[]): Promise<RecordedOutcome>;
}

/** Another run's job, committed beside the one under test so that the two form a group. */
let bystanders = 0;
let bystanderRun: { runId: string; learnerId: number };
const bystander = (): OutcomeRecord => ({
  runId: bystanderRun.runId,
  jobId: `bystander-${(bystanders += 1)}`,
  queue: 'reviews',
  subject: { type: 'learner', ref: `B${bystanders}`, learnerId: bystanderRun.learnerId },
  outcome: 'unchanged',
  changes: [],
  error: null,
  touchLearner: true,
});

const WAYS: Way[] = [
  { name: 'alone', commit: (db, record, writes = []) => commitOutcome(db, record, writes) },
  {
    name: 'in a group',
    async commit(db, record, writes = []) {
      const group = new OutcomeGroup(db, { windowMs: 50, maxJobs: 2 });
      const [recorded] = await Promise.all([group.commit(record, writes), group.commit(bystander())]);
      return recorded;
    },
  },
];

async function seedBystanderRun(db: DataSource): Promise<void> {
  const learnerId = await seedLearner(db, { ident: 'L-BYSTANDER' });
  const [{ id }] = await db.query(
    `INSERT INTO sync_run (trigger, state, as_of_date, learner_id, fan_out_complete, jobs_total, started_at) VALUES ('learner', 'running', '2026-03-31', $1, true, 1000000, now()) RETURNING id`,
    [learnerId],
  );
  bystanderRun = { runId: id, learnerId };
}

for (const way of WAYS) {
  describe(`sync event recording, committed ${way.name}`, function () {
    let db: DataSource;
    let learnerId: number;
    let runId: string;

    before(async function () {
      db = await testDataSource();
    });

    beforeEach(async function () {
      await resetDatabase(db);
      await seedBystanderRun(db);
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

    /** The record committed this way, then its run settled when it asks for it. */
    async function recordAndSettle(each: OutcomeRecord): Promise<void> {
      const { settleRun: settle } = await way.commit(db, each);
      if (settle && each.runId) await settleRun(db, each.runId);
    }

    async function events() {
      return db.query(`SELECT outcome, changes, error FROM sync_event WHERE run_id = $1 ORDER BY id`, [runId]);
    }

    it('keeps one row per run, queue and subject: a repeat appends its changes, keeps the strongest outcome and is counted once', async function () {
      const change = { record: 'learner L-EVENTS', field: 'actualOtjHours', from: 10, to: 12, direction: 'pull' as const };
      await recordAndSettle(record({ outcome: 'unchanged' }));
      await recordAndSettle(record({ outcome: 'changed', changes: [change] }));
      await recordAndSettle(record({ outcome: 'unchanged' }));
      expect(await events()).to.deep.equal([{ outcome: 'changed', changes: [change], error: null }]);
      const view = await runView(db, runId);
      expect(view?.jobs).to.deep.equal({ total: 2, completed: 1, failed: 0, waiting: 1 });
      const [{ changes }] = await db.query(`SELECT changes FROM sync_run WHERE id = $1`, [runId]);
      expect(changes).to.equal(1);
    });

    it('moves a subject from failed to completed when a later try succeeds, and never back', async function () {
      await recordAndSettle(record({ outcome: 'failed', error: 'Smart Assessor could not be reached' }));
      expect((await runView(db, runId))?.jobs).to.include({ completed: 0, failed: 1 });
      let [learner] = await db.query(`SELECT last_error, last_synced_at FROM learner WHERE id = $1`, [learnerId]);
      expect(learner).to.deep.equal({ last_error: 'otj: Smart Assessor could not be reached', last_synced_at: null });

      await recordAndSettle(record({ outcome: 'unchanged' }));
      expect((await runView(db, runId))?.jobs).to.include({ completed: 1, failed: 0 });
      [learner] = await db.query(`SELECT last_error, last_synced_at FROM learner WHERE id = $1`, [learnerId]);
      expect(learner.last_error).to.equal(null);
      expect(learner.last_synced_at).to.be.instanceOf(Date);

      await recordAndSettle(record({ outcome: 'failed', error: 'again' }));
      expect(await events()).to.deep.equal([{ outcome: 'unchanged', changes: [], error: null }]);
      expect((await runView(db, runId))?.jobs).to.include({ completed: 1, failed: 0 });
    });

    it("clears the learner's last error only on a success in the queue that set it", async function () {
      await db.query(`UPDATE learner SET last_error = 'reviews: session 9 has no start' WHERE id = $1`, [learnerId]);
      await recordAndSettle(record({ queue: 'otj' }));
      let [learner] = await db.query(`SELECT last_error FROM learner WHERE id = $1`, [learnerId]);
      expect(learner.last_error).to.equal('reviews: session 9 has no start');
      await recordAndSettle(record({ queue: 'reviews' }));
      [learner] = await db.query(`SELECT last_error FROM learner WHERE id = $1`, [learnerId]);
      expect(learner.last_error).to.equal(null);
    });

    it('completes the run with its last outcome, once', async function () {
      await recordAndSettle(record({ queue: 'otj' }));
      expect((await runView(db, runId))?.state).to.equal('running');
      await recordAndSettle(record({ queue: 'reviews' }));
      const done = await runView(db, runId);
      expect(done?.state).to.equal('completed');
      await recordAndSettle(record({ queue: 'reviews', outcome: 'changed' }));
      expect((await runView(db, runId))?.finishedAt).to.equal(done?.finishedAt);
    });

    it('counts outcomes committed side by side exactly, and completes the run once', async function () {
      const subjects = 120;
      await db.query(`UPDATE sync_run SET jobs_total = $2 WHERE id = $1`, [runId, subjects * 2]);
      const records = Array.from({ length: subjects }, (_, index) => [
        record({
          queue: 'otj',
          subject: { type: 'learner', ref: `S${index}`, learnerId },
          outcome: index % 10 === 0 ? 'failed' : 'changed',
          error: index % 10 === 0 ? 'down' : null,
        }),
        record({ queue: 'reviews', subject: { type: 'learner', ref: `S${index}`, learnerId } }),
      ]).flat();
      await Promise.all(records.map((each) => recordAndSettle(each)));
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
        const recorded = await way.commit(db, record({ outcome: 'changed', changes: [change()] }), otjHours(12));
        if (recorded.settleRun) await settleRun(db, runId);
        expect(await otjOf()).to.equal(12);
        expect(await events()).to.deep.equal([{ outcome: 'changed', changes: [change()], error: null }]);
        expect((await runView(db, runId))?.jobs).to.include({ completed: 1, failed: 0 });
      });

      it('keeps neither when a write is refused, and says why as a query through TypeORM would', async function () {
        const refused = await way.commit(db, record({ outcome: 'changed', changes: [change()] }), otjHours(-1)).then(
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
          const mine = way.commit(db, record({ outcome: 'changed', changes: [change()] }), otjHours(12));
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
      await recordAndSettle(record({ runId: null, queue: 'enrolment', outcome: 'changed' }));
      await recordAndSettle(record({ runId: null, queue: 'enrolment', outcome: 'changed' }));
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM sync_event WHERE run_id IS NULL AND queue = 'enrolment'`);
      expect(count).to.equal(2);
    });
  });
}

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

  it('fails only the job whose write is refused: the others are committed, each on its own', async function () {
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
