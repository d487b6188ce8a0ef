import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { workerConnection } from '../../../queues/connection.js';
import type { RunningAdminServer } from '../../../src/admin/server.js';
import { startScheduler, type RunningScheduler } from '../../../src/scheduler/index.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import { SettingsService } from '../../../src/settings/settings-service.js';
import { ApiClient, CapturedLog, startAdminForTests, TEST_API_TOKEN } from '../../support/admin.js';
import { resetDatabase, testDatabaseUrl, testDataSource } from '../../support/database.js';
import { enrolledProvider } from '../../support/enrolled-provider.js';
import { FAST_WORKERS, openTestPipeline, silentLogger, waitFor, type TestPipeline } from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';
import { startTestSimulator, type RunningSimulator } from '../../support/simulator.js';

/** The product's command line, built beside this test (dist/cli/main.js). */
const CLI = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));

interface WorkerProcess {
  process: ChildProcess;
  output: string[];
  exited: Promise<unknown>;
}

/**
 * SPEC.md §4 "Settings apply at once", with the product as it is deployed: an admin server,
 * a scheduler, and two `sai worker` processes of their own, each caching what it may.
 * A run started straight after a save works under the save in every process.
 */
describe('settings apply at once, in every worker process', function () {
  this.timeout(120_000);
  let db: DataSource;
  let simulator: RunningSimulator;
  let pipeline: TestPipeline;
  let admin: RunningAdminServer;
  let api: ApiClient;
  let scheduler: RunningScheduler;
  const workers: WorkerProcess[] = [];
  let learners: Array<{ ident: string; saId: string }>;

  function startWorkerProcess(key: Buffer): WorkerProcess {
    const child = spawn(process.execPath, ['--enable-source-maps', CLI, 'worker', '--concurrency', '2'], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: testDatabaseUrl(),
        REDIS_URL: testRedisUrl,
        QUEUE_PREFIX: pipeline.prefix,
        SETTINGS_ENCRYPTION_KEY: key.toString('hex'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    return { process: child, output, exited: once(child, 'exit') };
  }

  async function runToTheEnd(runId: string): Promise<void> {
    await waitFor(
      `run ${runId} to finish`,
      async () => {
        const run = await api.get(`/api/sync/runs/${runId}`);
        return run.body.state === 'completed' || run.body.state === 'failed';
      },
      60_000,
    );
  }

  /** The demographics events of a run, with the pid of the worker process that ran each job. */
  async function demographicsOf(runId: string): Promise<Array<{ ref: string; outcome: string; directions: string[]; pid: string }>> {
    const events: Array<{ subject_ref: string; outcome: string; job_id: string; changes: Array<{ direction: string }> }> = await db.query(
      `SELECT subject_ref, outcome, job_id, changes FROM sync_event WHERE run_id = $1 AND queue = 'demographics' ORDER BY subject_ref`,
      [runId],
    );
    return Promise.all(
      events.map(async (event) => {
        const job = await pipeline.producers.queues.demographics.getJob(event.job_id);
        return { ref: event.subject_ref, outcome: event.outcome, directions: event.changes.map((change) => change.direction), pid: job?.processedBy?.split('@')[1] ?? '?' };
      }),
    );
  }

  const setSaEmail = (saId: string, email: string) => simulator.store.updateLearner(saId, { email });
  const emailsPushed = () => simulator.store.recorded.filter((request) => request.operationId === 'updateLearner' && 'email' in ((request.body as object) ?? {}));
  const misEmail = async (ident: string): Promise<string> => (await db.query(`SELECT email FROM learner WHERE learner_ident = $1`, [ident]))[0].email;

  before(async function () {
    db = await testDataSource();
    await resetDatabase(db);
    simulator = await startTestSimulator({ recordRequests: true });
    const key = randomBytes(32);
    const settings = new SettingsService(db, new SecretBox(key));
    await enrolledProvider({ db, simulator, settingsService: settings, learners: 12, seed: 5 });
    await settings.update({ learnerDemographicsMode: 'Push', officerDemographicsMode: 'None', organisationDemographicsMode: 'None', updateRiskFromSmartCoach: false });
    pipeline = await openTestPipeline('settings-at-once');
    admin = await startAdminForTests({ db, redis: pipeline.redis, settings, producers: pipeline.producers, prefix: pipeline.prefix, log: new CapturedLog() });
    api = new ApiClient(admin.url, { kind: 'token', token: TEST_API_TOKEN });
    scheduler = await startScheduler({
      db,
      producers: pipeline.producers,
      connection: workerConnection(testRedisUrl),
      prefix: pipeline.prefix,
      logger: silentLogger,
      tuning: FAST_WORKERS,
    });
    workers.push(startWorkerProcess(key), startWorkerProcess(key));
    for (const worker of workers) await waitFor('a worker process to start', async () => worker.output.join('').includes('workers started'), 30_000);

    // A first run in Push mode: both processes have worked under it (and kept whatever they keep).
    const { runId } = (await api.post('/api/sync/runs')).body;
    await runToTheEnd(runId);
    const pids = new Set((await demographicsOf(runId)).map((event) => event.pid));
    expect(pids.size, 'both worker processes ran jobs of the first run').to.equal(2);
    learners = (
      await db.query(
        `SELECT e.subject_ref AS ident, l.smart_assessor_id AS "saId" FROM sync_event e JOIN learner l ON l.id = e.learner_id WHERE e.run_id = $1 AND e.queue = 'demographics'`,
        [runId],
      )
    ).map((row: { ident: string; saId: string }) => row);
  });

  after(async function () {
    for (const worker of workers) {
      if (worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill('SIGTERM');
      await worker.exited;
    }
    await scheduler?.close();
    await admin?.close();
    await pipeline?.close();
    await simulator?.close();
  });

  it('works every job of a run started within 100 ms of a save (Push to Pull) under the new mode', async function () {
    // Smart Assessor and the MIS now disagree on every learner's email.
    for (const learner of learners) setSaEmail(learner.saId, `pull.${learner.ident.toLowerCase()}@sa.example.org`);
    simulator.store.resetCounters();
    const saved = await api.put('/api/settings', { learnerDemographicsMode: 'Pull' });
    const answeredAt = performance.now();
    const started = await api.post('/api/sync/runs');
    const startedAfterMs = performance.now() - answeredAt;
    expect([saved.status, started.status]).to.deep.equal([200, 202]);
    expect(startedAfterMs, 'the run was started within 100 ms of the save').to.be.below(100);
    await runToTheEnd(started.body.runId);

    const events = await demographicsOf(started.body.runId);
    expect(events).to.have.length(learners.length);
    expect(new Set(events.map((event) => event.pid)).size, 'both worker processes ran jobs of the run').to.equal(2);
    for (const event of events) expect(event, event.ref).to.deep.include({ outcome: 'changed', directions: ['pull'] });
    for (const learner of learners) expect(await misEmail(learner.ident), learner.ident).to.equal(`pull.${learner.ident.toLowerCase()}@sa.example.org`);
    expect(emailsPushed(), 'no MIS email was pushed over Smart Assessor’s').to.deep.equal([]);
    const run = await api.get(`/api/sync/runs/${started.body.runId}`);
    expect(run.body.settings).to.include({ learnerDemographicsMode: 'Pull' });
  });

  it('works an Update Learner run requested straight after a save (Pull to None) under the new mode', async function () {
    // Both processes have just worked a run under Pull, and keep whatever they keep of it.
    await runToTheEnd((await api.post('/api/sync/runs')).body.runId);
    const [learner] = learners;
    setSaEmail(learner.saId, 'not.pulled@sa.example.org');
    const before = await misEmail(learner.ident);
    simulator.store.resetCounters();
    expect((await api.put('/api/settings', { learnerDemographicsMode: 'None' })).status).to.equal(200);
    const requested = await api.post(`/api/learners/${learner.ident}/sync`);
    expect(requested.status).to.equal(202);
    await runToTheEnd(requested.body.runId);

    const [event] = await demographicsOf(requested.body.runId);
    expect(event).to.deep.include({ outcome: 'skipped', directions: [] });
    expect(await misEmail(learner.ident), 'nothing pulled').to.equal(before);
    expect(emailsPushed(), 'nothing pushed').to.deep.equal([]);
  });
});
