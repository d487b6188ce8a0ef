import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { PER_LEARNER_QUEUES, type QueueName } from '../../../queues/definitions.js';
import { runJobId } from '../../../queues/job-ids.js';
import { ActiveRunError, fanOutRun, runView, startRun } from '../../../src/runs/index.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { openTestPipeline, pendingJobIds, silentLogger, type TestPipeline } from '../../support/pipeline.js';
import { SMALL_PROVIDER_JOBS, seedSmallProvider } from './provider-fixture.js';

describe('run fan-out', function () {
  let db: DataSource;
  let pipeline: TestPipeline;

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    pipeline = await openTestPipeline('fan-out');
  });

  afterEach(async function () {
    await pipeline.close();
  });

  async function jobsIn(queue: QueueName): Promise<string[]> {
    return (await pendingJobIds(pipeline, queue)).sort();
  }

  it('queues exactly one job per eligible learner per queue, and one per shared officer and organisation', async function () {
    const { learners, officers, organisations } = await seedSmallProvider(db);
    const { runId } = await startRun(db, pipeline.producers, 'manual');
    await fanOutRun({ db, producers: pipeline.producers, logger: silentLogger, pageSize: 2 }, runId);

    const eligible = [learners.l1, learners.l2, learners.l3];
    const jobNames: Record<string, string> = {
      'qualification-progress': 'learner-progress',
      reviews: 'learner-reviews',
      otj: 'learner-otj',
      demographics: 'learner-demographics',
      status: 'learner-status',
    };
    for (const queue of PER_LEARNER_QUEUES) {
      expect(await jobsIn(queue), queue).to.deep.equal(eligible.map((id) => runJobId(runId, jobNames[queue], id)).sort());
    }
    expect(await jobsIn('officers')).to.deep.equal([officers.shared, officers.second, officers.secondAssessor].map((id) => runJobId(runId, 'officer-details', id)).sort());
    expect(await jobsIn('organisations')).to.deep.equal(
      [
        ...[organisations.shared, organisations.second].map((id) => runJobId(runId, 'organisation-details', id)),
        ...eligible.map((id) => runJobId(runId, 'learner-employer', id)),
      ].sort(),
    );
    expect(await jobsIn('enrolment')).to.deep.equal([]);

    const view = await runView(db, runId);
    expect(view).to.include({ trigger: 'manual', state: 'running', learners: 3 });
    expect(view?.jobs).to.deep.equal({ total: SMALL_PROVIDER_JOBS, completed: 0, failed: 0, waiting: SMALL_PROVIDER_JOBS });
    expect(view?.startedAt).to.be.a('string');
  });

  it('adds no learner-employer jobs when Push Changes to Learner Employer is off', async function () {
    await seedSmallProvider(db, { pushChangesToLearnerEmployer: false });
    const { runId } = await startRun(db, pipeline.producers, 'manual');
    await fanOutRun({ db, producers: pipeline.producers, logger: silentLogger }, runId);
    const organisationJobs = await jobsIn('organisations');
    expect(organisationJobs).to.have.length(2);
    expect(organisationJobs.every((id) => id.includes('.organisation-details.'))).to.equal(true);
    expect((await runView(db, runId))?.jobs.total).to.equal(SMALL_PROVIDER_JOBS - 3);
  });

  it('can run again (a resumed fan-out) without adding a job twice or changing the run size', async function () {
    await seedSmallProvider(db);
    const { runId } = await startRun(db, pipeline.producers, 'manual');
    const deps = { db, producers: pipeline.producers, logger: silentLogger, pageSize: 2 };
    await fanOutRun(deps, runId);
    const counts = await pipeline.producers.queues.reviews.getJobCounts('waiting');
    await fanOutRun(deps, runId);
    expect(await pipeline.producers.queues.reviews.getJobCounts('waiting')).to.deep.equal(counts);
    expect(await jobsIn('officers')).to.have.length(3);
    expect((await runView(db, runId))?.jobs.total).to.equal(SMALL_PROVIDER_JOBS);
  });

  it('refuses a second whole-provider run while one is active', async function () {
    await seedSmallProvider(db);
    const { runId } = await startRun(db, pipeline.producers, 'manual');
    const second = await startRun(db, pipeline.producers, 'schedule').then(
      () => null,
      (error: unknown) => error,
    );
    expect(second).to.be.instanceOf(ActiveRunError);
    expect((second as ActiveRunError).activeRunId).to.equal(runId);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM sync_run`);
    expect(count).to.equal(1);
  });

  it('queues the fan-out as one job of the control queue, however often it is asked for', async function () {
    await seedSmallProvider(db);
    const { runId } = await startRun(db, pipeline.producers, 'manual');
    await pipeline.producers.enqueueFanOut(runId);
    const jobs = await pipeline.producers.control.getJobs(['waiting']);
    expect(jobs.map((job) => [job.name, job.data])).to.deep.equal([['fan-out', { runId }]]);
  });
});
