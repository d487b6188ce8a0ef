import { randomUUID } from 'node:crypto';
import { Worker, type Queue } from 'bullmq';
import { expect } from 'chai';
import { workerConnection } from '../../../queues/connection.js';
import { startTestAdmin, type ApiClient, type TestAdmin } from '../../support/admin.js';
import { testRedisUrl } from '../../support/redis.js';
import { FIXED_NOW } from '../admin/fixtures.js';

/**
 * The queue dashboard (bull-board at /admin/queues): behind the login, read-only but for
 * retrying failed jobs and promoting delayed ones, and with the same headers as the UI.
 */
describe('security: the queue dashboard', () => {
  let admin: TestAdmin;
  let queue: Queue;
  /** The fixture jobs of `queue`, one per state the dashboard can act on. */
  const ids = { failed: 'fixture-failed', completed: 'fixture-completed', waiting: 'fixture-waiting', delayed: 'fixture-delayed' };
  const SCHEDULER = 'fixture-scheduler';
  const runId = randomUUID();

  before(async () => {
    admin = await startTestAdmin({ now: () => FIXED_NOW });
    queue = admin.queues.otj as unknown as Queue;
  });
  beforeEach(async () => {
    await admin.reset();
    await queue.obliterate({ force: true });
    // A worker of the test's own takes the first two jobs by hand: one fails, one completes.
    const hand = new Worker(queue.name, null, { connection: workerConnection(testRedisUrl), prefix: admin.prefix });
    try {
      for (const [jobId, learnerId, finish] of [
        [ids.failed, 1, 'fail'],
        [ids.completed, 2, 'complete'],
      ] as const) {
        // One attempt: failing, it is failed for good, not waiting for a retry.
        await queue.add('learner-otj', { runId, learnerId }, { jobId, attempts: 1 });
        const token = randomUUID();
        const job = (await hand.getNextJob(token))!;
        expect(job.id).to.equal(jobId);
        if (finish === 'fail') await job.moveToFailed(new Error('Smart Assessor answered 500'), token, false);
        else await job.moveToCompleted({ outcome: 'unchanged', changes: 0 }, token, false);
      }
    } finally {
      await hand.close();
    }
    await queue.add('learner-otj', { runId, learnerId: 3 }, { jobId: ids.waiting });
    await queue.add('learner-otj', { runId, learnerId: 4 }, { jobId: ids.delayed, delay: 3_600_000 });
    await queue.upsertJobScheduler(SCHEDULER, { every: 3_600_000 }, { name: 'learner-otj', data: { runId, learnerId: 5 } });
  });
  after(async () => {
    await queue?.obliterate({ force: true });
    await admin?.close();
  });

  /** Everything about the queue that an action could change. */
  async function queueState() {
    const jobs = await queue.getJobs(['failed', 'completed', 'waiting', 'delayed', 'active', 'prioritized']);
    return {
      counts: await queue.getJobCounts(),
      jobs: (await Promise.all(jobs.map(async (job) => ({ id: job.id, data: job.data, state: await job.getState(), delay: job.delay, priority: job.priority })))).sort((a, b) =>
        String(a.id).localeCompare(String(b.id)),
      ),
      schedulers: (await queue.getJobSchedulers()).map((scheduler) => ({ key: scheduler.key, every: scheduler.every })),
      paused: await queue.isPaused(),
      globalConcurrency: await queue.getGlobalConcurrency(),
      rateLimited: (await queue.getRateLimitTtl()) > 0,
    };
  }

  const board = (client: ApiClient, method: string, path: string, body?: unknown) => client.request(method, `/admin/queues${path}`, body);

  describe('refuses every action but retrying and promoting, with 403, and changes nothing', () => {
    /** What bull-board would do, with a body it accepts; `first` puts the queue in the state the action needs. */
    const forbidden: Array<{ what: string; method: string; path: string; body?: unknown; first?: () => Promise<unknown> }> = [
      { what: 'adds a job with any data', method: 'POST', path: '/api/queues/otj/add', body: { name: 'learner-otj', data: { runId, learnerId: 99 }, options: {} } },
      { what: 'edits a job\u2019s data', method: 'PATCH', path: `/api/queues/otj/${ids.waiting}/update-data`, body: { jobData: { runId, learnerId: 42 } } },
      { what: 'reschedules a delayed job', method: 'PATCH', path: `/api/queues/otj/${ids.delayed}/delay`, body: { runAt: Date.now() + 1_000 } },
      { what: 'reprioritises a job', method: 'PATCH', path: `/api/queues/otj/${ids.waiting}/priority`, body: { priority: 1 } },
      { what: 'removes a job', method: 'PUT', path: `/api/queues/otj/${ids.failed}/clean` },
      { what: 'retries a completed job (runs it again)', method: 'PUT', path: `/api/queues/otj/${ids.completed}/retry` },
      { what: 'retries every completed job', method: 'PUT', path: '/api/queues/otj/retry/completed' },
      { what: 'cleans the failed jobs', method: 'PUT', path: '/api/queues/otj/clean/failed' },
      { what: 'cleans the completed jobs', method: 'PUT', path: '/api/queues/otj/clean/completed' },
      { what: 'empties the queue', method: 'PUT', path: '/api/queues/otj/empty' },
      { what: 'empties the queue, with the path in capitals', method: 'PUT', path: '/API/QUEUES/otj/EMPTY' },
      { what: 'obliterates the (paused) queue', method: 'PUT', path: '/api/queues/otj/obliterate', body: { force: true }, first: () => queue.pause() },
      { what: 'pauses the queue', method: 'PUT', path: '/api/queues/otj/pause' },
      { what: 'pauses every queue', method: 'PUT', path: '/api/queues/pause' },
      { what: 'resumes the (paused) queue', method: 'PUT', path: '/api/queues/otj/resume', first: () => queue.pause() },
      { what: 'resumes every queue', method: 'PUT', path: '/api/queues/resume', first: () => queue.pause() },
      { what: 'sets the queue\u2019s concurrency', method: 'PUT', path: '/api/queues/otj/concurrency', body: { concurrency: 1 } },
      { what: 'sets the queue\u2019s rate limit', method: 'PUT', path: '/api/queues/otj/rate-limit', body: { max: 1, duration: 60_000 } },
      { what: 'releases the queue\u2019s rate limit', method: 'PUT', path: '/api/queues/otj/rate-limit/release', first: () => queue.rateLimit(60_000) },
      { what: 'removes the job scheduler', method: 'PUT', path: `/api/queues/otj/job-schedulers/${SCHEDULER}/remove` },
      { what: 'changes the job scheduler', method: 'PATCH', path: `/api/queues/otj/job-schedulers/${SCHEDULER}`, body: { every: 1_000 } },
      { what: 'runs the job scheduler now', method: 'PUT', path: `/api/queues/otj/job-schedulers/${SCHEDULER}/run` },
    ];
    for (const { what, method, path, body, first } of forbidden) {
      it(`${what}: ${method} ${path}`, async () => {
        await first?.();
        const before = await queueState();
        const browser = await admin.login();
        for (const client of [browser, admin.api]) {
          const answer = await board(client, method, path, body);
          expect(answer.status, client.credentials.kind).to.equal(403);
          expect(answer.body.error.code).to.equal('forbidden');
        }
        expect(await queueState()).to.deep.equal(before);
      });
    }
  });

  describe('allows what the product needs', () => {
    it('retries a failed job', async () => {
      const browser = await admin.login();
      expect((await board(browser, 'PUT', `/api/queues/otj/${ids.failed}/retry`)).status).to.equal(204);
      expect(await queue.getJobState(ids.failed)).to.equal('waiting');
    });

    it('retries every failed job of a queue', async () => {
      expect((await board(admin.api, 'PUT', '/api/queues/otj/retry/failed')).status).to.equal(200);
      expect(await queue.getJobState(ids.failed)).to.equal('waiting');
      expect(await queue.getJobState(ids.completed), 'completed jobs stay completed').to.equal('completed');
    });

    it('promotes a delayed job, and every delayed job of a queue', async () => {
      expect((await board(admin.api, 'PUT', `/api/queues/otj/${ids.delayed}/promote`)).status).to.equal(204);
      expect(await queue.getJobState(ids.delayed)).to.equal('waiting');
      await queue.add('learner-otj', { runId, learnerId: 6 }, { jobId: 'fixture-delayed-2', delay: 3_600_000 });
      expect((await board(admin.api, 'PUT', '/api/queues/otj/promote')).status).to.equal(200);
      expect(await queue.getJobState('fixture-delayed-2')).to.equal('waiting');
    });

    it('shows the queues and their jobs', async () => {
      const answer = await board(admin.api, 'GET', '/api/queues?activeQueue=otj&status=failed&page=1&jobsPerPage=10');
      expect(answer.status).to.equal(200);
      const otj = (answer.body.queues as Array<{ name: string; jobs: Array<{ id: string }>; allowRetries: boolean; readOnlyMode: boolean }>).find((shown) => shown.name === 'otj')!;
      expect(otj.jobs.map((job) => job.id)).to.deep.equal([ids.failed]);
      expect(otj).to.include({ allowRetries: true, readOnlyMode: false });
      expect((await board(admin.api, 'GET', `/api/queues/otj/${ids.failed}`)).status).to.equal(200);
    });
  });

  describe('login and CSRF', () => {
    it('keeps the queue dashboard and its API behind the login', async () => {
      const page = await admin.anonymous.get('/admin/queues');
      expect(page.status).to.equal(303);
      expect(page.headers.get('location')).to.equal('/login?next=%2Fadmin%2Fqueues');
      expect((await admin.anonymous.get('/admin/queues/api/queues')).status).to.equal(401);
      expect((await admin.anonymous.request('PUT', '/admin/queues/api/queues/otj/retry/failed')).status).to.equal(401);
      expect((await admin.anonymous.request('PUT', '/admin/queues/api/queues/otj/empty')).status).to.equal(401);
    });

    it('guards the allowed actions with CSRF, accepting the token its client echoes from the XSRF-TOKEN cookie', async () => {
      const browser = await admin.login();
      const { cookie, csrfToken } = browser.credentials as { cookie: string; csrfToken: string };
      const page = await admin.anonymous.request('GET', '/admin/queues', undefined, { cookie });
      expect(page.status).to.equal(200);
      const xsrf = page.headers.getSetCookie().find((line) => line.startsWith('XSRF-TOKEN='))!;
      expect(xsrf).to.include(`XSRF-TOKEN=${csrfToken}`);
      expect(xsrf).to.match(/SameSite=Strict/i);
      expect(xsrf).to.match(/Path=\/admin\/queues/i);

      const refused = await admin.anonymous.request('PUT', '/admin/queues/api/queues/otj/retry/failed', undefined, { cookie });
      expect(refused.status).to.equal(403);
      expect(await queue.getJobState(ids.failed)).to.equal('failed');
      const accepted = await admin.anonymous.request('PUT', '/admin/queues/api/queues/otj/retry/failed', undefined, { cookie, 'x-xsrf-token': csrfToken });
      expect(accepted.status).to.equal(200);
      expect(await queue.getJobState(ids.failed)).to.equal('waiting');
    });
  });

  describe('headers', () => {
    it('sends nosniff, a Referrer-Policy and no-store on the dashboard page and its API, as on the UI', async () => {
      const browser = await admin.login();
      for (const path of ['/admin/queues', '/admin/queues/queue/otj', '/admin/queues/api/queues', `/admin/queues/api/queues/otj/${ids.failed}`]) {
        const answer = await browser.get(path);
        expect(answer.status, path).to.equal(200);
        expect(answer.headers.get('x-content-type-options'), path).to.equal('nosniff');
        expect(answer.headers.get('referrer-policy'), path).to.equal('same-origin');
        expect(answer.headers.get('cache-control'), path).to.equal('no-store');
        expect(answer.headers.get('x-frame-options'), path).to.equal('SAMEORIGIN');
        expect(answer.headers.get('content-security-policy'), path).to.include("script-src 'self'");
      }
    });

    it("sends a CSP that allows only the UI's own scripts and styles, and the other helmet headers", async () => {
      const answer = await admin.anonymous.get('/login');
      const csp = answer.headers.get('content-security-policy')!;
      expect(csp).to.include("script-src 'self'");
      expect(csp).to.include("style-src 'self'");
      expect(csp).not.to.include('unsafe-inline');
      expect(csp).to.include("frame-ancestors 'none'");
      expect(answer.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(answer.headers.get('referrer-policy')).to.equal('same-origin');
      expect(answer.headers.get('x-powered-by')).to.equal(null);
    });
  });
});
