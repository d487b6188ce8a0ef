import { expect } from 'chai';
import type { DataSource, EntityManager } from 'typeorm';
import { runJobId } from '../../../queues/job-ids.js';
import { adminDetailOf, InvalidDataError, PermanentError } from '../../../src/failure-kinds.js';
import { runView } from '../../../src/runs/index.js';
import { SmartAssessorError } from '../../../src/smart-assessor/smart-assessor-error.js';
import type { Processor } from '../../../src/jobs/job-contract.js';
import type { RunningWorkers } from '../../../workers/runner.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { openTestPipeline, seedLearner, startTestWorkers, unchangedProcessor, waitFor, type TestPipeline } from '../../support/pipeline.js';

describe('job retries and failures', function () {
  let db: DataSource;
  let pipeline: TestPipeline;
  let workers: RunningWorkers | undefined;
  let runId: string;

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    pipeline = await openTestPipeline('failures');
    [{ id: runId }] = await db.query(
      `INSERT INTO sync_run (trigger, state, as_of_date, fan_out_complete, jobs_total, started_at) VALUES ('manual', 'running', '2026-03-31', true, 1, now()) RETURNING id`,
    );
  });

  afterEach(async function () {
    await workers?.close({ deadlineMs: 5_000 });
    workers = undefined;
    await pipeline.close();
  });

  /** One OTJ job of the run, with a quick backoff so retries come within milliseconds. */
  async function addOtjJob(learnerId: number, attempts: number) {
    const jobId = runJobId(runId, 'learner-otj', learnerId);
    await pipeline.producers.queues.otj.add('learner-otj', { runId, learnerId }, { jobId, attempts, backoff: { type: 'fixed', delay: 20 } });
    return jobId;
  }

  async function finished(jobId: string) {
    return waitFor(`job ${jobId} to finish`, async () => {
      const job = await pipeline.producers.queues.otj.getJob(jobId);
      const state = await job?.getState();
      return state === 'completed' || state === 'failed' ? { job: job!, state } : null;
    });
  }

  async function eventOf(learnerId: number) {
    return db.query(`SELECT outcome, error FROM sync_event WHERE run_id = $1 AND learner_id = $2`, [runId, learnerId]);
  }

  it('retries a transient failure with backoff and records only the success', async function () {
    const learnerId = await seedLearner(db, { ident: 'L-FLAKY' });
    const unchanged = unchangedProcessor<'otj'>();
    const attemptsSeen: number[] = [];
    const otj: Processor<'otj'> = async (job, context, deps) => {
      attemptsSeen.push(context.attempt);
      if (context.attempt < 3) throw new SmartAssessorError('transient', 'Smart Assessor answered 503');
      return unchanged(job, context, deps);
    };
    workers = await startTestWorkers(pipeline, db, { processors: { otj } });
    const { job, state } = await finished(await addOtjJob(learnerId, 5));
    expect(state).to.equal('completed');
    expect(attemptsSeen).to.deep.equal([1, 2, 3]);
    expect(job.attemptsMade).to.equal(3);
    expect(await eventOf(learnerId)).to.deep.equal([{ outcome: 'unchanged', error: null }]);
    expect((await runView(db, runId))?.state).to.equal('completed');
  });

  it('records the failure in PostgreSQL on the final attempt only', async function () {
    const learnerId = await seedLearner(db, { ident: 'L-DOWN' });
    const eventsDuringAttempts: number[] = [];
    const otj: Processor<'otj'> = async () => {
      const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM sync_event WHERE run_id = $1`, [runId]);
      eventsDuringAttempts.push(count);
      throw new SmartAssessorError('transient', 'Smart Assessor could not be reached for getLearnerOtj (ECONNREFUSED)');
    };
    workers = await startTestWorkers(pipeline, db, { processors: { otj } });
    const { job, state } = await finished(await addOtjJob(learnerId, 3));
    expect(state).to.equal('failed');
    expect(job.attemptsMade).to.equal(3);
    expect(eventsDuringAttempts).to.deep.equal([0, 0, 0]);
    expect(await eventOf(learnerId)).to.deep.equal([{ outcome: 'failed', error: 'Smart Assessor could not be reached for getLearnerOtj (ECONNREFUSED)' }]);
    const [learner] = await db.query(`SELECT last_error FROM learner WHERE id = $1`, [learnerId]);
    expect(learner.last_error).to.equal('otj: Smart Assessor could not be reached for getLearnerOtj (ECONNREFUSED)');
    expect((await runView(db, runId))?.jobs).to.deep.equal({ total: 1, completed: 0, failed: 1, waiting: 0 });
  });

  const failNow: Array<[string, Error]> = [
    ['invalid data', new InvalidDataError([{ record: 'learner L-BAD', field: 'uln', value: '123', reason: 'must be 10 digits' }])],
    ['a permanent MIS problem', new PermanentError('Organisation ORG7 has Additional ID 301, which Smart Assessor does not know')],
    ['a contract violation', new SmartAssessorError('permanent', 'getLearnerOtj answered a body that does not match the contract: actualHours is missing')],
    ['refused credentials', new SmartAssessorError('auth', 'Smart Assessor refused the username and password (check Settings)')],
  ];
  for (const [what, error] of failNow) {
    it(`fails at once, without retry, on ${what}, with the readable reason (values only in PostgreSQL)`, async function () {
      const learnerId = await seedLearner(db, { ident: 'L-BAD' });
      let calls = 0;
      const otj: Processor<'otj'> = async () => {
        calls += 1;
        throw error;
      };
      workers = await startTestWorkers(pipeline, db, { processors: { otj } });
      const { job, state } = await finished(await addOtjJob(learnerId, 5));
      expect(state).to.equal('failed');
      expect(calls).to.equal(1);
      expect(job.failedReason).to.equal(error.message);
      expect(job.failedReason).not.to.include('"123"');
      const kept = adminDetailOf(error) ?? error.message;
      expect(await eventOf(learnerId)).to.deep.equal([{ outcome: 'failed', error: kept }]);
      const [learner] = await db.query(`SELECT last_error FROM learner WHERE id = $1`, [learnerId]);
      expect(learner.last_error).to.equal(`otj: ${kept}`);
    });
  }

  it('refuses a job whose payload is malformed, at once', async function () {
    let calls = 0;
    workers = await startTestWorkers(pipeline, db, {
      processors: {
        otj: async () => {
          calls += 1;
          throw new Error('not reached');
        },
      },
    });
    await pipeline.producers.queues.otj.add('learner-otj', { runId, learnerId: -4 }, { jobId: 'malformed-1', attempts: 5 });
    await waitFor('the malformed job to fail', async () => (await pipeline.producers.queues.otj.getJobState('malformed-1')) === 'failed');
    // Read once it has failed: a copy read before could hold the job as it was while running.
    const job = await pipeline.producers.queues.otj.getJob('malformed-1');
    expect(calls).to.equal(0);
    expect(job?.failedReason).to.equal('job learner-otj needs learnerId as a positive whole number, not -4');
  });

  it('pauses the queue for Retry-After on a 429, for every worker, without spending an attempt', async function () {
    const limited = await seedLearner(db, { ident: 'L-LIMITED' });
    const waiting = await seedLearner(db, { ident: 'L-WAITING' });
    const unchanged = unchangedProcessor<'otj'>();
    const calls: number[] = [];
    const otj: Processor<'otj'> = async (job, context, deps) => {
      calls.push(job.data.learnerId);
      if (calls.length === 1) throw new SmartAssessorError('rate-limited', 'Smart Assessor answered 429', { retryAfterMs: 1_500 });
      return unchanged(job, context, deps);
    };
    // Two processes' worth of workers on the queue: the pause must hold for both.
    workers = await startTestWorkers(pipeline, db, { processors: { otj }, concurrency: 1 });
    const other = await startTestWorkers(pipeline, db, { processors: { otj }, concurrency: 1 });
    try {
      // One attempt only: had the 429 spent it, the job would have failed.
      const first = await addOtjJob(limited, 1);
      await waitFor('the 429', async () => calls.length === 1);
      // Read before asking Redis, so the pause's end is never put later than it is.
      const { ttl, pausedUntil } = await waitFor('the queue to be paused', async () => {
        const askedAt = Date.now();
        const left = await pipeline.producers.queues.otj.getRateLimitTtl();
        return left > 0 ? { ttl: left, pausedUntil: askedAt + left } : null;
      });
      expect(ttl).to.be.at.most(1_500);
      const second = await addOtjJob(waiting, 1);
      const results = await Promise.all([finished(first), finished(second)]);
      expect(results.map(({ state }) => state)).to.deep.equal(['completed', 'completed']);
      // Neither worker took a job before the pause was over (a little slack for the clock's granularity).
      for (const { job } of results) expect(job.processedOn).to.be.at.least(pausedUntil - 20);
      expect(results[0].job.attemptsMade).to.equal(1);
      expect(calls.filter((id) => id === limited)).to.have.length(2);
      expect(await eventOf(limited)).to.deep.equal([{ outcome: 'unchanged', error: null }]);
    } finally {
      await other.close({ deadlineMs: 5_000 });
    }
  });

  it("commits the processor's writes and its sync event in one transaction", async function () {
    const learnerId = await seedLearner(db, { ident: 'L-COMMIT' });
    const otj: Processor<'otj'> = async (job) => {
      const result = {
        subject: { type: 'learner' as const, ref: 'L-COMMIT', learnerId: job.data.learnerId },
        outcome: 'changed' as const,
        changes: [{ record: 'learner L-COMMIT', field: 'actualOtjHours', from: null, to: 41.5, direction: 'pull' as const }],
      };
      return {
        ...result,
        misWrites: [
          async (manager: EntityManager) => {
            await manager.query(`UPDATE learner SET actual_otj_hours = 41.5 WHERE id = $1`, [job.data.learnerId]);
          },
        ],
      };
    };
    workers = await startTestWorkers(pipeline, db, { processors: { otj } });
    const jobId = await addOtjJob(learnerId, 3);
    expect((await finished(jobId)).state).to.equal('completed');
    const [learner] = await db.query(`SELECT actual_otj_hours FROM learner WHERE id = $1`, [learnerId]);
    expect(learner.actual_otj_hours).to.equal('41.50');
    const events = await db.query(`SELECT outcome, job_id FROM sync_event WHERE run_id = $1`, [runId]);
    expect(events).to.deep.equal([{ outcome: 'changed', job_id: jobId }]);
  });

  it('keeps none of the writes when the sync event cannot be written with them', async function () {
    const learnerId = await seedLearner(db, { ident: 'L-ROLLBACK' });
    const otj: Processor<'otj'> = async (job) => {
      // A subject ref longer than the column allows: the event insert fails inside the transaction.
      const result = { subject: { type: 'learner' as const, ref: 'L'.repeat(80), learnerId: job.data.learnerId }, outcome: 'changed' as const, changes: [] };
      return {
        ...result,
        misWrites: [
          async (manager: EntityManager) => {
            await manager.query(`UPDATE learner SET actual_otj_hours = 99 WHERE id = $1`, [job.data.learnerId]);
          },
        ],
      };
    };
    workers = await startTestWorkers(pipeline, db, { processors: { otj } });
    expect((await finished(await addOtjJob(learnerId, 3))).state).to.equal('failed');
    const [learner] = await db.query(`SELECT actual_otj_hours FROM learner WHERE id = $1`, [learnerId]);
    expect(learner.actual_otj_hours).to.equal(null);
    expect(await eventOf(learnerId))
      .to.have.length(1)
      .and.to.have.nested.property('[0].outcome', 'failed');
  });
});
