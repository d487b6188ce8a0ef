import { Worker, UnrecoverableError } from 'bullmq';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { workerConnection } from '../../../queues/connection.js';
import { QUEUE_NAMES } from '../../../queues/definitions.js';
import { fanOutRun, reconcileRuns, runView, startRun, type ProgressMemory } from '../../../src/runs/index.js';
import { startScheduler, type RunningScheduler } from '../../../src/scheduler/index.js';
import type { Processor } from '../../../src/jobs/job-contract.js';
import type { RunningWorkers } from '../../../workers/runner.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import {
  FAST_WORKERS,
  loseQueueData,
  openTestPipeline,
  silentLogger,
  startTestWorkers,
  unchangedProcessor,
  unchangedProcessors,
  waitFor,
  type TestPipeline,
} from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';
import { SMALL_PROVIDER_JOBS, seedSmallProvider } from './provider-fixture.js';

/** A memory that always finds the run stuck, so one pass repairs it. */
const alwaysStuck: ProgressMemory = { unchangedSince: async () => true, forget: async () => undefined };

describe('run reconciler', function () {
  let db: DataSource;
  let pipeline: TestPipeline;
  let workers: RunningWorkers | undefined;
  let scheduler: RunningScheduler | undefined;

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    pipeline = await openTestPipeline('reconcile');
  });

  afterEach(async function () {
    await scheduler?.close();
    scheduler = undefined;
    await workers?.close({ deadlineMs: 5_000 });
    workers = undefined;
    await pipeline.close();
  });

  const runQueues = QUEUE_NAMES.filter((queue) => queue !== 'enrolment');

  function startQuickScheduler(): Promise<RunningScheduler> {
    return startScheduler({
      db,
      producers: pipeline.producers,
      connection: workerConnection(testRedisUrl),
      prefix: pipeline.prefix,
      logger: silentLogger,
      reconcileEveryMs: 300,
      tuning: FAST_WORKERS,
    });
  }

  it('queues again, from PostgreSQL, the jobs Redis lost, skipping those already done, and the run completes', async function () {
    await seedSmallProvider(db);
    const { runId } = await startRun(db, pipeline.producers, 'manual');
    await fanOutRun({ db, producers: pipeline.producers, logger: silentLogger }, runId);

    const reviewed: number[] = [];
    const unchangedReviews = unchangedProcessor<'reviews'>();
    const reviews: Processor<'reviews'> = async (job, context, deps) => {
      reviewed.push(job.data.learnerId);
      return unchangedReviews(job, context, deps);
    };
    workers = await startTestWorkers(pipeline, db, { processors: { reviews } });
    await waitFor('the reviews jobs to finish', async () => (await runView(db, runId))?.jobs.completed === 3);
    await workers.close();

    expect(await loseQueueData(pipeline)).to.be.greaterThan(0);
    workers = await startTestWorkers(pipeline, db, { processors: { ...unchangedProcessors(runQueues), reviews } });
    scheduler = await startQuickScheduler();

    const done = await waitFor('the repaired run to complete', async () => {
      const view = await runView(db, runId);
      return view?.state === 'completed' ? view : null;
    });
    expect(done.jobs).to.deep.equal({ total: SMALL_PROVIDER_JOBS, completed: SMALL_PROVIDER_JOBS, failed: 0, waiting: 0 });
    expect(reviewed).to.have.length(3);
    const [{ events }] = await db.query(`SELECT count(*)::int AS events FROM sync_event WHERE run_id = $1`, [runId]);
    expect(events).to.equal(SMALL_PROVIDER_JOBS);
  });

  it('queues again the fan-out of a run Redis lost before it was fanned out', async function () {
    await seedSmallProvider(db);
    const { runId } = await startRun(db, pipeline.producers, 'manual');
    await loseQueueData(pipeline);
    workers = await startTestWorkers(pipeline, db, { processors: unchangedProcessors(runQueues) });
    scheduler = await startQuickScheduler();
    await waitFor('the run to complete', async () => (await runView(db, runId))?.state === 'completed');
    expect((await runView(db, runId))?.jobs.completed).to.equal(SMALL_PROVIDER_JOBS);
  });

  it('records the failure of a job that failed in Redis without an outcome', async function () {
    await seedSmallProvider(db);
    const { runId } = await startRun(db, pipeline.producers, 'manual');
    await fanOutRun({ db, producers: pipeline.producers, logger: silentLogger }, runId);
    // A worker that is not the runner (as BullMQ's stalled check is) fails the OTJ jobs without telling PostgreSQL.
    const bare = new Worker(
      'otj',
      async () => {
        throw new UnrecoverableError('job stalled more than allowable limit');
      },
      { connection: workerConnection(testRedisUrl), prefix: pipeline.prefix },
    );
    await waitFor('the OTJ jobs to fail', async () => (await pipeline.producers.queues.otj.getJobCounts('failed')).failed === 3);
    await bare.close();

    const repairs = await reconcileRuns({ db, producers: pipeline.producers, logger: silentLogger, progress: alwaysStuck });
    expect(repairs).to.have.length(1);
    expect(repairs[0]).to.include({ failuresRecorded: 3, requeued: 0 });
    const failed = await db.query(`SELECT subject_ref, error FROM sync_event WHERE run_id = $1 AND outcome = 'failed' ORDER BY subject_ref`, [runId]);
    expect(failed).to.deep.equal(['L1', 'L2', 'L3'].map((ref) => ({ subject_ref: ref, error: 'job stalled more than allowable limit' })));
    expect((await runView(db, runId))?.jobs.failed).to.equal(3);
  });

  it('leaves a moving run alone and finishes a run whose remaining subjects left it', async function () {
    const { learners } = await seedSmallProvider(db);
    const { runId } = await startRun(db, pipeline.producers, 'manual');
    await fanOutRun({ db, producers: pipeline.producers, logger: silentLogger }, runId);
    const moving: ProgressMemory = { unchangedSince: async () => false, forget: async () => undefined };
    expect(await reconcileRuns({ db, producers: pipeline.producers, logger: silentLogger, progress: moving })).to.deep.equal([]);

    workers = await startTestWorkers(pipeline, db, { processors: unchangedProcessors(runQueues) });
    await waitFor('all but L3 to be done', async () => {
      const [{ left }] = await db.query(`SELECT count(*)::int AS left FROM sync_event WHERE run_id = $1`, [runId]);
      return left === SMALL_PROVIDER_JOBS;
    });
    await workers.close();
    // L3's events are taken away and L3 archived: its jobs no longer belong to the run.
    await db.query(`DELETE FROM sync_event WHERE run_id = $1 AND learner_id = $2`, [runId, learners.l3]);
    await db.query(`UPDATE sync_run SET jobs_completed = jobs_completed - 6, state = 'running', finished_at = NULL WHERE id = $1`, [runId]);
    await db.query(`UPDATE learner SET system_status = 'Archived' WHERE id = $1`, [learners.l3]);
    await loseQueueData(pipeline);

    const [repair] = await reconcileRuns({ db, producers: pipeline.producers, logger: silentLogger, progress: alwaysStuck });
    expect(repair).to.include({ requeued: 0, pending: 0, closed: true });
    const [run] = await db.query(`SELECT state, jobs_total, error FROM sync_run WHERE id = $1`, [runId]);
    expect(run.state).to.equal('completed');
    expect(run.jobs_total).to.equal(SMALL_PROVIDER_JOBS - 6);
    expect(run.error).to.match(/^6 job\(s\) no longer applied/);
  });
});
