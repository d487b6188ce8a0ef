import { randomBytes, randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { workerConnection } from '../../../queues/connection.js';
import { QUEUE_NAMES } from '../../../queues/definitions.js';
import type { RunningAdminServer } from '../../../src/admin/server.js';
import { snapshotKey } from '../../../src/daily/learner-snapshot.js';
import { SecretBox } from '../../../src/settings/secret-box.js';
import { SettingsService } from '../../../src/settings/settings-service.js';
import { createWorkerDeps, type ClosableWorkerDeps } from '../../../workers/deps.js';
import { PROCESSOR_REGISTRATIONS, processorMap } from '../../../workers/processors.js';
import { startWorkers, type RunningWorkers } from '../../../workers/runner.js';
import { ApiClient, CapturedLog, sessionCookie, startAdminForTests, TEST_ADMIN_PASSWORD, TEST_ADMIN_USERNAME, TEST_API_TOKEN } from '../../support/admin.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { enrolledProvider, type EnrolledProvider } from '../../support/enrolled-provider.js';
import { FAST_WORKERS, openTestPipeline, waitFor, type TestPipeline } from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';
import { startTestSimulator, type RunningSimulator } from '../../support/simulator.js';

/**
 * SPEC.md §4: a validation failure names the learner, the field and the reason; the
 * offending value stays in PostgreSQL, where an admin sees it logged in, and reaches no
 * log line, no Redis key (job data, failedReason, stacktrace, BullMQ's events stream)
 * and no dashboard view. The whole product runs here: the simulator, every queue's real
 * processor, and the admin server with the dashboard, each logging to a captured log.
 */
describe('security: personal data', function () {
  this.timeout(120_000);

  /** One bad value per learner, each a field SPEC.md §4 validates before sending; the needles are what must be found nowhere but PostgreSQL. */
  const BAD_VALUES = [
    { field: 'niNumber', column: 'ni_number', value: 'QQ123456C', needles: ['QQ123456C'] },
    { field: 'dateOfBirth', column: 'date_of_birth', value: '2099-05-17', needles: ['2099-05-17'] },
    { field: 'uln', column: 'uln', value: '9276308685', needles: ['9276308685'] },
    { field: 'postcode', column: 'postcode', value: 'QQ99 ZZZZ', needles: ['QQ99 ZZZZ', 'QQ99ZZZZ'] },
    // A quote inside the value: a redaction that masks "quoted" text would leave its tail.
    { field: 'email', column: 'email', value: 'amira"leak.tail@example.org', needles: ['leak.tail@example.org'] },
  ] as const;
  /** Refused by enrolment (an NI prefix that is never issued). */
  const ENROLMENT_NI = 'TN654321A';
  const ALL_NEEDLES = [...BAD_VALUES.flatMap((bad) => bad.needles), ENROLMENT_NI];

  let db: DataSource;
  let simulator: RunningSimulator;
  let provider: EnrolledProvider;
  let pipeline: TestPipeline;
  let deps: ClosableWorkerDeps;
  let workers: RunningWorkers;
  let admin: RunningAdminServer;
  const workerLog = new CapturedLog();
  const adminLog = new CapturedLog();
  let api: ApiClient;
  let browser: ApiClient;
  /** Learner Ident of each bad value's learner, and the run that synchronised them. */
  const learnerOf = new Map<string, string>();
  const runIds: string[] = [];
  let enrolmentLearner: string;
  let enrolmentJobId: string;

  before(async function () {
    db = await testDataSource();
    await resetDatabase(db);
    simulator = await startTestSimulator();
    const settings = new SettingsService(db, new SecretBox(randomBytes(32)));
    provider = await enrolledProvider({ db, simulator, settingsService: settings, learners: 12, seed: 11 });
    await settings.update({ learnerDemographicsMode: 'Push', updateLearnerGender: false });
    pipeline = await openTestPipeline('personal-data');
    deps = createWorkerDeps({ db, redis: pipeline.redis, config: { QUEUE_PREFIX: pipeline.prefix }, settings, logger: workerLog.logger });
    workers = await startWorkers({
      connection: workerConnection(testRedisUrl),
      prefix: pipeline.prefix,
      queues: QUEUE_NAMES,
      concurrency: 4,
      processors: processorMap(PROCESSOR_REGISTRATIONS),
      deps,
      tuning: FAST_WORKERS,
    });
    admin = await startAdminForTests({ db, redis: pipeline.redis, settings, producers: pipeline.producers, prefix: pipeline.prefix, log: adminLog });
    api = new ApiClient(admin.url, { kind: 'token', token: TEST_API_TOKEN });
    const login = await new ApiClient(admin.url).post('/api/session', { username: TEST_ADMIN_USERNAME, password: TEST_ADMIN_PASSWORD });
    browser = new ApiClient(admin.url, { kind: 'session', cookie: sessionCookie(login.headers), csrfToken: login.body.csrfToken });

    const idents = provider.enrolled.slice(0, BAD_VALUES.length + 1);
    for (const [index, bad] of BAD_VALUES.entries()) {
      learnerOf.set(bad.field, idents[index]!);
      await db.query(`UPDATE learner SET ${bad.column} = $1 WHERE learner_ident = $2`, [bad.value, idents[index]]);
    }
    enrolmentLearner = idents[BAD_VALUES.length]!;
    await db.query(`UPDATE learner SET smart_assessor_id = NULL, ni_number = $1 WHERE learner_ident = $2`, [ENROLMENT_NI, enrolmentLearner]);

    for (const ident of learnerOf.values()) {
      const answer = await api.post(`/api/learners/${ident}/sync`);
      expect(answer.status, ident).to.equal(202);
      runIds.push(answer.body.runId);
    }
    const enrolment = await api.post(`/api/learners/${enrolmentLearner}/enrolment`);
    expect(enrolment.status).to.equal(202);
    enrolmentJobId = enrolment.body.jobId;

    await waitFor(
      'the runs and the enrolment to finish',
      async () => {
        const [{ running }] = await db.query(`SELECT count(*)::int AS running FROM sync_run WHERE id = ANY($1::uuid[]) AND state NOT IN ('completed', 'failed')`, [runIds]);
        return running === 0 && (await pipeline.producers.queues.enrolment.getJobState(enrolmentJobId)) === 'failed';
      },
      60_000,
    );
  });

  after(async () => {
    await admin?.close();
    await workers?.close({ deadlineMs: 5_000 });
    deps?.close();
    for (const pattern of snapshotPatterns()) {
      const keys = await pipeline.redis.keys(pattern);
      if (keys.length > 0) await pipeline.redis.unlink(...keys);
    }
    await pipeline?.close();
    await simulator?.close();
  });

  /** The run snapshots' keys (outside the queue prefix): the SA records the runs read. */
  const snapshotPatterns = () => runIds.flatMap((runId) => (['learner', 'courses'] as const).map((part) => snapshotKey(runId, '*', part)));

  /** Every failed job of a queue, as BullMQ keeps it. */
  const failedJobs = (queue: 'demographics' | 'enrolment') => pipeline.producers.queues[queue].getFailed();

  it('fails each job naming the learner, the field and the reason, and keeps the value in PostgreSQL only', async () => {
    const failed = await failedJobs('demographics');
    for (const bad of BAD_VALUES) {
      const ident = learnerOf.get(bad.field)!;
      const [event] = await db.query(
        `SELECT e.outcome, e.error, l.last_error FROM sync_event e JOIN learner l ON l.id = e.learner_id WHERE e.queue = 'demographics' AND l.learner_ident = $1`,
        [ident],
      );
      expect(event.outcome, bad.field).to.equal('failed');
      expect(event.error, `${bad.field}: the sync event quotes the value for the admin`).to.include(`learner ${ident}: ${bad.field} "${bad.value}" `);
      expect(event.last_error, bad.field).to.include(`"${bad.value}"`);
      const job = failed.find((candidate) => candidate.failedReason?.startsWith(`learner ${ident}: `));
      expect(job, `the failed demographics job of ${ident}`).to.not.equal(undefined);
      expect(job!.failedReason).to.match(new RegExp(`^learner ${ident}: ${bad.field} \\S`));
      for (const needle of bad.needles) expect(job!.failedReason, bad.field).not.to.include(needle);
    }
    const [enrolment] = await failedJobs('enrolment');
    expect(enrolment!.failedReason).to.match(new RegExp(`^learner ${enrolmentLearner}: niNumber has a prefix that is never issued`));
  });

  it('shows the value where an admin is logged in: the learner\u2019s history and last error', async () => {
    for (const bad of BAD_VALUES) {
      const ident = learnerOf.get(bad.field)!;
      const history = await browser.get(`/api/learners/${ident}/history`);
      expect(history.status).to.equal(200);
      const failure = (history.body.items as Array<{ queue: string; outcome: string; error: string }>).find((item) => item.queue === 'demographics')!;
      expect(failure.outcome).to.equal('failed');
      expect(failure.error).to.include(bad.value);
      expect((await browser.get(`/api/learners/${ident}`)).body.lastError).to.include(bad.value);
    }
  });

  it('writes none of the values to any log line', async () => {
    expect(workerLog.lines.length, 'the workers logged the failures').to.be.greaterThan(0);
    const logged = workerLog.text() + '\n' + adminLog.text();
    expect(logged).to.include('job failed');
    for (const needle of ALL_NEEDLES) expect(logged, needle).not.to.include(needle);
  });

  it('leaves none of the values in any Redis key of the deployment: job data, failedReason, stacktrace, the events streams, the run snapshots', async () => {
    const patterns = [`${pipeline.prefix}:*`, ...snapshotPatterns()];
    const { keys, text } = await redisText(pipeline.redis, patterns);
    expect(keys, 'keys looked into').to.be.greaterThan(20);
    expect(text, 'the events stream was read').to.include('failedReason');
    expect(text).to.include('stacktrace');
    for (const needle of ALL_NEEDLES) expect(text, needle).not.to.include(needle);
  });

  it('shows none of the values in the queue dashboard, which shows the reasons', async () => {
    const views: string[] = [];
    for (const queue of ['demographics', 'enrolment']) {
      const list = await browser.get(`/admin/queues/api/queues?activeQueue=${queue}&status=failed&page=1&jobsPerPage=50`);
      expect(list.status).to.equal(200);
      views.push(list.text);
      const shown = (list.body.queues as Array<{ name: string; jobs: Array<{ id: string }> }>).find((candidate) => candidate.name === queue)!;
      expect(shown.jobs.length, queue).to.be.greaterThan(0);
      for (const job of shown.jobs) views.push((await browser.get(`/admin/queues/api/queues/${queue}/${encodeURIComponent(job.id)}`)).text);
    }
    const seen = views.join('\n');
    for (const needle of ALL_NEEDLES) expect(seen, needle).not.to.include(needle);
    expect(seen).to.include('niNumber starts with a letter never used first');
  });

  it('masks in the dashboard a value a job that failed before this release kept in its reason, even one holding a quote', async () => {
    const queue = pipeline.producers.queues.demographics;
    const jobId = `legacy-${randomUUID()}`;
    // The workers of this test would take the job too: paused, they leave it to a worker of the test's own.
    await workers.workers.get('demographics')!.pause();
    const hand = new Worker(queue.name, null, { connection: workerConnection(testRedisUrl), prefix: pipeline.prefix });
    try {
      await queue.add('learner-demographics', { runId: randomUUID(), learnerId: 1 }, { jobId, attempts: 1 });
      const token = randomUUID();
      const job = (await waitFor('the legacy job', async () => (await hand.getNextJob(token)) ?? null))!;
      expect(job.id).to.equal(jobId);
      await job.moveToFailed(new Error('learner L000001: niNumber "QQ"123456C" cannot start with Q: the first letter is never D, F, I, Q, U or V'), token, false);
    } finally {
      await workers.workers.get('demographics')!.resume();
      await hand.close();
    }
    const view = await browser.get(`/admin/queues/api/queues/demographics/${jobId}`);
    expect(view.status).to.equal(200);
    expect(view.body.job.failedReason).to.equal('learner L000001: niNumber "[redacted]" cannot start with Q: the first letter is never D, F, I, Q, U or V');
    expect(view.text).not.to.include('123456C');
  });

  it('answers every API read with personal data with Cache-Control: no-store', async () => {
    const ident = learnerOf.get('email')!;
    const reads = [
      '/api/learners',
      `/api/learners?search=${ident}`,
      `/api/learners/${ident}`,
      `/api/learners/${ident}/history`,
      `/api/learners/${ident}/enrolment-preview`,
      '/api/organisations',
      '/api/officers',
      `/api/sync/runs/${runIds[0]}`,
      `/api/sync/runs/${runIds[0]}/failures`,
      '/api/smart-assessor/assessors?email=someone@example.org',
      '/api/settings',
    ];
    for (const path of reads) {
      const answer = await browser.get(path);
      expect(answer.status, path).to.equal(200);
      expect(answer.headers.get('cache-control'), path).to.equal('no-store');
    }
    expect((await browser.get('/api/learners/NO-SUCH-LEARNER')).headers.get('cache-control'), 'errors too').to.equal('no-store');
  });
});

/** The text of every key matching `patterns`, whatever its type, key names included. */
async function redisText(redis: Redis, patterns: readonly string[]): Promise<{ keys: number; text: string }> {
  const parts: string[] = [];
  let keys = 0;
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of found) {
        keys += 1;
        parts.push(key, await valueText(redis, key));
      }
    } while (cursor !== '0');
  }
  return { keys, text: parts.join('\n') };
}

async function valueText(redis: Redis, key: string): Promise<string> {
  const text = (values: Buffer[]) => values.map((value) => value.toString('utf8')).join('\n');
  switch (await redis.type(key)) {
    case 'string':
      return (await redis.getBuffer(key))?.toString('utf8') ?? '';
    case 'hash':
      return text(Object.entries(await redis.hgetallBuffer(key)).flatMap(([field, value]) => [Buffer.from(field), value]));
    case 'list':
      return text(await redis.lrangeBuffer(key, 0, -1));
    case 'set':
      return text(await redis.smembersBuffer(key));
    case 'zset':
      return (await redis.zrange(key, 0, -1, 'WITHSCORES')).join('\n');
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}
