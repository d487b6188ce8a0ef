import { expect } from 'chai';
import { AlreadyEnrolledError, requestEnrolment } from '../../../src/enrolment/index.js';
import { LearnerNotFoundError } from '../../../src/runs/run-refusals.js';
import { openTestPipeline, type TestPipeline } from '../../support/pipeline.js';
import { learner, provider } from './fixtures.js';
import { rejectionOf, startTestbed, type Testbed } from './testbed.js';

describe('enrolment request (POST /api/learners/{ident}/enrolment)', () => {
  let bed: Testbed;
  let pipeline: TestPipeline;

  beforeEach(async () => {
    bed = await startTestbed();
    pipeline = await openTestPipeline('enrolment-request');
  });
  afterEach(async () => {
    await pipeline.close();
    await bed.close();
  });

  it('queues one enrol-learner job carrying the learner id only, and answers a repeated request with that job', async () => {
    await bed.load(provider([learner(1)]));
    const { id } = await bed.learner('L000001');

    const first = await requestEnrolment(bed.db, pipeline.producers, 'L000001');
    const second = await requestEnrolment(bed.db, pipeline.producers, 'L000001');

    expect(second.jobId).to.equal(first.jobId);
    const queue = pipeline.producers.queues.enrolment;
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(jobs.map((job) => [job.id, job.name, job.data])).to.deep.equal([[first.jobId, 'enrol-learner', { learnerId: id }]]);
    expect(bed.simulator.store.counters.requests, 'nothing is sent until the job runs').to.equal(0);
  });

  it('refuses a learner who already has a Smart Assessor ID, queueing nothing', async () => {
    await bed.load(provider([learner(1, { smartAssessorId: 'lrn-77' })]));

    const error = await rejectionOf(requestEnrolment(bed.db, pipeline.producers, 'L000001'));

    expect(error).to.be.instanceOf(AlreadyEnrolledError);
    expect(error.message).to.equal('Learner L000001 is already enrolled in Smart Assessor (Smart Assessor ID lrn-77)');
    expect(await pipeline.producers.queues.enrolment.count()).to.equal(0);
  });

  it('refuses an unknown Learner Ident', async () => {
    const error = await rejectionOf(requestEnrolment(bed.db, pipeline.producers, 'L404'));
    expect(error).to.be.instanceOf(LearnerNotFoundError);
  });
});
