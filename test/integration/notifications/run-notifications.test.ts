import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { workerConnection } from '../../../queues/connection.js';
import { ProcessMetrics } from '../../../src/metrics/process-metrics.js';
import { notifyRunEvents, type NotificationOptions } from '../../../src/notifications/run-notifications.js';
import { startScheduler, type RunningScheduler } from '../../../src/scheduler/index.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import { SettingsService } from '../../../src/settings/settings-service.js';
import { CapturedLog, startTestAdmin, type TestAdmin } from '../../support/admin.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { FAST_WORKERS, openTestPipeline, waitFor, type TestPipeline } from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';

interface Delivery {
  status: number;
  idempotencyKey: string | undefined;
  body: any;
}

/** A webhook receiver on loopback that answers 500 to its first `failFirst` requests, then 204; it keeps every request. */
async function startReceiver(failFirst: number): Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const status = deliveries.length < failFirst ? 500 : 204;
      deliveries.push({ status, idempotencyKey: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(text) });
      res.statusCode = status;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    // The token in the path is what must never be shown or logged.
    url: `http://127.0.0.1:${port}/hooks/secret-hook-token-9c1e`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function insertRun(
  db: DataSource,
  run: { trigger: string; state: string; startedMinutesAgo: number; finished: boolean; total: number; failed: number; waiting?: number; error?: string },
): Promise<string> {
  const [row] = (await db.query(
    `INSERT INTO sync_run (trigger, state, as_of_date, started_at, finished_at, fan_out_complete, learners, jobs_total, jobs_completed, jobs_failed, error)
     VALUES ($1, $2, CURRENT_DATE, now() - $3::int * interval '1 minute', CASE WHEN $4::boolean THEN now() ELSE NULL END, true, $5::int, $5::int, $5::int - $6::int - $8::int, $6::int, $7) RETURNING id`,
    [run.trigger, run.state, run.startedMinutesAgo, run.finished, run.total, run.failed, run.error ?? null, run.waiting ?? 0],
  )) as Array<{ id: string }>;
  return row!.id;
}

async function insertFailure(db: DataSource, runId: string, ref: string, error: string): Promise<void> {
  await db.query(`INSERT INTO sync_event (run_id, queue, subject_type, subject_ref, outcome, error) VALUES ($1, 'reviews', 'learner', $2, 'failed', $3)`, [runId, ref, error]);
}

describe('run notifications to the webhook', function () {
  let db: DataSource;
  let settings: SettingsService;

  before(async () => {
    db = await testDataSource();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    settings = new SettingsService(db, new SecretBox(randomBytes(32)));
  });

  describe('from two schedulers, to a receiver that fails twice first', () => {
    let pipeline: TestPipeline;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    const schedulers: RunningScheduler[] = [];
    const log = new CapturedLog();

    beforeEach(async () => {
      pipeline = await openTestPipeline('notify');
      receiver = await startReceiver(2);
    });
    afterEach(async () => {
      await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.close()));
      await pipeline.close();
      await receiver.close();
    });

    it('gets exactly one notification per event, with the run, its counts, its first failures and a link, and the URL is never logged', async () => {
      await settings.update({ notificationWebhookUrl: receiver.url });
      const withFailures = await insertRun(db, { trigger: 'schedule', state: 'completed', startedMinutesAgo: 30, finished: true, total: 40, failed: 2 });
      await insertFailure(db, withFailures, 'L000001', 'learner L000001: email "amira@example.org" is not valid');
      await insertFailure(db, withFailures, 'L000002', 'Smart Assessor could not be reached for getLearner (ECONNRESET)');
      const failed = await insertRun(db, {
        trigger: 'manual',
        state: 'failed',
        startedMinutesAgo: 20,
        finished: true,
        total: 10,
        failed: 0,
        error: "The run's jobs could not all be queued",
      });
      const overdue = await insertRun(db, { trigger: 'manual', state: 'running', startedMinutesAgo: 90, finished: false, total: 10, failed: 1, waiting: 4 });
      // No event: a clean run, a learner's own run with a failure, and a run going but not yet late.
      await insertRun(db, { trigger: 'schedule', state: 'completed', startedMinutesAgo: 60, finished: true, total: 40, failed: 0 });
      await insertRun(db, { trigger: 'learner', state: 'completed', startedMinutesAgo: 5, finished: true, total: 5, failed: 1 });

      const metrics = new ProcessMetrics();
      for (let i = 0; i < 2; i += 1) {
        schedulers.push(
          await startScheduler({
            db,
            producers: pipeline.producers,
            connection: workerConnection(testRedisUrl),
            prefix: pipeline.prefix,
            logger: log.logger,
            tuning: FAST_WORKERS,
            // The reconciler would close the overdue run (it has no jobs in Redis): not this test's business.
            reconcileEveryMs: 600_000,
            metrics,
            notifications: {
              webhookUrl: () => settings.notificationWebhookUrl(),
              overdueAfterMinutes: 60,
              adminUrl: 'https://sai.provider.example/',
              everyMs: 100,
              firstRetryMs: 200,
            },
          }),
        );
      }
      // Meanwhile two more senders race the schedulers' passes.
      const options: NotificationOptions = { overdueAfterMinutes: 60, adminUrl: 'https://sai.provider.example', firstRetryMs: 200 };
      const racing = Promise.all([0, 1].map(() => notifyRunEvents(db, () => settings.notificationWebhookUrl(), options)));

      await waitFor('three notifications to be taken', async () => receiver.deliveries.filter((delivery) => delivery.status === 204).length >= 3, 20_000);
      await racing;
      // Nothing is left to send, however often one looks again.
      for (let pass = 0; pass < 3; pass += 1) expect(await notifyRunEvents(db, () => settings.notificationWebhookUrl(), options)).to.deep.equal({ recorded: 0, attempted: 0 });

      expect(receiver.deliveries.map((delivery) => delivery.status)).to.deep.equal([500, 500, 204, 204, 204]);
      const taken = receiver.deliveries.filter((delivery) => delivery.status === 204).map((delivery) => delivery.body);
      expect(taken.map((body) => `${body.run.runId} ${body.event}`).sort()).to.deep.equal(
        [`${withFailures} finished-with-failures`, `${failed} failed`, `${overdue} overdue`].sort(),
      );
      // A retry carries the same notification id (and Idempotency-Key) as the try that failed.
      for (const delivery of receiver.deliveries) expect(delivery.idempotencyKey).to.equal(delivery.body.notificationId);
      const ids = receiver.deliveries.map((delivery) => delivery.body.notificationId);
      expect(new Set(ids).size).to.equal(3);

      const failures = taken.find((body) => body.event === 'finished-with-failures');
      expect(failures.summary).to.equal(`The daily run (${withFailures}) finished with 2 failed jobs of 40.`);
      expect(failures.run).to.deep.include({ runId: withFailures, trigger: 'schedule', state: 'completed', learners: 40 });
      expect(failures.run.jobs).to.deep.equal({ total: 40, completed: 38, failed: 2, waiting: 0 });
      expect(failures.link).to.equal(`https://sai.provider.example/runs/${withFailures}`);
      expect(failures.firstFailures).to.deep.equal([
        { queue: 'reviews', subjectType: 'learner', subjectRef: 'L000001', error: 'learner L000001: email "[redacted]" is not valid' },
        { queue: 'reviews', subjectType: 'learner', subjectRef: 'L000002', error: 'Smart Assessor could not be reached for getLearner (ECONNRESET)' },
      ]);
      expect(taken.find((body) => body.event === 'failed').run.error).to.equal("The run's jobs could not all be queued");
      expect(taken.find((body) => body.event === 'overdue').summary).to.match(/has not finished 60 minutes after it started: 6 of 10 jobs done, 1 failed\.$/);

      const rows = (await db.query(`SELECT event, attempts, sent_at IS NOT NULL AS sent FROM run_notification ORDER BY event`)) as Array<{
        event: string;
        attempts: number;
        sent: boolean;
      }>;
      expect(rows.map((row) => row.sent)).to.deep.equal([true, true, true]);
      expect(rows.reduce((sum, row) => sum + row.attempts, 0)).to.equal(5);
      expect(log.text()).to.contain('run notification will be tried again');
      const counted = (await metrics.notifications.get()).values.map((value) => [value.labels.result, value.value]);
      expect(counted.filter(([result]) => result === 'sent').reduce((sum, [, value]) => sum + Number(value), 0)).to.be.at.most(3);
      expect(log.text()).not.to.contain('secret-hook-token');
    });
  });

  it('sends a notification whose sender died after claiming it once the claim lapses, and records nothing while no webhook is set', async () => {
    const receiver = await startReceiver(0);
    try {
      const runId = await insertRun(db, { trigger: 'schedule', state: 'failed', startedMinutesAgo: 10, finished: true, total: 3, failed: 0 });
      const options: NotificationOptions = { overdueAfterMinutes: 60, adminUrl: 'http://127.0.0.1:3000', firstRetryMs: 100 };
      expect(await notifyRunEvents(db, () => settings.notificationWebhookUrl(), options)).to.deep.equal({ recorded: 0, attempted: 0 });
      expect(await db.query(`SELECT * FROM run_notification`)).to.deep.equal([]);

      await settings.update({ notificationWebhookUrl: receiver.url });
      // A sender claimed it and died before the POST: the claim still holds, so nobody sends it.
      await db.query(`INSERT INTO run_notification (run_id, event, attempts, claimed_until) VALUES ($1, 'failed', 1, now() + interval '1 hour')`, [runId]);
      expect(await notifyRunEvents(db, () => settings.notificationWebhookUrl(), options)).to.deep.equal({ recorded: 0, attempted: 0 });
      await db.query(`UPDATE run_notification SET claimed_until = now() - interval '1 second'`);
      expect(await notifyRunEvents(db, () => settings.notificationWebhookUrl(), options)).to.deep.equal({ recorded: 0, attempted: 1 });
      expect(await notifyRunEvents(db, () => settings.notificationWebhookUrl(), options)).to.deep.equal({ recorded: 0, attempted: 0 });
      expect(receiver.deliveries.map((delivery) => [delivery.status, delivery.body.event, delivery.body.run.runId])).to.deep.equal([[204, 'failed', runId]]);
    } finally {
      await receiver.close();
    }
  });

  describe('POST /api/notification-test', () => {
    let admin: TestAdmin;

    before(async () => {
      admin = await startTestAdmin({ publicUrl: 'https://sai.provider.example' });
    });
    beforeEach(() => admin.reset());
    after(() => admin?.close());

    it('posts a test notification to the webhook in Settings and says how it went, never showing the URL', async () => {
      expect((await admin.api.post('/api/notification-test')).body).to.deep.equal({ ok: false, error: 'No notification webhook URL is set: save one in Settings first' });
      const receiver = await startReceiver(1);
      try {
        expect((await admin.api.put('/api/settings', { notificationWebhookUrl: receiver.url })).body.notificationWebhookUrlSet).to.equal(true);
        const refused = await admin.api.post('/api/notification-test');
        expect(refused.body).to.deep.equal({ ok: false, error: 'the webhook answered 500' });
        const taken = await admin.api.post('/api/notification-test');
        expect(taken.body).to.deep.equal({ ok: true, status: 204 });
        const [, test] = receiver.deliveries;
        expect(test!.body).to.deep.include({ event: 'test', run: null, firstFailures: [], link: 'https://sai.provider.example/runs' });
        const everything = JSON.stringify((await admin.api.get('/api/settings')).body) + refused.text + taken.text + admin.log.text();
        expect(everything).not.to.contain('secret-hook-token');
      } finally {
        await receiver.close();
      }
      const unreachable = await admin.api.post('/api/notification-test');
      expect(unreachable.body.ok).to.equal(false);
      expect(unreachable.body.error).to.match(/^the webhook could not be reached \(ECONNREFUSED\)$/);
    });
  });
});
