import { Writable } from 'node:stream';
import { expect } from 'chai';
import winston from 'winston';
import { createLogger } from '../../../src/logging/logger.js';
import type { SmartAssessorClient } from '../../../src/smart-assessor/client.js';
import { SmartAssessorError } from '../../../src/smart-assessor/smart-assessor-error.js';
import { rejectionOf } from '../../support/rejection.js';
import { clientFor, startTestSimulator, type RunningSimulator } from '../../support/simulator.js';

const rejection = (promise: Promise<unknown>) => rejectionOf(promise, SmartAssessorError);

function seedOneLearner(simulator: RunningSimulator): string {
  const seeded = simulator.store.seed({
    employers: [{ misReference: 'ORG-1', name: 'Northwind Engineering Ltd' }],
    assessors: [{ misReference: 'OFF-1', firstName: 'Priya', surname: 'Shah', email: 'priya.shah@provider.example' }],
    learners: [
      {
        misReference: 'L000123',
        firstName: 'Amira',
        surname: 'Khan',
        dateOfBirth: '2004-05-06',
        email: 'amira.khan@example.com',
        employerMisReference: 'ORG-1',
        assessorMisReference: 'OFF-1',
        courses: [{ qanCode: 'ST0118', misReference: 'AIM-1', startDate: '2024-09-01', plannedEndDate: '2026-03-01' }],
      },
    ],
  });
  return seeded.learnerIds[0]!;
}

describe('Smart Assessor client: every failure has the kind the workers act on', () => {
  let simulator: RunningSimulator;
  let client: SmartAssessorClient;
  let learnerId: string;

  beforeEach(async () => {
    simulator = await startTestSimulator({ recordRequests: true });
    client = clientFor(simulator, { timeoutMs: 1_000 });
    learnerId = seedOneLearner(simulator);
  });

  afterEach(async () => {
    client.close();
    await simulator.close();
  });

  it('a 500 is transient, and the client does not retry it itself', async () => {
    simulator.setFaults({ errorRate: 1, operations: ['getLearner'] });
    const error = await rejection(client.getLearner(learnerId));
    expect(error.kind).to.equal('transient');
    expect(error.retryable).to.equal(true);
    expect(error.details).to.include({ operation: 'getLearner', status: 500, code: 'internal' });
    expect(simulator.store.counters.byOperation.getLearner).to.equal(1);
  });

  it('an outage (503 unavailable) is transient', async () => {
    simulator.setFaults({ outageUntil: Date.now() + 60_000 });
    const error = await rejection(client.getSite());
    expect(error.kind).to.equal('transient');
    expect(error.details).to.include({ status: 503, code: 'unavailable' });
    simulator.setFaults({ outageUntil: null });
    expect((await client.getSite()).siteName).to.be.a('string');
  });

  it('an answer that never comes is transient after the timeout', async () => {
    simulator.setFaults({ timeoutRate: 1, holdMs: 30_000, operations: ['getLearner'] });
    const error = await rejection(client.getLearner(learnerId));
    expect(error.kind).to.equal('transient');
    expect(error.message).to.contain('did not answer getLearner within 1000 ms');
  });

  it('a create whose answer was lost is found, not made twice, when the job runs again', async () => {
    simulator.setFaults({ timeoutRate: 1, holdMs: 30_000, operations: ['createEmployer'] });
    const body = { misReference: 'ORG-9', name: 'Lost Answer Ltd' };
    expect((await rejection(client.ensureEmployer(body))).kind).to.equal('transient');
    simulator.setFaults({ timeoutRate: 0 });
    const again = await client.ensureEmployer(body);
    expect(again.created).to.equal(false);
    const matching = [...simulator.store.employers.values()].filter((employer) => employer.misReference === 'ORG-9');
    expect(matching.map((employer) => employer.id)).to.deep.equal([again.id]);
  });

  it('a server that cannot be reached is transient', async () => {
    const gone = await startTestSimulator();
    await gone.close();
    const orphan = clientFor(gone);
    try {
      const error = await rejection(orphan.getSite());
      expect(error.kind).to.equal('transient');
      expect(error.message).to.contain('could not be reached');
    } finally {
      orphan.close();
    }
  });

  it("a 429 is rate-limited with the server's Retry-After, and holds back this client's next call unsent", async () => {
    simulator.setFaults({ rateLimitRate: 1, retryAfterSeconds: 3, operations: ['getLearner'] });
    const error = await rejection(client.getLearner(learnerId));
    expect(error.kind).to.equal('rate-limited');
    expect(error.details.retryAfterMs).to.equal(3000);
    const sent = simulator.store.counters.requests;
    const held = await rejection(client.getSite());
    expect(held.kind).to.equal('rate-limited');
    expect(held.details.retryAfterMs).to.be.within(1, 3000);
    expect(simulator.store.counters.requests).to.equal(sent);
  });

  it('an answer that breaks the contract is permanent and names the operation and the property', async () => {
    simulator.setFaults({ malformedRate: 1, operations: ['getLearner', 'listLearnerCourses'] });
    const single = await rejection(client.getLearner(learnerId));
    expect(single.kind).to.equal('permanent');
    expect(single.retryable).to.equal(false);
    expect(single.message).to.contain('getLearner').and.to.contain('does not match the contract');
    expect(single.details.fields).to.have.property('id');
    const list = await rejection(client.listLearnerCourses(learnerId));
    expect(list.message).to.contain('listLearnerCourses');
    expect(Object.keys(list.details.fields ?? {}).some((field) => field.startsWith('items.0.'))).to.equal(true);
  });

  it('a 404 is not-found', async () => {
    const error = await rejection(client.getEmployer('emp-404'));
    expect(error.kind).to.equal('not-found');
    expect(error.retryable).to.equal(false);
    expect(error.message).to.contain('emp-404');
    expect((await rejection(client.updateLearnerCourse(learnerId, 'lc-404', { status: 'InTraining' }))).kind).to.equal('not-found');
  });

  it('a 400 is permanent, names each refused field, and is sent once', async () => {
    const error = await rejection(
      client.ensureLearner({ misReference: 'L2', firstName: 'Bo', surname: 'Li', dateOfBirth: '2004-05-06', email: 'not-an-email', employerId: 'emp-1', assessorId: 'asr-404' }),
    );
    expect(error.kind).to.equal('permanent');
    expect(error.details.status).to.equal(400);
    expect(error.details.fields).to.have.property('email');
    expect(error.message).to.contain('email');
    expect(simulator.store.counters.byOperation.createLearner).to.equal(1);
  });

  it('a 409 on create (a racing caller made it first) answers with the existing id', async () => {
    // Both look-ups are answered "none" before either create arrives: the answers are held, the look-ups are not.
    simulator.setFaults({ latencyMs: 300, operations: null });
    const other = clientFor(simulator);
    try {
      const body = { misReference: 'ORG-RACE', name: 'Racing Ltd' };
      const [mine, theirs] = await Promise.all([client.ensureEmployer(body), other.ensureEmployer(body)]);
      expect(mine.id).to.equal(theirs.id);
      expect([mine.created, theirs.created].sort()).to.deep.equal([false, true]);
      expect(simulator.store.counters.byStatus['409']).to.equal(1);
      expect([...simulator.store.employers.values()].filter((employer) => employer.misReference === 'ORG-RACE')).to.have.length(1);
    } finally {
      other.close();
    }
  });

  it("a 409 for a course misReference held by another learner is permanent, not that learner's course", async () => {
    const other = simulator.store.seed({
      learners: [
        {
          misReference: 'L000124',
          firstName: 'Bo',
          surname: 'Li',
          dateOfBirth: '2004-05-06',
          email: 'bo.li@example.com',
          employerMisReference: 'ORG-1',
          assessorMisReference: 'OFF-1',
        },
      ],
    }).learnerIds[0]!;
    const course = simulator.store.courseByQanCode('ST0118')!;
    const error = await rejection(
      client.ensureLearnerCourse(other, {
        courseId: course.id,
        misReference: 'AIM-1',
        startDate: '2024-09-01',
        plannedEndDate: '2026-03-01',
        primaryAssessorId: simulator.store.assessorIdByRef('OFF-1')!,
      }),
    );
    expect(error.kind).to.equal('permanent');
    expect(error.message).to.contain('AIM-1').and.to.contain(other);
    expect(simulator.store.getLearner(other).courses).to.deep.equal([]);
  });

  it('wrong credentials are auth, after one token request', async () => {
    const wrong = clientFor(simulator, { password: 'not-the-password' });
    try {
      const error = await rejection(wrong.getSite());
      expect(error.kind).to.equal('auth');
      expect(error.message).to.contain('integration settings');
      expect(simulator.store.counters.byOperation.createToken).to.equal(1);
      expect(simulator.store.counters.byOperation.getSite ?? 0).to.equal(0);
    } finally {
      wrong.close();
    }
  });

  it('tokens expiring mid-run are renewed once and the calls carry on', async () => {
    for (let i = 0; i < 4; i += 1) await client.getLearner(learnerId);
    simulator.store.expireTokens();
    for (let i = 0; i < 4; i += 1) await client.getLearnerOtj(learnerId);
    expect(simulator.store.counters.tokensIssued).to.equal(2);
    expect(simulator.store.counters.tokenRefused).to.equal(1);
    expect(simulator.store.counters.byOperation.getLearnerOtj).to.equal(5);
  });

  it('a token refused again after authenticating once more is auth, not a loop', async () => {
    await client.getSite();
    simulator.store.credentials = { ...simulator.store.credentials, password: 'rotated' };
    simulator.store.expireTokens();
    const error = await rejection(client.getSite());
    expect(error.kind).to.equal('auth');
    expect(simulator.store.counters.byOperation.createToken).to.equal(2);
    expect(simulator.store.counters.byOperation.getSite).to.equal(2);
  });

  it('never puts the password, client key or a token in its logs or errors', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('debug', [new winston.transports.Stream({ stream: sink })]);
    const logged = clientFor(simulator, { logger });
    const errors: SmartAssessorError[] = [];
    try {
      await logged.getLearner(learnerId);
      simulator.store.expireTokens();
      await logged.getLearner(learnerId);
      simulator.setFaults({ errorRate: 1, operations: ['getSite'] });
      errors.push(await rejection(logged.getSite()));
      errors.push(await rejection(logged.getEmployer('emp-404')));
      const wrong = clientFor(simulator, { clientKey: 'wrong-key', logger });
      errors.push(await rejection(wrong.getSite()));
      wrong.close();
    } finally {
      logged.close();
    }
    expect(lines.length).to.be.at.least(5);
    const text = [...lines, ...errors.map((error) => `${error.message} ${JSON.stringify(error)} ${error.stack}`)].join('\n');
    expect(text).not.to.contain(simulator.credentials.password);
    expect(text).not.to.contain(simulator.credentials.clientKey);
    expect(text).not.to.contain('wrong-key');
    expect(text).not.to.match(/Bearer\s+[A-Za-z0-9_-]{8,}/);
  });
});
