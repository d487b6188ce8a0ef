import { expect } from 'chai';
import type { DataSource, QueryRunner } from 'typeorm';
import type { SqlStatement } from '../../../src/db/statement-batch.js';
import { createDataSource } from '../../../src/db/data-source.js';
import { OutcomeGroup } from '../../../src/runs/outcome-group.js';
import type { OutcomeRecord } from '../../../src/runs/outcomes.js';
import { deadlocksDetected } from '../../../tools/bench/metrics.js';
import { resetDatabase, testDatabaseUrl, testDataSource } from '../../support/database.js';
import { seedLearner, waitFor } from '../../support/pipeline.js';

/**
 * Two worker processes' outcome groups that share learners, lined up the way that made
 * them deadlock: each group writes one learner and moves the other's last sync. A third
 * transaction holds the lower learner so that both groups are under way, waiting, when
 * it lets go; the groups must then commit one after the other, each as one transaction,
 * and PostgreSQL must count no deadlock.
 */

const APPLICATION = 'sai-lock-order-test';

describe('outcome groups of different processes that share learners', function () {
  let db: DataSource;
  /** The groups' own connections: their backends exit when it is destroyed, which flushes their statistics. */
  let groupsDb: DataSource;
  let holder: QueryRunner | undefined;
  let runId: string;
  let lower: number;
  let upper: number;

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    lower = await seedLearner(db, { ident: 'L-LOCK-1' });
    upper = await seedLearner(db, { ident: 'L-LOCK-2' });
    [{ id: runId }] = await db.query(
      `INSERT INTO sync_run (trigger, state, as_of_date, fan_out_complete, jobs_total, started_at) VALUES ('manual', 'running', '2026-03-31', true, 4, now()) RETURNING id`,
    );
    groupsDb = createDataSource({ url: testDatabaseUrl(), poolSize: 4, applicationName: APPLICATION });
    await groupsDb.initialize();
  });

  afterEach(async function () {
    if (holder?.isTransactionActive) await holder.rollbackTransaction();
    await holder?.release();
    holder = undefined;
    if (groupsDb.isInitialized) await groupsDb.destroy();
  });

  function record(queue: OutcomeRecord['queue'], learnerId: number, ident: string, outcome: OutcomeRecord['outcome'] = 'unchanged'): OutcomeRecord {
    return { runId, jobId: `${queue}-${ident}`, queue, subject: { type: 'learner', ref: ident, learnerId }, outcome, changes: [], error: null, touchLearner: true };
  }

  const otjHours = (learnerId: number, hours: number): SqlStatement[] => [
    { text: `UPDATE learner SET actual_otj_hours = $2, updated_at = now() WHERE id = $1`, values: [learnerId, hours] },
  ];

  async function waitingGroups(count: number): Promise<void> {
    await waitFor(`${count} group(s) waiting for a row lock`, async () => {
      const [row] = (await db.query(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'`,
        [APPLICATION],
      )) as Array<{
        waiting: number;
      }>;
      return row.waiting >= count;
    });
  }

  it('lock the learners in one order: both commit as groups, and PostgreSQL counts no deadlock', async function () {
    const before = await deadlocksDetected(db);
    holder = db.createQueryRunner();
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM learner WHERE id = $1 FOR NO KEY UPDATE`, [lower]);

    // Process B writes the lower learner and moves the upper one's last sync; it waits for the holder.
    const processB = new OutcomeGroup(groupsDb, { windowMs: 5 });
    const groupB = Promise.all([processB.commit(record('otj', lower, 'L-LOCK-1', 'changed'), otjHours(lower, 3)), processB.commit(record('status', upper, 'L-LOCK-2'))]);
    await waitingGroups(1);
    // Process A writes the upper learner and moves the lower one's last sync.
    const processA = new OutcomeGroup(groupsDb, { windowMs: 5 });
    const groupA = Promise.all([processA.commit(record('otj', upper, 'L-LOCK-2', 'changed'), otjHours(upper, 5)), processA.commit(record('status', lower, 'L-LOCK-1'))]);
    await waitingGroups(2);
    await holder.commitTransaction();
    await Promise.all([groupA, groupB]);

    const events = (await db.query(`SELECT queue, subject_ref AS ref, xmin::text AS tx FROM sync_event WHERE run_id = $1 ORDER BY queue, subject_ref`, [runId])) as Array<{
      queue: string;
      ref: string;
      tx: string;
    }>;
    const transactionOf = (queue: string, ref: string) => events.find((event) => event.queue === queue && event.ref === ref)?.tx;
    expect(events).to.have.length(4);
    // A group rolled back by a deadlock is committed job by job instead.
    expect(transactionOf('otj', 'L-LOCK-1'), "process B's group in one transaction").to.equal(transactionOf('status', 'L-LOCK-2'));
    expect(transactionOf('otj', 'L-LOCK-2'), "process A's group in one transaction").to.equal(transactionOf('status', 'L-LOCK-1'));
    const learners = (await db.query(`SELECT actual_otj_hours::float8 AS hours, last_synced_at IS NOT NULL AS synced FROM learner ORDER BY id`)) as Array<{
      hours: number;
      synced: boolean;
    }>;
    expect(learners).to.deep.equal([
      { hours: 3, synced: true },
      { hours: 5, synced: true },
    ]);

    // A backend reports its statistics by the time it exits.
    await groupsDb.destroy();
    await waitFor('the connections of the groups to close', async () => {
      const [row] = (await db.query(`SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [APPLICATION])) as Array<{
        open: number;
      }>;
      return row.open === 0;
    });
    expect(await deadlocksDetected(db), 'deadlocks PostgreSQL detected in the test database').to.equal(before);
  });
});
