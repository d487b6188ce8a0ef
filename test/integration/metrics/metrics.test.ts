import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { workerConnection } from '../../../queues/connection.js';
import type { QueueName } from '../../../queues/definitions.js';
import type { RunningAdminServer } from '../../../src/admin/server.js';
import { ProcessMetrics } from '../../../src/metrics/process-metrics.js';
import { MetricsFlusher, sharedMetricsKey } from '../../../src/metrics/shared-metrics.js';
import { fanOutRun, runView, startRun } from '../../../src/runs/index.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import { SettingsService } from '../../../src/settings/settings-service.js';
import { createWorkerDeps } from '../../../workers/deps.js';
import { PROCESSOR_REGISTRATIONS, processorMap } from '../../../workers/processors.js';
import { startWorkers, type RunningWorkers } from '../../../workers/runner.js';
import { ApiClient, CapturedLog, startAdminForTests, TEST_API_TOKEN } from '../../support/admin.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { enrolledProvider } from '../../support/enrolled-provider.js';
import { FAST_WORKERS, openTestPipeline, silentLogger, waitFor, type TestPipeline } from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';
import { startTestSimulator, type RunningSimulator } from '../../support/simulator.js';

/** Prometheus' text format as samples: `name{a="x",b="y"}` → value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\w+)(\{.*\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    found.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return found;
}

/** The sum of every sample of `name` whose labels include `labels`. */
function total(found: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of found) {
    if (!key.startsWith(`${name}{`) && key !== name) continue;
    if (Object.entries(labels).every(([label, wanted]) => key.includes(`${label}="${wanted}"`))) sum += value;
  }
  return sum;
}

/** Two worker processes' worth of queues: the totals must add up across them. */
const PROCESS_QUEUES: QueueName[][] = [
  ['qualification-progress', 'reviews', 'otj'],
  ['demographics', 'officers', 'organisations', 'status'],
];

describe('GET /metrics', function () {
  this.timeout(120_000);
  let db: DataSource;
  let simulator: RunningSimulator;
  let pipeline: TestPipeline;
  let admin: RunningAdminServer;
  let runId: string;
  let requestsDuringRun: Record<string, number>;
  let metricsText: string;

  before(async () => {
    db = await testDataSource();
    await resetDatabase(db);
    simulator = await startTestSimulator({ seed: 11 });
    pipeline = await openTestPipeline('metrics');
    const settings = new SettingsService(db, new SecretBox(randomBytes(32)));
    await enrolledProvider({ db, simulator, settingsService: settings, learners: 8, seed: 11, settings: { learnerDemographicsMode: 'Push', officerDemographicsMode: 'Push' } });

    const processes: Array<{ workers: RunningWorkers; flusher: MetricsFlusher; close(): void }> = [];
    for (const queues of PROCESS_QUEUES) {
      const flusher = new MetricsFlusher(pipeline.redis, sharedMetricsKey(pipeline.prefix), new ProcessMetrics());
      const deps = createWorkerDeps({ db, redis: pipeline.redis, config: { QUEUE_PREFIX: pipeline.prefix }, settings, logger: silentLogger, metrics: flusher.metrics });
      const workers = await startWorkers({
        connection: workerConnection(testRedisUrl),
        prefix: pipeline.prefix,
        queues,
        concurrency: 4,
        processors: processorMap(PROCESSOR_REGISTRATIONS),
        deps,
        tuning: FAST_WORKERS,
      });
      processes.push({ workers, flusher: flusher.start(200), close: () => deps.close() });
    }
    const before = { ...simulator.store.counters.byOperation };
    ({ runId } = await startRun(db, pipeline.producers, 'manual'));
    await fanOutRun({ db, producers: pipeline.producers, logger: silentLogger }, runId);
    await waitFor('the run to finish', async () => ['completed', 'failed'].includes((await runView(db, runId))?.state ?? ''), 60_000);
    for (const process of processes) {
      await process.workers.close();
      await process.flusher.stop();
      process.close();
    }
    requestsDuringRun = Object.fromEntries(
      Object.entries(simulator.store.counters.byOperation)
        .map(([operation, count]) => [operation, count - (before[operation] ?? 0)])
        .filter(([, count]) => Number(count) > 0),
    );

    // A job nobody works (no enrolment worker runs here): the queue gauges must show it waiting.
    const [learner] = (await db.query(`SELECT id FROM learner ORDER BY id LIMIT 1`)) as Array<{ id: number }>;
    await pipeline.producers.enqueueEnrolment(learner!.id);

    admin = await startAdminForTests({ db, redis: pipeline.redis, settings, producers: pipeline.producers, prefix: pipeline.prefix, log: new CapturedLog() });
    const answer = await new ApiClient(admin.url, { kind: 'token', token: TEST_API_TOKEN }).get('/metrics');
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    metricsText = answer.text;
  });
  after(async () => {
    await admin?.close();
    await pipeline?.close();
    await simulator?.close();
  });

  it('needs the bearer token', async () => {
    expect((await new ApiClient(admin.url).get('/metrics')).status).to.equal(401);
    expect((await new ApiClient(admin.url, { kind: 'token', token: 'not-the-token-at-all' }).get('/metrics')).status).to.equal(401);
  });

  it("counts each queue's jobs by outcome, summed over both worker processes, as the run's sync events record them", async () => {
    const found = samples(metricsText);
    const events = (await db.query(`SELECT queue, outcome, count(*)::int AS count FROM sync_event WHERE run_id = $1 GROUP BY queue, outcome`, [runId])) as Array<{
      queue: string;
      outcome: string;
      count: number;
    }>;
    expect(events.length).to.be.greaterThan(3);
    for (const { queue, outcome, count } of events) {
      expect(total(found, 'sai_jobs_total', { queue, outcome }), `${queue} ${outcome}`).to.equal(count);
    }
    const view = (await runView(db, runId))!;
    expect(total(found, 'sai_jobs_total')).to.equal(view.jobs.total);
    expect(total(found, 'sai_job_duration_seconds_count')).to.equal(view.jobs.total);
    expect(total(found, 'sai_job_duration_seconds_bucket', { le: '+Inf' })).to.equal(view.jobs.total);
  });

  it("shows the run by state, its duration and its counts as the run's own page does", async () => {
    const found = samples(metricsText);
    const view = (await runView(db, runId))!;
    expect(view.state).to.equal('completed');
    expect(found.get('sai_sync_runs{state="completed",trigger="manual"}')).to.equal(1);
    for (const state of ['total', 'completed', 'failed', 'waiting'] as const) {
      expect(found.get(`sai_sync_run_last_jobs{trigger="manual",state="${state}"}`), state).to.equal(view.jobs[state]);
    }
    const seconds = (Date.parse(view.finishedAt!) - Date.parse(view.startedAt!)) / 1000;
    expect(found.get('sai_sync_run_last_duration_seconds{trigger="manual",state="completed"}')).to.be.closeTo(seconds, 0.001);
    expect(found.get('sai_sync_run_active_seconds')).to.equal(0);
  });

  it('counts every Smart Assessor request by operation and status, and how long each waited for the budget', () => {
    const found = samples(metricsText);
    for (const [operation, count] of Object.entries(requestsDuringRun)) {
      expect(total(found, 'sai_smart_assessor_requests_total', { operation }), operation).to.equal(count);
    }
    const sent = Object.values(requestsDuringRun).reduce((sum, count) => sum + count, 0);
    expect(total(found, 'sai_smart_assessor_requests_total')).to.equal(sent);
    expect(total(found, 'sai_smart_assessor_requests_total', { status: '429' })).to.equal(0);
    expect(found.get('sai_smart_assessor_budget_wait_seconds_count')).to.equal(sent);
  });

  it('shows the queues: what waits and for how long', () => {
    const found = samples(metricsText);
    expect(found.get('sai_queue_jobs{queue="enrolment",state="waiting"}')).to.equal(1);
    expect(found.get('sai_queue_jobs{queue="otj",state="waiting"}')).to.equal(0);
    expect(found.get('sai_queue_jobs{queue="otj",state="failed"}')).to.equal(0);
    expect(found.get('sai_queue_oldest_waiting_seconds{queue="enrolment"}')).to.be.greaterThan(0);
    expect(found.get('sai_queue_oldest_waiting_seconds{queue="otj"}')).to.equal(0);
  });
});
