import { expect } from 'chai';
import { openFaultRig, type FaultRig } from '../faults/support/rig.js';
import { deadlocksDetected } from '../../tools/bench/metrics.js';
import { waitFor } from '../faults/support/wait.js';

/**
 * Worker processes side by side on one run, with the product's concurrency: their
 * outcome groups share learners all the time (a learner's five jobs finish together,
 * in different processes), and must never deadlock in PostgreSQL.
 */

const WORKER_PROCESSES = 4;
const LEARNERS = 300;

/** Stops the rig's worker processes and waits until their PostgreSQL backends are gone: a backend reports its statistics by the time it exits. */
export async function stopWorkers(rig: FaultRig): Promise<void> {
  while (rig.workers.length > 0) await rig.killWorker(0);
  await waitFor(
    'the database connections of the worker processes to close',
    async () => {
      const [row] = (await rig.db.query(
        `SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'sai-bench-workers'`,
      )) as Array<{ open: number }>;
      return row.open === 0;
    },
    10_000,
  );
}

describe(`${WORKER_PROCESSES} worker processes on one run`, function () {
  this.timeout(180_000);
  let rig: FaultRig | undefined;

  afterEach(async function () {
    await rig?.close();
    rig = undefined;
  });

  it(`record every outcome of ${LEARNERS} learners with no deadlock in PostgreSQL`, async function () {
    rig = await openFaultRig({ workerProcesses: WORKER_PROCESSES, workerConcurrency: 10, learners: LEARNERS });
    const before = await deadlocksDetected(rig.db);
    const runId = await rig.startRun();
    const run = await rig.waitForRun(runId);
    await stopWorkers(rig);
    const [{ events }] = (await rig.db.query(`SELECT count(*)::int AS events FROM sync_event WHERE run_id = $1`, [runId])) as Array<{ events: number }>;
    process.stdout.write(
      `      · ${run.learners} learners, ${run.jobs_total} jobs, ${run.changes} changes in ${run.seconds?.toFixed(1)} s over ${WORKER_PROCESSES} worker processes\n`,
    );
    expect({ state: run.state, completed: run.jobs_completed, failed: run.jobs_failed, events }).to.deep.equal({
      state: 'completed',
      completed: run.jobs_total,
      failed: 0,
      events: run.jobs_total,
    });
    expect(run.changes, 'changes written (a run that writes nothing takes no learner locks)').to.be.greaterThan(LEARNERS / 2);
    expect(await deadlocksDetected(rig.db), 'deadlocks PostgreSQL detected during the run').to.equal(before);
  });
});
