import { expect } from 'chai';
import { workerConnection } from '../../../queues/connection.js';
import { QUEUE_NAMES } from '../../../queues/definitions.js';
import { createWorkerDeps } from '../../../workers/deps.js';
import { PROCESSOR_REGISTRATIONS, processorMap } from '../../../workers/processors.js';
import { startWorkers } from '../../../workers/runner.js';
import { startTestAdmin, type TestAdmin } from '../../support/admin.js';
import { FAST_WORKERS, silentLogger, waitFor } from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';
import { startTestSimulator, type RunningSimulator } from '../../support/simulator.js';
import { FIXED_NOW, providerDocument } from './fixtures.js';

/**
 * SPEC.md §4: Integration Enabled off stops everything that talks to Smart Assessor. No
 * run starts and no enrolment or Update Learner is accepted (409, saying why), and jobs
 * already queued finish as skipped, asking Smart Assessor nothing.
 */
describe('Integration Enabled off', () => {
  let admin: TestAdmin;
  let simulator: RunningSimulator;

  before(async () => {
    admin = await startTestAdmin({ now: () => FIXED_NOW });
    simulator = await startTestSimulator({ recordRequests: true });
  });
  beforeEach(async () => {
    await admin.reset();
    await Promise.all([...Object.values(admin.queues), admin.producers.control].map((queue) => queue.obliterate({ force: true })));
    expect((await admin.api.post('/api/import', providerDocument())).status).to.equal(200);
    await admin.settings.update({ baseUrl: simulator.baseUrl, ...simulator.credentials });
    simulator.store.resetCounters();
  });
  after(async () => {
    await admin?.close();
    await simulator?.close();
  });

  const switchTo = async (integrationEnabled: boolean) => expect((await admin.api.put('/api/settings', { integrationEnabled })).status).to.equal(200);
  const queuedJobs = async () =>
    (await Promise.all([...Object.values(admin.queues), admin.producers.control].map((queue) => queue.count()))).reduce((sum, count) => sum + count, 0);

  it('answers 409 to a run, an enrolment and an Update Learner, saying the integration is disabled, and queues nothing', async () => {
    await switchTo(false);
    const refusals = [
      ['POST /api/sync/runs', await admin.api.post('/api/sync/runs'), 'a synchronisation run'],
      ['POST /api/learners/L000124/enrolment', await admin.api.post('/api/learners/L000124/enrolment'), 'enrolment'],
      ['POST /api/learners/L000123/sync', await admin.api.post('/api/learners/L000123/sync'), '"Update Learner In Smart Assessor"'],
    ] as const;
    for (const [route, answer, refused] of refusals) {
      expect(answer.status, route).to.equal(409);
      expect(answer.body.error, route).to.deep.equal({
        code: 'conflict',
        message: `The integration is disabled (Settings: Integration Enabled is off), so ${refused} is refused; switch it on first`,
      });
    }
    expect(await queuedJobs()).to.equal(0);
    expect((await admin.db.query('SELECT count(*)::int AS n FROM sync_run'))[0].n).to.equal(0);

    await switchTo(true);
    expect((await admin.api.post('/api/sync/runs')).status, 'switched on again, a run starts at once').to.equal(202);
  });

  it('finishes the jobs queued before it was switched off, enrolment included, as skipped, asking Smart Assessor nothing', async () => {
    const enrolment = await admin.api.post('/api/learners/L000124/enrolment');
    const update = await admin.api.post('/api/learners/L000123/sync');
    expect([enrolment.status, update.status]).to.deep.equal([202, 202]);
    await switchTo(false);

    const deps = createWorkerDeps({ db: admin.db, redis: admin.redis, config: { QUEUE_PREFIX: admin.prefix }, settings: admin.settings, logger: silentLogger });
    const workers = await startWorkers({
      connection: workerConnection(testRedisUrl),
      prefix: admin.prefix,
      queues: QUEUE_NAMES,
      concurrency: 2,
      processors: processorMap(PROCESSOR_REGISTRATIONS),
      deps,
      tuning: FAST_WORKERS,
    });
    try {
      await waitFor('the enrolment job to finish', async () => (await admin.queues.enrolment.getJob(enrolment.body.jobId))?.finishedOn);
      await waitFor('the Update Learner run to finish', async () => (await admin.api.get(`/api/sync/runs/${update.body.runId}`)).body.state === 'completed');
    } finally {
      await workers.close();
      deps.close();
    }

    expect(await (await admin.queues.enrolment.getJob(enrolment.body.jobId))!.getState()).to.equal('completed');
    const events = await admin.db.query(`SELECT run_id AS "runId", queue, subject_ref AS ref, outcome FROM sync_event ORDER BY queue, subject_ref`);
    expect(events.filter((event: { runId: string | null }) => event.runId === null)).to.deep.equal([{ runId: null, queue: 'enrolment', ref: 'L000124', outcome: 'skipped' }]);
    const runEvents = events.filter((event: { runId: string | null }) => event.runId === update.body.runId);
    expect(runEvents.length, 'every per-learner job, the officer and the organisation').to.equal(update.body.jobIds.length);
    expect(runEvents.map((event: { outcome: string }) => event.outcome)).to.deep.equal(runEvents.map(() => 'skipped'));
    expect(simulator.store.counters.requests, 'nothing was asked of Smart Assessor').to.equal(0);
    expect((await admin.api.get('/api/learners/L000124')).body.smartAssessorId).to.equal(null);
  });
});
