import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { PER_LEARNER_QUEUES, QUEUE_NAMES } from '../../../queues/definitions.js';
import { fanOutRun, LearnerNotFoundError, NotEnrolledError, requestLearnerSync, runView, startRun } from '../../../src/runs/index.js';
import type { Processor } from '../../../src/jobs/job-contract.js';
import type { RunningWorkers } from '../../../workers/runner.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import {
  gate,
  openTestPipeline,
  pendingJobIds,
  seedLearner,
  silentLogger,
  startTestWorkers,
  unchangedProcessor,
  unchangedProcessors,
  waitFor,
  type TestPipeline,
} from '../../support/pipeline.js';
import { SMALL_PROVIDER_JOBS, seedSmallProvider } from './provider-fixture.js';

describe('Update Learner In Smart Assessor', function () {
  let db: DataSource;
  let pipeline: TestPipeline;
  let workers: RunningWorkers | undefined;

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    pipeline = await openTestPipeline('learner-sync');
  });

  afterEach(async function () {
    await workers?.close({ deadlineMs: 5_000 });
    workers = undefined;
    await pipeline.close();
  });

  it("queues the learner's jobs, their officers' and their placement's, as one run", async function () {
    const { learners } = await seedSmallProvider(db);
    const { runId, jobIds } = await requestLearnerSync(db, pipeline.producers, 'L3');
    // 5 per-learner queues, the employer move, Main Officer and second assessor, placement.
    expect(jobIds).to.have.length(9);
    for (const queue of PER_LEARNER_QUEUES) expect(await pendingJobIds(pipeline, queue), queue).to.have.length(1);
    expect(await pendingJobIds(pipeline, 'officers')).to.have.length(2);
    const view = await runView(db, runId);
    expect(view).to.include({ trigger: 'learner', state: 'running', learners: 1 });
    expect(view?.jobs.total).to.equal(9);
    const [run] = await db.query(`SELECT learner_id FROM sync_run WHERE id = $1`, [runId]);
    expect(run.learner_id).to.equal(learners.l3);
  });

  it('collapses repeated requests while the first is still waiting: one run, one job per queue', async function () {
    await seedSmallProvider(db);
    const first = await requestLearnerSync(db, pipeline.producers, 'L1');
    const [second, third] = await Promise.all([requestLearnerSync(db, pipeline.producers, 'L1'), requestLearnerSync(db, pipeline.producers, 'L1')]);
    expect(second.runId).to.equal(first.runId);
    expect(third.runId).to.equal(first.runId);
    expect(second.jobIds).to.deep.equal(first.jobIds);
    // L1's Main Officer; their placement and their employer move.
    const expected: Record<string, number> = { officers: 1, organisations: 2 };
    for (const queue of QUEUE_NAMES.filter((name) => name !== 'enrolment')) {
      expect(await pendingJobIds(pipeline, queue), queue).to.have.length(expected[queue] ?? 1);
    }
    const [{ runs }] = await db.query(`SELECT count(*)::int AS runs FROM sync_run WHERE trigger = 'learner'`);
    expect(runs).to.equal(1);
  });

  it('goes ahead of the daily backlog, taking over the backlog job, and both runs finish with exact counts', async function () {
    const { learners } = await seedSmallProvider(db);
    const { runId: dailyRunId } = await startRun(db, pipeline.producers, 'schedule');
    await fanOutRun({ db, producers: pipeline.producers, logger: silentLogger }, dailyRunId);
    const { runId: learnerRunId } = await requestLearnerSync(db, pipeline.producers, 'L3');
    expect(await pendingJobIds(pipeline, 'reviews')).to.have.length(3);

    const reviewOrder: number[] = [];
    const unchangedReviews = unchangedProcessor<'reviews'>();
    const reviews: Processor<'reviews'> = async (job, context, deps) => {
      reviewOrder.push(job.data.learnerId);
      return unchangedReviews(job, context, deps);
    };
    const queues = QUEUE_NAMES.filter((queue) => queue !== 'enrolment');
    workers = await startTestWorkers(pipeline, db, { processors: { ...unchangedProcessors(queues), reviews }, concurrency: 1 });

    for (const runId of [dailyRunId, learnerRunId]) {
      await waitFor(`run ${runId} to complete`, async () => (await runView(db, runId))?.state === 'completed');
    }
    expect(reviewOrder[0]).to.equal(learners.l3);
    expect(reviewOrder.filter((id) => id === learners.l3)).to.have.length(1);
    const daily = await runView(db, dailyRunId);
    expect(daily?.jobs).to.deep.equal({ total: SMALL_PROVIDER_JOBS, completed: SMALL_PROVIDER_JOBS, failed: 0, waiting: 0 });
    const [takenOver] = await db.query(`SELECT outcome, error FROM sync_event WHERE run_id = $1 AND queue = 'reviews' AND subject_ref = 'L3'`, [dailyRunId]);
    expect(takenOver.outcome).to.equal('skipped');
    expect(takenOver.error).to.include(learnerRunId);
    const [ran] = await db.query(`SELECT outcome FROM sync_event WHERE run_id = $1 AND queue = 'reviews' AND subject_ref = 'L3'`, [learnerRunId]);
    expect(ran.outcome).to.equal('unchanged');
  });

  it('runs once more after the running job when asked again while it runs, and only once', async function () {
    const { learners } = await seedSmallProvider(db);
    const held = gate();
    let calls = 0;
    const unchangedReviews = unchangedProcessor<'reviews'>();
    const reviews: Processor<'reviews'> = async (job, context, deps) => {
      calls += 1;
      if (calls === 1) await held.promise;
      return unchangedReviews(job, context, deps);
    };
    workers = await startTestWorkers(pipeline, db, { processors: { reviews }, concurrency: 2 });
    const first = await requestLearnerSync(db, pipeline.producers, 'L1');
    await waitFor('the first reviews job to be running', async () => calls === 1);

    const again = await requestLearnerSync(db, pipeline.producers, 'L1');
    const andAgain = await requestLearnerSync(db, pipeline.producers, 'L1');
    expect(again.runId).to.equal(first.runId);
    expect(andAgain.runId).to.equal(first.runId);
    // Nothing runs beside the running job; the queues not being worked keep one job each.
    expect(calls).to.equal(1);
    expect(await pendingJobIds(pipeline, 'otj')).to.have.length(1);

    held.open();
    await waitFor('the reviews job to run once more', async () => calls === 2);
    await waitFor('the reviews queue to be empty', async () => (await pendingJobIds(pipeline, 'reviews')).length === 0);
    expect(calls).to.equal(2);
    const events = await db.query(`SELECT outcome FROM sync_event WHERE run_id = $1 AND queue = 'reviews' AND learner_id = $2`, [first.runId, learners.l1]);
    expect(events).to.deep.equal([{ outcome: 'unchanged' }]);
  });

  it('refuses a learner who is not enrolled, and one who does not exist', async function () {
    await seedLearner(db, { ident: 'L-NEW', smartAssessorId: null });
    const notEnrolled = await requestLearnerSync(db, pipeline.producers, 'L-NEW').catch((error: unknown) => error);
    expect(notEnrolled).to.be.instanceOf(NotEnrolledError);
    const unknown = await requestLearnerSync(db, pipeline.producers, 'L-NOBODY').catch((error: unknown) => error);
    expect(unknown).to.be.instanceOf(LearnerNotFoundError);
    const [{ runs }] = await db.query(`SELECT count(*)::int AS runs FROM sync_run`);
    expect(runs).to.equal(0);
  });

  it('syncs an enrolled learner whatever their eligibility', async function () {
    await seedLearner(db, { ident: 'L-ARCHIVED', systemStatus: 'Archived', aimEnds: ['2021-01-01'] });
    const { jobIds } = await requestLearnerSync(db, pipeline.producers, 'L-ARCHIVED');
    expect(jobIds).to.have.length(5);
  });
});
