import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { QUEUE_NAMES } from '../../../queues/definitions.js';
import { fanOutRun, runView, startRun } from '../../../src/runs/index.js';
import type { Processor } from '../../../src/jobs/job-contract.js';
import type { RunningWorkers } from '../../../workers/runner.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { gate, openTestPipeline, silentLogger, startTestWorkers, unchangedProcessor, unchangedProcessors, waitFor, type TestPipeline } from '../../support/pipeline.js';
import { SMALL_PROVIDER_JOBS, seedSmallProvider } from './provider-fixture.js';

describe('run progress and completion', function () {
  let db: DataSource;
  let pipeline: TestPipeline;
  let workers: RunningWorkers | undefined;

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    pipeline = await openTestPipeline('progress');
  });

  afterEach(async function () {
    await workers?.close({ deadlineMs: 5_000 });
    workers = undefined;
    await pipeline.close();
  });

  it('shows done, waiting and an ETA while the run goes, and completes it on its last outcome', async function () {
    const { learners } = await seedSmallProvider(db);
    const held = gate();
    const unchanged = unchangedProcessor<'reviews'>();
    const reviews: Processor<'reviews'> = async (job, context, deps) => {
      if (job.data.learnerId === learners.l3) await held.promise;
      return unchanged(job, context, deps);
    };
    const queues = QUEUE_NAMES.filter((queue) => queue !== 'enrolment');
    workers = await startTestWorkers(pipeline, db, { processors: { ...unchangedProcessors(queues), reviews } });

    const { runId } = await startRun(db, pipeline.producers, 'manual');
    await fanOutRun({ db, producers: pipeline.producers, logger: silentLogger }, runId);

    const midway = await waitFor('all but the held job to finish', async () => {
      const view = await runView(db, runId);
      return view && view.jobs.completed === SMALL_PROVIDER_JOBS - 1 ? view : null;
    });
    expect(midway.state).to.equal('running');
    expect(midway.jobs).to.deep.equal({ total: SMALL_PROVIDER_JOBS, completed: SMALL_PROVIDER_JOBS - 1, failed: 0, waiting: 1 });
    expect(midway.etaSeconds).to.be.a('number').and.be.at.least(0);
    expect(midway.finishedAt).to.equal(null);

    held.open();
    const done = await waitFor('the run to complete', async () => {
      const view = await runView(db, runId);
      return view?.state === 'completed' ? view : null;
    });
    expect(done.jobs).to.deep.equal({ total: SMALL_PROVIDER_JOBS, completed: SMALL_PROVIDER_JOBS, failed: 0, waiting: 0 });
    expect(done.finishedAt).to.be.a('string');
    expect(done.etaSeconds).to.equal(null);

    const [settings] = await db.query(`SELECT last_synchronised_at FROM integration_settings WHERE id = 1`);
    expect(settings.last_synchronised_at?.toISOString()).to.equal(done.finishedAt);
    const [{ events }] = await db.query(`SELECT count(*)::int AS events FROM sync_event WHERE run_id = $1`, [runId]);
    expect(events).to.equal(SMALL_PROVIDER_JOBS);
    const synced = await db.query(`SELECT learner_ident FROM learner WHERE last_synced_at IS NOT NULL ORDER BY learner_ident`);
    expect(synced.map((row: { learner_ident: string }) => row.learner_ident)).to.deep.equal(['L1', 'L2', 'L3']);
  });

  it('completes a run with no eligible learners as soon as it is fanned out', async function () {
    const { runId } = await startRun(db, pipeline.producers, 'schedule');
    await fanOutRun({ db, producers: pipeline.producers, logger: silentLogger }, runId);
    const view = await runView(db, runId);
    expect(view).to.include({ state: 'completed', learners: 0 });
    expect(view?.jobs.total).to.equal(0);
  });
});
