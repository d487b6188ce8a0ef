import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { LearnerSnapshot, SNAPSHOT_TTL_SECONDS, snapshotKey, type ReadsInFlight } from '../../../src/daily/learner-snapshot.js';
import { NO_FAULTS } from '../../../tools/simulator/faults.js';
import type { SmartAssessorClient } from '../../../src/smart-assessor/client.js';
import { testRedisUrl } from '../../support/redis.js';
import { clientFor, startTestSimulator, type RunningSimulator } from '../../support/simulator.js';

describe("a run's Smart Assessor snapshot of a learner", function () {
  this.timeout(10_000);
  let simulator: RunningSimulator;
  let client: SmartAssessorClient;
  let redis: Redis;
  let calls: string[];
  let runId: string;
  let learnerId: string;

  before(async function () {
    simulator = await startTestSimulator();
    redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
    calls = [];
    client = clientFor(simulator, { onRequest: (event) => calls.push(event.operation) });
    const seeded = simulator.store.seed({
      employers: [{ misReference: 'ORG1', name: 'Acme Ltd' }],
      assessors: [{ misReference: 'OFF1', firstName: 'Sam', surname: 'Patel', email: 'sam@provider.example' }],
      learners: [
        {
          misReference: 'L1',
          firstName: 'Amira',
          surname: 'Khan',
          dateOfBirth: '2004-03-09',
          email: 'amira@example.org',
          employerMisReference: 'ORG1',
          assessorMisReference: 'OFF1',
          courses: [{ qanCode: 'ST0457', misReference: 'L1-1', startDate: '2026-01-05', plannedEndDate: '2027-07-05' }],
        },
      ],
    });
    learnerId = seeded.learnerIds[0];
  });

  beforeEach(async function () {
    runId = randomUUID();
    await client.getSite();
    calls.length = 0;
    simulator.setFaults({ ...NO_FAULTS });
  });

  afterEach(async function () {
    for (const part of ['learner', 'courses'] as const) await redis.del(snapshotKey(runId, learnerId, part), `${snapshotKey(runId, learnerId, part)}:fetching`);
  });

  after(async function () {
    client?.close();
    redis?.disconnect();
    await simulator?.close();
  });

  /** A reader in a worker process of its own: it shares nothing with the others but Redis. */
  const inProcess = (reads: ReadsInFlight = new Map()) => new LearnerSnapshot(redis, runId, learnerId, reads);

  it('is fetched once when readers in different processes ask for it at the same moment, and they agree on it', async function () {
    simulator.setFaults({ latencyMs: 150, operations: ['getLearner'] });
    const read = await Promise.all([inProcess().learner(client), inProcess().learner(client), inProcess().learner(client)]);
    expect(calls).to.deep.equal(['getLearner']);
    expect(read[1]).to.deep.equal(read[0]);
    expect(read[2]).to.deep.equal(read[0]);
    expect(read[0]).to.include({ id: learnerId, misReference: 'L1' });
  });

  it('is fetched once for readers of one process, and again by no later reader of the run', async function () {
    const shared: ReadsInFlight = new Map();
    await Promise.all([inProcess(shared).courses(client), inProcess(shared).courses(client)]);
    const later = await inProcess().courses(client);
    expect(calls).to.deep.equal(['listLearnerCourses']);
    expect(later.map((course) => course.misReference)).to.deep.equal(['L1-1']);
  });

  it("lets another reader fetch at once when a fetch fails, instead of waiting out the failed reader's lock", async function () {
    simulator.setFaults({ errorRate: 1, operations: ['getLearner'] });
    const failed = await inProcess()
      .learner(client)
      .then(
        () => null,
        (error: Error) => error,
      );
    expect(failed?.name).to.equal('SmartAssessorError');
    simulator.setFaults({ ...NO_FAULTS });
    expect((await inProcess().learner(client)).id).to.equal(learnerId);
    expect(calls).to.deep.equal(['getLearner', 'getLearner']);
  });

  it("holds what a job wrote to Smart Assessor, so a repeated job compares with SA's present", async function () {
    const snapshot = inProcess();
    const read = await snapshot.learner(client);
    await snapshot.learnerWritten(await client.updateLearner(learnerId, { email: 'amira.khan@example.org' }));
    expect((await inProcess().learner(client)).email).to.equal('amira.khan@example.org');
    expect(read.email).to.equal('amira@example.org');
    expect(calls).to.deep.equal(['getLearner', 'updateLearner']);
  });

  it('is deleted once every reader of the run is done with it, and expires if one never comes', async function () {
    const readers = ['demographics', 'status'] as const;
    const key = snapshotKey(runId, learnerId, 'learner');
    await inProcess().learner(client);
    await inProcess().release('learner', 'demographics', readers);
    const ttl = await redis.ttl(key);
    expect(ttl).to.be.greaterThan(0).and.at.most(SNAPSHOT_TTL_SECONDS);
    await inProcess().release('learner', 'status', readers);
    expect(await redis.exists(key)).to.equal(0);
  });

  it('counts a reader that is done before anyone has read it, and never keeps an entry without a TTL', async function () {
    const readers = ['qualification-progress', 'status'] as const;
    const key = snapshotKey(runId, learnerId, 'courses');
    await inProcess().release('courses', 'qualification-progress', readers);
    expect(await redis.ttl(key)).to.be.greaterThan(0);
    await inProcess().courses(client);
    expect(await redis.ttl(key)).to.be.greaterThan(0);
    await inProcess().release('courses', 'status', readers);
    expect(await redis.exists(key)).to.equal(0);
  });
});
