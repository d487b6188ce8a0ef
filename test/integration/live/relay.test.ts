import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { LIVE_RELAY_LOCK, relayLiveChanges, type LiveRelayOptions } from '../../../src/live/relay.js';
import { subjectDeduplicationId } from '../../../queues/job-ids.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { gate, openTestPipeline, pendingJobIds, seedLearner, silentLogger, startTestWorkers, unchangedProcessor, waitFor, type TestPipeline } from '../../support/pipeline.js';
import type { RunningWorkers } from '../../../workers/runner.js';

/** The relay's decisions, with test processors: pacing, runs, and jobs of other runs. */
describe('live sync relay', function () {
  let db: DataSource;
  let pipeline: TestPipeline;
  let workers: RunningWorkers | undefined;
  const options: LiveRelayOptions = { quietMs: 0, maxWaitMs: 0, repairAfterMs: 60_000 };
  const relay = (extra: LiveRelayOptions = {}) => relayLiveChanges({ db, producers: pipeline.producers, logger: silentLogger }, { ...options, ...extra });

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    pipeline = await openTestPipeline('live-relay');
    await db.query(`UPDATE integration_settings SET live_sync = true, learner_demographics_mode = 'Push' WHERE id = 1`);
  });

  afterEach(async function () {
    await workers?.close({ deadlineMs: 5_000 });
    workers = undefined;
    await pipeline.close();
  });

  async function learners(count: number): Promise<number[]> {
    const ids: number[] = [];
    for (let index = 1; index <= count; index += 1) ids.push(await seedLearner(db, { ident: `L${index}` }));
    await db.query(`DELETE FROM live_change`);
    return ids;
  }

  const editEmails = (ids: readonly number[]) => db.query(`UPDATE learner SET email = 'e' || id || '@example.org' WHERE id = ANY($1::int[])`, [ids]);
  const inFlight = async () => Number((await db.query(`SELECT count(*)::int AS jobs FROM live_dispatch`))[0].jobs);
  const outbox = async () => Number((await db.query(`SELECT count(*)::int AS changes FROM live_change`))[0].changes);

  it('keeps no more than maxJobsInFlight live jobs queued, and queues more as they finish', async function () {
    const ids = await learners(10);
    await editEmails(ids);
    expect((await relay({ maxJobsInFlight: 4 })).queued).to.equal(4);
    expect(await pendingJobIds(pipeline, 'demographics')).to.have.length(4);
    expect(await outbox(), 'the rest wait in the outbox').to.equal(6);
    expect((await relay({ maxJobsInFlight: 4 })).queued, 'no room').to.equal(0);

    workers = await startTestWorkers(pipeline, db, { processors: { demographics: unchangedProcessor() } });
    await waitFor('every change relayed and done', async () => {
      await relay({ maxJobsInFlight: 4 });
      return (await outbox()) === 0 && (await inFlight()) === 0;
    });
    const [run] = await db.query(
      `SELECT trigger, state, learners, jobs_total, jobs_completed + (SELECT COALESCE(sum(jobs_completed), 0) FROM sync_run_counter c WHERE c.run_id = r.id)::int AS done FROM sync_run r`,
    );
    expect(run).to.deep.include({ trigger: 'live', state: 'running', learners: 10, jobs_total: 10, done: 10 });
  });

  it("lets a record's next changes wait until its last batch is done, then sends them in the same run", async function () {
    const [learner] = await learners(1);
    const held = gate();
    workers = await startTestWorkers(pipeline, db, {
      processors: {
        demographics: async (job, context, deps) => {
          await held.promise;
          return unchangedProcessor<'demographics'>()(job, context, deps);
        },
      },
    });
    await editEmails([learner]);
    expect((await relay()).queued).to.equal(1);
    await db.query(`UPDATE learner SET email = 'again@example.org' WHERE id = $1`, [learner]);
    expect((await relay()).queued, 'its first batch is still in flight').to.equal(0);
    expect(await outbox()).to.equal(1);
    held.open();
    await waitFor('the second batch queued', async () => (await relay()).queued === 1);
    await waitFor('the second batch done', async () => {
      await relay();
      return (await inFlight()) === 0;
    });
    const jobs = await db.query(`SELECT job_id FROM sync_event`);
    expect(jobs, 'one event for the record, last written by the second batch').to.have.length(1);
    expect(jobs[0].job_id).to.match(/\.learner-demographics\.\d+\.live-\d+$/);
    const [{ runs, total }] = await db.query(`SELECT count(*)::int AS runs, sum(jobs_total)::int AS total FROM sync_run`);
    expect({ runs, total }).to.deep.equal({ runs: 1, total: 1 });
  });

  it('leaves a record for later while its daily or Update Learner job runs, and sends it after', async function () {
    const [learner] = await learners(1);
    const running = gate();
    const started = gate();
    workers = await startTestWorkers(pipeline, db, {
      processors: {
        demographics: async (job, context, deps) => {
          if (!context.jobId.includes('.live-')) {
            started.open();
            await running.promise;
          }
          return unchangedProcessor<'demographics'>()(job, context, deps);
        },
      },
    });
    const [daily] = await db.query(`INSERT INTO sync_run (trigger, state, as_of_date, started_at, jobs_total) VALUES ('learner', 'running', current_date, now(), 1) RETURNING id`);
    await pipeline.producers.queues.demographics.add(
      'learner-demographics',
      { runId: daily.id, learnerId: learner },
      { jobId: `${daily.id}.learner-demographics.${learner}`, deduplication: { id: subjectDeduplicationId('learner-demographics', learner) } },
    );
    await started.promise;
    await editEmails([learner]);
    expect(await relay()).to.include({ queued: 0, waiting: 1 });
    expect(await outbox()).to.equal(1);
    running.open();
    await waitFor('the change queued once the daily job is done', async () => (await relay()).queued === 1);
  });

  it('opens a new live run when the settings change, and completes the old one once its jobs are done', async function () {
    const ids = await learners(2);
    workers = await startTestWorkers(pipeline, db, { processors: { demographics: unchangedProcessor() } });
    await editEmails([ids[0]]);
    await relay();
    await waitFor('the first job done', async () => {
      await relay();
      return (await inFlight()) === 0;
    });
    await db.query(`UPDATE integration_settings SET update_learner_gender = true, updated_at = now() WHERE id = 1`);
    await editEmails([ids[1]]);
    await waitFor('the second change queued', async () => (await relay()).queued === 1);
    const runs = await db.query(
      `SELECT state, learners, jobs_total, settings->>'updateLearnerGender' AS gender, settings->>'pushOnly' AS push_only FROM sync_run ORDER BY created_at`,
    );
    expect(runs).to.deep.equal([
      { state: 'completed', learners: 1, jobs_total: 1, gender: 'false', push_only: 'true' },
      { state: 'running', learners: 1, jobs_total: 1, gender: 'true', push_only: 'true' },
    ]);
  });

  it('completes the live runs once Live Sync is off, and drops what waits in the outbox: the daily run sends it', async function () {
    const ids = await learners(2);
    await editEmails([ids[0]]);
    await relay();
    workers = await startTestWorkers(pipeline, db, { processors: { demographics: unchangedProcessor() } });
    await editEmails([ids[1]]);
    await db.query(`UPDATE integration_settings SET live_sync = false WHERE id = 1`);
    await waitFor('the live run completed', async () => {
      const pass = await relay();
      expect(pass.live).to.equal(false);
      return pass.closed.length === 1;
    });
    expect(await outbox()).to.equal(0);
    expect(await pendingJobIds(pipeline, 'demographics')).to.deep.equal([]);
  });

  it('lets go of a live job whose record was deleted under it, so the run can finish', async function () {
    const [learner] = await learners(1);
    await editEmails([learner]);
    expect((await relay()).queued).to.equal(1);
    await db.query(`DELETE FROM learner WHERE id = $1`, [learner]);
    workers = await startTestWorkers(pipeline, db, { processors: { demographics: unchangedProcessor() } });
    await waitFor('the job let go', async () => {
      await relay({ repairAfterMs: 0, repairEveryMs: 0 });
      return (await inFlight()) === 0;
    });
    await db.query(`UPDATE integration_settings SET live_sync = false WHERE id = 1`);
    expect((await relay()).closed).to.have.length(1);
  });

  it('takes no pass while another scheduler holds the lease', async function () {
    const ids = await learners(1);
    await editEmails(ids);
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`SELECT pg_advisory_xact_lock($1)`, [LIVE_RELAY_LOCK]);
      expect(await relay()).to.include({ leased: false, queued: 0 });
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    expect((await relay()).queued).to.equal(1);
  });
});
