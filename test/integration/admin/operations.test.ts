import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { UnrecoverableError, Worker } from 'bullmq';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { SettingsService, type SettingsView } from '../../../src/settings/settings-service.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import { ApiClient, sessionCookie, startTestAdmin, type TestAdmin } from '../../support/admin.js';
import { resetDatabase, testDatabaseUrl, testDataSource } from '../../support/database.js';
import { waitFor } from '../../support/pipeline.js';
import { testRedisUrl, uniqueQueuePrefix } from '../../support/redis.js';
import { FIXED_NOW, providerDocument } from './fixtures.js';

/** This build's command line, beside this test in the output folder. */
const cli = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));

describe('admin server operations', () => {
  describe('with the usual wiring', () => {
    let admin: TestAdmin;

    before(async () => {
      admin = await startTestAdmin({ now: () => FIXED_NOW });
    });
    beforeEach(() => admin.reset());
    after(() => admin?.close());

    it('ends a session when it expires', async () => {
      const browser = await admin.login();
      expect((await browser.get('/api/learners')).status).to.equal(200);
      await admin.db.query(`UPDATE admin_session SET expires_at = now() - interval '1 second'`);
      expect((await browser.get('/api/learners')).status).to.equal(401);
      expect((await browser.get('/learners')).status).to.equal(303);
    });

    it("shows the queue dashboard's jobs with personal data masked, and a logged-in admin can retry them", async () => {
      expect((await admin.api.post('/api/import', providerDocument())).status).to.equal(200);
      const learnerId = (await admin.db.query(`SELECT id FROM learner WHERE learner_ident = 'L000124'`))[0].id;
      const jobId = await admin.producers.enqueueEnrolment(learnerId);
      const worker = new Worker(
        'enrolment',
        async (job) => {
          await job.log('checking email ben.jones@example.org');
          throw new UnrecoverableError('learner L000124: uln "1234567890" fails the check digit; email ben.jones@example.org');
        },
        { connection: new Redis(testRedisUrl, { maxRetriesPerRequest: null }), prefix: admin.queues.enrolment.opts.prefix as string },
      );
      try {
        await waitFor('the job to fail', async () => (await admin.queues.enrolment.getJobState(jobId)) === 'failed');
      } finally {
        await worker.close();
        await (worker.opts.connection as Redis).quit();
      }
      const browser = await admin.login();
      const { cookie, csrfToken } = browser.credentials as { cookie: string; csrfToken: string };
      const board = await browser.get('/admin/queues/api/queues?activeQueue=enrolment&status=failed&page=1');
      expect(board.status).to.equal(200);
      const queue = board.body.queues.find((entry: { name: string }) => entry.name === 'enrolment');
      expect(queue.jobs.map((job: { id: string }) => job.id)).to.deep.equal([jobId]);
      expect(queue.jobs[0].failedReason).to.equal('learner L000124: uln "[redacted]" fails the check digit; email [redacted]');
      expect(queue.jobs[0].data).to.deep.equal({ learnerId });
      const logs = await browser.get(`/admin/queues/api/queues/enrolment/${jobId}/logs`);
      expect(logs.text).not.to.include('ben.jones@example.org');
      expect(board.text + logs.text).not.to.include('1234567890');

      const retryPath = `/admin/queues/api/queues/enrolment/${jobId}/retry`;
      expect((await admin.anonymous.request('PUT', retryPath, undefined, { cookie })).status, 'without the CSRF token').to.equal(403);
      expect(await admin.queues.enrolment.getJobState(jobId)).to.equal('failed');
      const retried = await admin.anonymous.request('PUT', retryPath, undefined, { cookie, 'x-xsrf-token': csrfToken });
      expect(retried.status).to.equal(204);
      expect(await admin.queues.enrolment.getJobState(jobId)).to.equal('waiting');
    });
  });

  it('answers an unexpected failure with a generic 500, logging the details with credentials masked', async () => {
    const db = await testDataSource();
    class FailingSettings extends SettingsService {
      override async view(): Promise<SettingsView> {
        throw new Error('settings store fell over while using Authorization: Bearer sekrit-token-123');
      }
    }
    const admin = await startTestAdmin({ settings: new FailingSettings(db, new SecretBox(Buffer.alloc(32, 1))) });
    try {
      const answer = await admin.api.get('/api/settings');
      expect(answer.status).to.equal(500);
      expect(answer.body).to.deep.equal({ error: { code: 'internal', message: 'Something went wrong on the server; the details are in its log' } });
      expect(answer.text).not.to.include('fell over');
      const logged = admin.log.lines.map((line) => JSON.parse(line)).find((line) => line.message === 'admin request failed');
      expect(logged).to.include({ level: 'error', method: 'GET', path: '/api/settings' });
      expect(JSON.stringify(logged)).to.include('settings store fell over');
      expect(admin.log.text()).not.to.include('sekrit-token-123');
    } finally {
      await admin.close();
    }
  });

  it('answers /healthz with 503 naming Redis when Redis cannot be reached', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    unreachable.on('error', () => undefined);
    const admin = await startTestAdmin({ redis: unreachable });
    try {
      const answer = await admin.anonymous.get('/healthz');
      expect(answer.status).to.equal(503);
      expect(answer.body).to.deep.equal({ status: 'unavailable', postgres: 'ok', redis: 'unreachable' });
    } finally {
      await admin.close();
      unreachable.disconnect();
    }
  });

  it('runs standalone as `sai admin`, printing a one-time password for the first admin, and stops on SIGTERM', async function () {
    this.timeout(60_000);
    await resetDatabase(await testDataSource());
    const prefix = uniqueQueuePrefix('cli');
    const child = spawn(process.execPath, [cli, 'admin', '--port', '0'], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: testDatabaseUrl(),
        REDIS_URL: testRedisUrl,
        QUEUE_PREFIX: prefix,
        SETTINGS_ENCRYPTION_KEY: 'ab'.repeat(32),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const url = await waitFor('the admin to listen', async () => /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1], 30_000);
      const password = /one-time password: (\S+)/.exec(output)![1]!;
      const login = await new ApiClient(url).post('/api/session', { username: 'admin', password });
      expect(login.status).to.equal(200);
      const browser = new ApiClient(url, { kind: 'session', cookie: sessionCookie(login.headers), csrfToken: login.body.csrfToken });
      expect((await browser.get('/api/settings')).status).to.equal(200);
      expect(output.split(password).length - 1, 'the password is printed once, and never logged').to.equal(1);
      expect(output).not.to.match(new RegExp(`"[^"]*":"[^"]*${password}`));
    } finally {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).to.equal(0);
    }
    expect(output).to.include('admin stopping');
  });
});
