import { expect } from 'chai';
import { startTestSimulator, type RunningSimulator } from '../../support/simulator.js';
import { control, raw, tokenFor } from './raw-http.js';

/** The routes a benchmark or test in another process uses to drive the simulator. */
describe('simulator control routes (/_control/)', () => {
  let simulator: RunningSimulator;

  beforeEach(async () => {
    simulator = await startTestSimulator({ recordRequests: true, today: '2025-01-06' });
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('reads, patches, replaces and clears the faults', async () => {
    expect((await control(simulator, 'GET', 'faults')).body).to.include({ errorRate: 0, outageUntil: null });
    const patched = await control(simulator, 'PATCH', 'faults', { errorRate: 0.25, latencyMs: 5, outageUntil: '2030-01-01T00:00:00Z' });
    expect(patched.body).to.include({ errorRate: 0.25, latencyMs: 5, outageUntil: '2030-01-01T00:00:00.000Z' });
    expect(simulator.faults()).to.include({ errorRate: 0.25, outageUntil: Date.parse('2030-01-01T00:00:00Z') });
    expect((await control(simulator, 'PUT', 'faults', { malformedRate: 0.5 })).body).to.include({ errorRate: 0, latencyMs: 0, malformedRate: 0.5, outageUntil: null });
    expect((await control(simulator, 'DELETE', 'faults')).body).to.include({ malformedRate: 0 });
    const refused = await control(simulator, 'PATCH', 'faults', { timeoutRate: 3 });
    expect(refused.status).to.equal(400);
    expect(refused.body.error.message).to.contain('timeoutRate must be a share from 0 to 1');
  });

  it('puts an outage in force until the given time', async () => {
    await control(simulator, 'PATCH', 'faults', { outageUntil: Date.now() + 60_000 });
    expect((await raw(simulator, 'GET', '/site')).status).to.equal(503);
    await control(simulator, 'PATCH', 'faults', { outageUntil: null });
    expect((await raw(simulator, 'GET', '/site')).status).to.equal(401);
  });

  it('expires every token, and sets the token lifetime and the rate limit', async () => {
    const token = await tokenFor(simulator);
    expect((await control(simulator, 'POST', 'expire-tokens')).body).to.deep.equal({ expired: 1 });
    expect((await raw(simulator, 'GET', '/site', { token })).status).to.equal(401);
    expect((await control(simulator, 'PUT', 'token-ttl', { seconds: 120 })).body).to.deep.equal({ seconds: 120 });
    expect((await raw(simulator, 'POST', '/auth/token', { body: simulator.credentials })).body.expiresIn).to.equal(120);
    expect((await control(simulator, 'PUT', 'rate-limit', { perMinute: 777 })).body).to.deep.equal({ perMinute: 777 });
    expect((await raw(simulator, 'GET', '/site')).headers.get('x-ratelimit-limit')).to.equal('777');
    expect((await control(simulator, 'PUT', 'rate-limit', { perMinute: 0 })).status).to.equal(400);
  });

  it('seeds, advances days and reports the state', async () => {
    const seeded = await control(simulator, 'POST', 'seed', {
      employers: [{ misReference: 'ORG-A', name: 'Acme Ltd' }],
      assessors: [{ misReference: 'OFF-A', firstName: 'Priya', surname: 'Shah', email: 'priya@provider.example' }],
      learners: [
        {
          misReference: 'L1',
          firstName: 'Amira',
          surname: 'Khan',
          dateOfBirth: '2004-05-06',
          email: 'amira@example.com',
          employerMisReference: 'ORG-A',
          assessorMisReference: 'OFF-A',
          courses: [{ qanCode: 'ST0118', misReference: 'AIM-1', startDate: '2024-09-01', plannedEndDate: '2026-03-01' }],
        },
      ],
    });
    expect(seeded.status).to.equal(200);
    expect(seeded.body.learnerIds).to.have.length(1);
    const bad = await control(simulator, 'POST', 'seed', { learners: [{ misReference: 'L1' }] });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.contain('learners[0]');

    const days = await control(simulator, 'POST', 'advance-day', { days: 3 });
    expect(days.body.days.map((day: { day: string }) => day.day)).to.deep.equal(['2025-01-06', '2025-01-07', '2025-01-08']);
    expect((await control(simulator, 'POST', 'advance-day', { days: 0 })).status).to.equal(400);
    expect((await control(simulator, 'GET', 'state')).body).to.include({ today: '2025-01-09', learners: 1, learnerCourses: 1, employers: 1, assessors: 1 });
  });

  it('reports counters with per-minute windows, and the recorded requests, and resets them', async () => {
    const token = await tokenFor(simulator);
    await raw(simulator, 'GET', '/courses?pageSize=2', { token });
    const counters = (await control(simulator, 'GET', 'counters')).body;
    expect(counters).to.include({ requests: 2, perMinute: 1_000_000 });
    expect(counters.byOperation).to.deep.equal({ createToken: 1, listCourses: 1 });
    expect(counters.windows.at(-1)).to.include({ accepted: 2, rejected: 0 });
    const recorded = (await control(simulator, 'GET', 'requests')).body.items;
    expect(recorded.map((request: { operationId: string }) => request.operationId)).to.deep.equal(['createToken', 'listCourses']);
    expect(recorded[0].body).to.deep.equal({ username: simulator.credentials.username, password: '[redacted]', clientKey: '[redacted]' });
    expect(recorded[1].query).to.deep.equal({ pageSize: '2' });
    await control(simulator, 'DELETE', 'counters');
    expect((await control(simulator, 'GET', 'counters')).body).to.include({ requests: 0 });
    expect((await control(simulator, 'GET', 'requests')).body.items).to.deep.equal([]);
  });

  it('answers an unknown control route 404 and is not counted as API traffic', async () => {
    const answer = await control(simulator, 'GET', 'nothing-here');
    expect(answer.status).to.equal(404);
    expect((await control(simulator, 'GET', 'health')).body).to.deep.equal({ status: 'ok' });
    expect(simulator.store.counters.requests).to.equal(0);
  });
});
