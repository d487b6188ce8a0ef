import { expect } from 'chai';
import { startTestAdmin, type TestAdmin } from '../../support/admin.js';
import { FIXED_NOW, providerDocument } from './fixtures.js';

describe('admin API: queued work and sync runs', () => {
  let admin: TestAdmin;

  before(async () => {
    admin = await startTestAdmin({ now: () => FIXED_NOW });
  });
  beforeEach(async () => {
    await admin.reset();
    await Promise.all([...Object.values(admin.queues), admin.producers.control].map((queue) => queue.obliterate({ force: true })));
    expect((await admin.api.post('/api/import', providerDocument())).status).to.equal(200);
  });
  after(() => admin?.close());

  const learnerId = async (ident: string): Promise<number> => (await admin.db.query('SELECT id FROM learner WHERE learner_ident = $1', [ident]))[0].id;

  describe('POST /api/learners/{ident}/enrolment', () => {
    it('answers 202 with the id of the enrol-learner job waiting in the enrolment queue', async () => {
      const answer = await admin.api.post('/api/learners/L000124/enrolment');
      expect(answer.status).to.equal(202);
      expect(answer.body).to.have.keys('jobId');
      const job = await admin.queues.enrolment.getJob(answer.body.jobId);
      expect(job, 'the job is in the enrolment queue').to.not.equal(undefined);
      expect(job!.name).to.equal('enrol-learner');
      expect(job!.data).to.deep.equal({ learnerId: await learnerId('L000124') });
      expect(await job!.getState()).to.equal('waiting');
    });

    it('answers the same job while one is already waiting, so a double click enrols once', async () => {
      const first = await admin.api.post('/api/learners/L000124/enrolment');
      const second = await admin.api.post('/api/learners/L000124/enrolment');
      expect(second.status).to.equal(202);
      expect(second.body.jobId).to.equal(first.body.jobId);
      expect(await admin.queues.enrolment.count()).to.equal(1);
    });

    it('answers 409 for a learner already enrolled, and 404 for an unknown one, queueing nothing', async () => {
      const enrolled = await admin.api.post('/api/learners/L000123/enrolment');
      expect(enrolled.status).to.equal(409);
      expect(enrolled.body.error).to.deep.equal({ code: 'conflict', message: 'Learner L000123 is already enrolled in Smart Assessor (Smart Assessor ID 5512)' });
      const unknown = await admin.api.post('/api/learners/NOPE/enrolment');
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal('not_found');
      expect(await admin.queues.enrolment.count()).to.equal(0);
    });
  });

  describe('POST /api/learners/{ident}/sync', () => {
    it('answers 202 with a learner run whose jobs wait in each per-learner queue, the officer and the organisation queue', async () => {
      const answer = await admin.api.post('/api/learners/L000123/sync');
      expect(answer.status).to.equal(202);
      expect(answer.body).to.have.keys('runId', 'jobIds');
      const { runId, jobIds } = answer.body as { runId: string; jobIds: string[] };
      const learner = await learnerId('L000123');
      const [officer] = await admin.db.query(`SELECT id FROM officer WHERE ref = 'OFF2'`);
      const [organisation] = await admin.db.query(`SELECT id FROM organisation WHERE ref = 'ORG7'`);
      const found: Array<[string, string, unknown]> = [];
      for (const [name, queue] of Object.entries(admin.queues)) {
        for (const job of await queue.getJobs(['waiting', 'prioritized', 'delayed'])) {
          if (jobIds.includes(String(job.id))) found.push([name, job.name, job.data]);
        }
      }
      expect(found).to.have.deep.members([
        ['qualification-progress', 'learner-progress', { runId, learnerId: learner }],
        ['reviews', 'learner-reviews', { runId, learnerId: learner }],
        ['otj', 'learner-otj', { runId, learnerId: learner }],
        ['demographics', 'learner-demographics', { runId, learnerId: learner }],
        ['status', 'learner-status', { runId, learnerId: learner }],
        ['officers', 'officer-details', { runId, officerId: officer.id }],
        ['organisations', 'organisation-details', { runId, organisationId: organisation.id }],
      ]);
      expect(found).to.have.length(jobIds.length);
      const run = await admin.api.get(`/api/sync/runs/${runId}`);
      expect(run.body).to.include({ runId, trigger: 'learner', learners: 1 });
    });

    it('answers 409 for a learner who is not enrolled and 404 for an unknown one, queueing nothing', async () => {
      const notEnrolled = await admin.api.post('/api/learners/L000124/sync');
      expect(notEnrolled.status).to.equal(409);
      expect(notEnrolled.body.error.message).to.equal('Learner L000124 is not enrolled in Smart Assessor (no Smart Assessor ID)');
      const unknown = await admin.api.post('/api/learners/NOPE/sync');
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error).to.deep.equal({ code: 'not_found', message: 'No learner with Learner Ident "NOPE"' });
      const counts = await Promise.all(Object.values(admin.queues).map((queue) => queue.count()));
      expect(counts.reduce((sum, count) => sum + count, 0)).to.equal(0);
      expect((await admin.db.query('SELECT count(*)::int AS n FROM sync_run'))[0].n).to.equal(0);
    });
  });

  describe('GET /api/sync/runs and /api/sync/runs/{runId}', () => {
    it('answers the runs newest first, and one run, in the SyncRun shape with the settings it started with and no secret', async () => {
      await admin.settings.update({ learnerDemographicsMode: 'Pull', reviewTypeMappings: { FormalReview: 'PR' }, password: 'the-sa-password', clientKey: 'the-client-key' });
      const { passwordSet, clientKeySet, notificationWebhookUrlSet, lastSynchronisedAt, ...shown } = await admin.settings.view();
      const savedAt = (await admin.settings.get()).updatedAt.toISOString();
      const started = await admin.api.post('/api/sync/runs');
      await admin.settings.update({ learnerDemographicsMode: 'Push' });
      const list = await admin.api.get('/api/sync/runs');
      expect(list.status).to.equal(200);
      expect(list.body).to.include({ page: 1, totalItems: 1 });
      const expected = {
        runId: started.body.runId,
        trigger: 'manual',
        dryRun: false,
        state: 'queued',
        startedAt: null,
        finishedAt: null,
        learners: 0,
        jobs: { total: 0, completed: 0, failed: 0, waiting: 0 },
        etaSeconds: null,
        settings: { ...shown, savedAt },
      };
      expect([passwordSet, clientKeySet, lastSynchronisedAt, shown.learnerDemographicsMode, shown.reviewTypeMappings.FormalReview]).to.deep.equal([true, true, null, 'Pull', 'PR']);
      expect(list.text).to.not.match(/the-sa-password|the-client-key|Encrypted/);
      expect(list.body.items).to.deep.equal([expected]);
      const one = await admin.api.get(`/api/sync/runs/${started.body.runId}`);
      expect(one.status).to.equal(200);
      expect(one.body).to.deep.equal({ ...expected, learnersDone: 0 });
    });

    it('counts a learner as done once every per-learner queue has an outcome for them, failures included', async () => {
      const [run] = await admin.db.query(`INSERT INTO sync_run (trigger, state, as_of_date, learners, jobs_total) VALUES ('manual', 'running', '2026-11-28', 2, 10) RETURNING id`);
      const queues = ['qualification-progress', 'reviews', 'otj', 'demographics', 'status'];
      const record = (ident: string, queue: string, outcome: string) =>
        admin.db.query(`INSERT INTO sync_event (run_id, queue, subject_type, subject_ref, outcome) VALUES ($1, $2, 'learner', $3, $4)`, [run.id, queue, ident, outcome]);
      for (const queue of queues) await record('L000123', queue, queue === 'otj' ? 'failed' : 'changed');
      for (const queue of queues.slice(0, 4)) await record('L000126', queue, 'unchanged');
      await admin.db.query(`INSERT INTO sync_event (run_id, queue, subject_type, subject_ref, outcome) VALUES ($1, 'officers', 'officer', 'OFF2', 'changed')`, [run.id]);
      const answer = await admin.api.get(`/api/sync/runs/${run.id}`);
      expect(answer.body).to.include({ learners: 2, learnersDone: 1 });
    });

    it('answers 404 for an unknown run and 400 for a bad page', async () => {
      for (const runId of ['00000000-0000-0000-0000-000000000000', 'nope']) {
        const answer = await admin.api.get(`/api/sync/runs/${runId}`);
        expect(answer.status, runId).to.equal(404);
        expect(answer.body.error.code).to.equal('not_found');
      }
      const bad = await admin.api.get('/api/sync/runs?page=0');
      expect(bad.status).to.equal(400);
      expect(bad.body.error.fields).to.have.keys('page');
    });
  });

  describe('POST /api/sync/runs', () => {
    it('answers 202 with a queued manual run whose fan-out job waits in the run-control queue', async () => {
      const answer = await admin.api.post('/api/sync/runs');
      expect(answer.status).to.equal(202);
      const rows = await admin.db.query('SELECT id, trigger, state, as_of_date::text AS as_of_date FROM sync_run');
      expect(rows).to.deep.equal([{ id: answer.body.runId, trigger: 'manual', state: 'queued', as_of_date: '2026-11-28' }]);
      const jobs = await admin.producers.control.getJobs(['waiting']);
      expect(jobs.map((job) => [job.name, job.data])).to.deep.equal([['fan-out', { runId: answer.body.runId }]]);
    });

    it('answers 409 while another run is active, starting nothing more', async () => {
      const first = await admin.api.post('/api/sync/runs');
      const second = await admin.api.post('/api/sync/runs');
      expect(second.status).to.equal(409);
      expect(second.body.error).to.deep.equal({ code: 'conflict', message: `Run ${first.body.runId} is still in progress; wait for it to finish` });
      expect((await admin.db.query('SELECT count(*)::int AS n FROM sync_run'))[0].n).to.equal(1);
    });

    it('starts a dry run for {"dryRun":true}: a run like any other, marked as one; a second dry run waits for it, a real run does not', async () => {
      const answer = await admin.api.post('/api/sync/runs', { dryRun: true });
      expect(answer.status).to.equal(202);
      const rows = await admin.db.query('SELECT id, trigger, state, dry_run FROM sync_run');
      expect(rows).to.deep.equal([{ id: answer.body.runId, trigger: 'manual', state: 'queued', dry_run: true }]);
      expect((await admin.api.get(`/api/sync/runs/${answer.body.runId}`)).body.dryRun).to.equal(true);
      const jobs = await admin.producers.control.getJobs(['waiting']);
      expect(jobs.map((job) => [job.name, job.data])).to.deep.equal([['fan-out', { runId: answer.body.runId }]]);
      const second = await admin.api.post('/api/sync/runs', { dryRun: true });
      expect(second.status).to.equal(409);
      expect(second.body.error.message).to.equal(`Dry run ${answer.body.runId} is still in progress; wait for it to finish`);
      // The night's run must never be lost to a dry run started late in the evening.
      const real = await admin.api.post('/api/sync/runs');
      expect(real.status).to.equal(202);
      expect((await admin.db.query('SELECT dry_run FROM sync_run ORDER BY created_at')).map((row: { dry_run: boolean }) => row.dry_run)).to.deep.equal([true, false]);
    });

    it('answers 400 naming the field for a dryRun that is not true or false, or a field it does not know, starting nothing', async () => {
      const wrong = await admin.api.post('/api/sync/runs', { dryRun: 'yes' });
      expect(wrong.status).to.equal(400);
      expect(wrong.body.error.fields).to.deep.equal({ dryRun: 'must be true or false' });
      const unknown = await admin.api.post('/api/sync/runs', { dryrun: true });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.fields).to.have.keys('dryrun');
      expect((await admin.db.query('SELECT count(*)::int AS n FROM sync_run'))[0].n).to.equal(0);
    });
  });

  describe('GET /api/sync/runs/{runId}/failures and /api/sync/trend', () => {
    async function finishedRun(startedAt: string, seconds: number, changes: number, failed: number): Promise<string> {
      const [row] = await admin.db.query(
        `INSERT INTO sync_run (trigger, state, as_of_date, started_at, finished_at, learners, jobs_total, jobs_completed, jobs_failed, changes, created_at)
         VALUES ('schedule', 'completed', '2026-11-28', $1::timestamptz, $1::timestamptz + make_interval(secs => $2), 10, 50, 50 - $4, $4, $3, $1::timestamptz)
         RETURNING id`,
        [startedAt, seconds, changes, failed],
      );
      return row.id;
    }

    it("lists a run's failures with their reasons, newest first", async () => {
      const runId = await finishedRun('2026-11-27T02:00:00Z', 300, 4, 2);
      const learner = await learnerId('L000123');
      await admin.db.query(
        `INSERT INTO sync_event (at, run_id, queue, subject_type, subject_ref, learner_id, outcome, error) VALUES
         ('2026-11-27T02:01:00Z', $1, 'demographics', 'learner', 'L000123', $2, 'failed', 'learner L000123: uln fails the check digit'),
         ('2026-11-27T02:02:00Z', $1, 'officers', 'officer', 'OFF2', NULL, 'failed', 'Smart Assessor did not answer'),
         ('2026-11-27T02:03:00Z', $1, 'otj', 'learner', 'L000123', $2, 'changed', NULL)`,
        [runId, learner],
      );
      const answer = await admin.api.get(`/api/sync/runs/${runId}/failures`);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({
        items: [
          { at: '2026-11-27T02:02:00.000Z', queue: 'officers', subjectType: 'officer', subjectRef: 'OFF2', error: 'Smart Assessor did not answer' },
          { at: '2026-11-27T02:01:00.000Z', queue: 'demographics', subjectType: 'learner', subjectRef: 'L000123', error: 'learner L000123: uln fails the check digit' },
        ],
        page: 1,
        pageSize: 50,
        totalItems: 2,
      });
    });

    it('answers 404 for a run that does not exist or an id that is not a run id', async () => {
      for (const runId of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
        const answer = await admin.api.get(`/api/sync/runs/${runId}/failures`);
        expect(answer.status, runId).to.equal(404);
        expect(answer.body.error.code).to.equal('not_found');
      }
    });

    it('gives the recent whole-provider runs oldest first, with duration, changes and failures', async () => {
      const older = await finishedRun('2026-11-26T02:00:00Z', 600, 12, 1);
      const newer = await finishedRun('2026-11-27T02:00:00Z', 420, 7, 3);
      await admin.db.query(`INSERT INTO sync_run (trigger, state, as_of_date, learner_id) VALUES ('learner', 'completed', '2026-11-28', $1)`, [await learnerId('L000123')]);
      const answer = await admin.api.get('/api/sync/trend');
      expect(answer.status).to.equal(200);
      expect(answer.body.items).to.deep.equal([
        {
          runId: older,
          trigger: 'schedule',
          state: 'completed',
          startedAt: '2026-11-26T02:00:00.000Z',
          finishedAt: '2026-11-26T02:10:00.000Z',
          durationSeconds: 600,
          learners: 10,
          changes: 12,
          failures: 1,
        },
        {
          runId: newer,
          trigger: 'schedule',
          state: 'completed',
          startedAt: '2026-11-27T02:00:00.000Z',
          finishedAt: '2026-11-27T02:07:00.000Z',
          durationSeconds: 420,
          learners: 10,
          changes: 7,
          failures: 3,
        },
      ]);
    });
  });
});
