import { expect } from 'chai';
import { QueueEvents } from 'bullmq';
import { LearningAim, Officer, Organisation } from '../../../entities/index.js';
import { workerConnection } from '../../../queues/connection.js';
import { requestEnrolment } from '../../../src/enrolment/index.js';
import { isSmartAssessorError } from '../../../src/smart-assessor/smart-assessor-error.js';
import { createWorkerDeps } from '../../../workers/deps.js';
import { enrolmentProcessor } from '../../../workers/enrolment.js';
import { classifyFailure } from '../../../workers/failure.js';
import { startWorkers } from '../../../workers/runner.js';
import { CapturedLog } from '../../support/admin.js';
import { FAST_WORKERS, openTestPipeline } from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';
import { learner, provider } from './fixtures.js';
import { failWritesOf, rejectionOf, startTestbed, type Testbed } from './testbed.js';

const connection = workerConnection(testRedisUrl);

/**
 * Starts listening at once; the answer waits until every job given has completed, and
 * fails on the first that failed.
 */
function jobsFinishing(events: QueueEvents): (jobIds: readonly string[]) => Promise<void> {
  const completed = new Set<string>();
  let settle: (() => void) | undefined;
  let failure: Error | undefined;
  events.on('completed', ({ jobId }) => {
    completed.add(jobId);
    settle?.();
  });
  events.on('failed', ({ jobId, failedReason }) => {
    failure ??= new Error(`job ${jobId} failed: ${failedReason}`);
    settle?.();
  });
  return (jobIds) =>
    new Promise<void>((resolve, reject) => {
      settle = () => {
        if (failure) reject(failure);
        else if (jobIds.every((jobId) => completed.has(jobId))) resolve();
      };
      settle();
    });
}

describe('enrolment: exactly once, however many run at once and wherever one dies', () => {
  let bed: Testbed;

  afterEach(async () => {
    await bed.close();
  });

  /** Every MIS id enrolment saves is the id of the Smart Assessor record with that misReference. */
  async function expectEveryIdSaved(): Promise<void> {
    const store = bed.simulator.store;
    const [organisation] = await bed.db.getRepository(Organisation).find();
    expect(organisation.additionalId).to.equal(store.employerIdByRef(organisation.ref));
    const [officer] = await bed.db.getRepository(Officer).find({ where: { ref: 'OFF2' } });
    expect(officer.additionalId).to.equal(store.assessorIdByRef('OFF2'));
    const saLearners = new Map([...store.learners.values()].map((saLearner) => [saLearner.misReference, saLearner]));
    const learnerRows: Array<{ learner_ident: string; smart_assessor_id: string | null }> = await bed.db.query('SELECT learner_ident, smart_assessor_id FROM learner');
    for (const row of learnerRows) expect(row.smart_assessor_id, row.learner_ident).to.equal(saLearners.get(row.learner_ident)?.id);
    const courses = new Map([...saLearners.values()].flatMap((saLearner) => saLearner.courses.map((course) => [course.misReference, course.id])));
    const aims = await bed.db.getRepository(LearningAim).find({ relations: { qualification: true } });
    for (const aim of aims) expect(aim.saLearnerCourseId, aim.aimRef).to.equal(aim.qualification!.saCourseId ? courses.get(aim.aimRef) : null);
  }

  it('twenty learners of one new employer and officer, enrolled at the same moment by a BullMQ worker, create one employer and one assessor', async () => {
    bed = await startTestbed({ simulator: { faults: { latencyMs: 2, latencyJitterMs: 25 } } });
    const idents = Array.from({ length: 20 }, (_, index) => index + 1);
    await bed.load(provider(idents.map((n) => learner(n))));
    const pipeline = await openTestPipeline('enrolment');
    const { prefix, producers } = pipeline;
    const log = new CapturedLog();
    // The product's deps: the client is built from the settings, sharing the request budget through Redis.
    const deps = createWorkerDeps({ db: bed.db, redis: pipeline.redis, config: { QUEUE_PREFIX: prefix }, settings: bed.settings, logger: log.logger });
    const workers = await startWorkers({
      connection,
      prefix,
      queues: ['enrolment'],
      concurrency: 10,
      processors: { enrolment: enrolmentProcessor },
      deps,
      tuning: FAST_WORKERS,
    });
    const events = new QueueEvents('enrolment', { connection, prefix });
    try {
      await events.waitUntilReady();
      const finished = jobsFinishing(events);
      const requests = await Promise.all(idents.map((n) => requestEnrolment(bed.db, producers, learner(n).learnerIdent)));
      expect(new Set(requests.map(({ jobId }) => jobId)).size).to.equal(20);
      await finished(requests.map(({ jobId }) => jobId));
    } finally {
      await events.close();
      await workers.close();
      deps.close();
      await pipeline.close();
    }

    const store = bed.simulator.store;
    expect(store.stats()).to.include({ employers: 1, assessors: 1, learners: 20, learnerCourses: 20 });
    await expectEveryIdSaved();
    const [{ count }] = await bed.db.query(`SELECT count(*)::int AS count FROM sync_event WHERE changes @> '[{"record": "organisation ORG7", "field": "additionalId"}]'`);
    expect(count, 'one job saved the employer id; the others linked to it').to.equal(1);
    const outcomes: Array<{ outcome: string; n: number }> = await bed.db.query(
      `SELECT outcome, count(*)::int AS n FROM sync_event WHERE queue = 'enrolment' AND job_id IS NOT NULL AND changes @> '[{"field": "plannedOtjHours"}]' GROUP BY outcome`,
    );
    expect(outcomes).to.deep.equal([{ outcome: 'changed', n: 20 }]);
    expect(log.text()).not.to.contain(bed.simulator.credentials.password).and.not.to.contain(bed.simulator.credentials.clientKey);
    expect(log.text()).not.to.contain('amira.khan1@example.org');
  });

  const STEPS = [
    { made: 'the employer', table: 'organisation', column: 'additional_id', operation: 'createEmployer' },
    { made: 'the assessor', table: 'officer', column: 'additional_id', operation: 'createAssessor' },
    { made: 'the learner', table: 'learner', column: 'smart_assessor_id', operation: 'createLearner' },
    { made: 'a course', table: 'learning_aim', column: 'sa_learner_course_id', operation: 'enrolLearnerOnCourse' },
  ];
  for (const { made, table, column, operation } of STEPS) {
    it(`a retry after the worker died between Smart Assessor creating ${made} and PostgreSQL saving its id creates nothing twice`, async () => {
      bed = await startTestbed();
      await bed.load(provider([learner(1)]), { sendLearnerWelcomeEmail: true });
      const store = bed.simulator.store;

      const repair = await failWritesOf(bed.db, table, column);
      let crash: Error;
      try {
        crash = await rejectionOf(bed.enrol('L000001'));
      } finally {
        await repair();
      }
      expect(crash.message).to.contain(`${table}.${column}`);
      expect(classifyFailure(crash).kind, 'a crash is retried').to.equal('retry');
      expect(store.counters.byOperation[operation], `Smart Assessor made ${made}`).to.equal(1);

      const retried = await bed.enrol('L000001');

      expect(retried.outcome).to.equal('changed');
      expect(store.counters.byOperation[operation], `${made} was found, not made again`).to.equal(1);
      expect(store.stats()).to.include({ employers: 1, assessors: 1, learners: 1, learnerCourses: 1 });
      expect(store.counters.welcomeEmails).to.equal(1);
      await expectEveryIdSaved();
    });
  }

  it('a retry after the answer to a create was lost (Smart Assessor made the learner; the worker never heard) finds it and sends no second welcome email', async () => {
    bed = await startTestbed({ clientTimeoutMs: 1_000 });
    await bed.load(provider([learner(1)]), { sendLearnerWelcomeEmail: true });
    const store = bed.simulator.store;
    bed.simulator.setFaults({ timeoutRate: 1, operations: ['createLearner'] });

    const lost = await rejectionOf(bed.enrol('L000001'));

    expect(isSmartAssessorError(lost) && lost.kind).to.equal('transient');
    expect(store.stats().learners).to.equal(1);
    expect((await bed.learner('L000001')).smartAssessorId).to.equal(null);

    bed.simulator.setFaults({ timeoutRate: 0 });
    await bed.enrol('L000001');

    expect(store.counters.byOperation.createLearner).to.equal(1);
    expect(store.stats()).to.include({ employers: 1, assessors: 1, learners: 1, learnerCourses: 1 });
    expect(store.counters.welcomeEmails).to.equal(1);
    await expectEveryIdSaved();
  });
});
