import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { DataSource, EntityManager } from 'typeorm';
import { SecretBox } from '../../../src/settings/secret-box.js';
import { SettingsService } from '../../../src/settings/settings-service.js';
import { createWorkerDeps } from '../../../workers/deps.js';
import type { Processor } from '../../../src/jobs/job-contract.js';
import type { RunningWorkers } from '../../../workers/runner.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { openTestPipeline, seedLearner, silentLogger, startTestWorkers, waitFor, type TestPipeline } from '../../support/pipeline.js';

describe('enrolment queue and worker deps', function () {
  let db: DataSource;
  let pipeline: TestPipeline;
  let workers: RunningWorkers | undefined;

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    pipeline = await openTestPipeline('enrolment');
  });

  afterEach(async function () {
    await workers?.close({ deadlineMs: 5_000 });
    workers = undefined;
    await pipeline.close();
  });

  it('queues one enrolment per learner while one is pending, and records its outcome outside any run', async function () {
    const learnerId = await seedLearner(db, { ident: 'L-ENROL', smartAssessorId: null });
    const first = await pipeline.producers.enqueueEnrolment(learnerId);
    const again = await pipeline.producers.enqueueEnrolment(learnerId);
    expect(again).to.equal(first);
    expect(await pipeline.producers.queues.enrolment.getJobCountByTypes('waiting')).to.equal(1);

    const enrolment: Processor<'enrolment'> = async (job) => {
      const result = { subject: { type: 'learner' as const, ref: 'L-ENROL', learnerId: job.data.learnerId }, outcome: 'changed' as const, changes: [] };
      return {
        ...result,
        misWrites: [
          async (manager: EntityManager) => {
            await manager.query(`UPDATE learner SET smart_assessor_id = 'SA-NEW' WHERE id = $1`, [job.data.learnerId]);
          },
        ],
      };
    };
    workers = await startTestWorkers(pipeline, db, { processors: { enrolment } });
    await waitFor('the enrolment to finish', async () => (await (await pipeline.producers.queues.enrolment.getJob(first))?.getState()) === 'completed');
    const events = await db.query(`SELECT run_id, queue, outcome FROM sync_event WHERE learner_id = $1`, [learnerId]);
    expect(events).to.deep.equal([{ run_id: null, queue: 'enrolment', outcome: 'changed' }]);

    // Finished: the next request is a new enrolment job.
    const later = await pipeline.producers.enqueueEnrolment(learnerId);
    expect(later).to.not.equal(first);
  });

  it('builds the Smart Assessor client once, and again for the first job that starts after the settings row changes', async function () {
    const settings = new SettingsService(db, new SecretBox(randomBytes(32)), {
      baseUrl: 'http://127.0.0.1:9/api/v1',
      username: 'api.user@provider.example',
      password: 'not-used',
      clientKey: 'not-used',
    });
    const deps = createWorkerDeps({ db, redis: pipeline.redis, config: { QUEUE_PREFIX: pipeline.prefix }, settings, logger: silentLogger });
    try {
      const before = deps.forJob(null);
      const client = await before.smartAssessor();
      expect(await deps.forJob(null).smartAssessor()).to.equal(client);
      await settings.update({ username: 'other.user@provider.example' });
      expect(await before.smartAssessor(), 'a job that started before the save keeps its client').to.equal(client);
      const after = deps.forJob(null);
      expect(await after.smartAssessor()).to.not.equal(client);
      expect((await after.settings()).username).to.equal('other.user@provider.example');
    } finally {
      deps.close();
    }
  });
});
