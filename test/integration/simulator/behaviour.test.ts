import { expect } from 'chai';
import { SmartAssessorError } from '../../../src/smart-assessor/smart-assessor-error.js';
import { clientFor, startTestSimulator, type RunningSimulator } from '../../support/simulator.js';
import { raw, tokenFor } from './raw-http.js';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean> | boolean, what: string, deadlineMs = 15_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

function seedLearners(simulator: RunningSimulator, count: number): string[] {
  return simulator.store.seed({
    employers: [
      { misReference: 'ORG-1', name: 'Northwind Engineering Ltd' },
      { misReference: 'ORG-2', name: 'Southwind Care Homes' },
    ],
    assessors: [
      { misReference: 'OFF-1', firstName: 'Priya', surname: 'Shah', email: 'priya.shah@provider.example' },
      { misReference: 'OFF-2', firstName: 'Priya', surname: 'Shahid', email: 'priya.shahid@provider.example' },
    ],
    learners: Array.from({ length: count }, (_, i) => ({
      misReference: `L${String(i).padStart(5, '0')}`,
      firstName: 'Learner',
      surname: `Number ${i}`,
      dateOfBirth: '2004-05-06',
      email: `learner${i}@example.com`,
      uln: String(2000000000 + (i % 7)),
      employerMisReference: i % 2 === 0 ? 'ORG-1' : 'ORG-2',
      assessorMisReference: 'OFF-1',
    })),
  }).learnerIds;
}

describe('simulator behaviour', () => {
  let simulator: RunningSimulator;
  let token: string;

  afterEach(async () => {
    // close() is idempotent: a test that starts none leaves the last one, already closed.
    await simulator?.close();
  });

  describe('records', () => {
    beforeEach(async () => {
      simulator = await startTestSimulator();
      token = await tokenFor(simulator);
    });

    it('pages with page and pageSize (default 100), totalItems counting every match', async () => {
      seedLearners(simulator, 250);
      const first = await raw(simulator, 'GET', '/learners', { token });
      expect(first.body).to.include({ page: 1, pageSize: 100, totalItems: 250 });
      expect(first.body.items).to.have.length(100);
      const third = await raw(simulator, 'GET', '/learners?page=3&pageSize=100', { token });
      expect(third.body.items.map((l: { misReference: string }) => l.misReference)).to.deep.equal(Array.from({ length: 50 }, (_, i) => `L${String(200 + i).padStart(5, '0')}`));
      const beyond = await raw(simulator, 'GET', '/learners?page=9&pageSize=100', { token });
      expect(beyond.body).to.include({ totalItems: 250 });
      expect(beyond.body.items).to.deep.equal([]);
      const filtered = await raw(simulator, 'GET', '/learners?uln=2000000003&pageSize=10', { token });
      expect(filtered.body.totalItems).to.equal(Math.ceil((250 - 3) / 7));
      expect(filtered.body.items).to.have.length(10);
    });

    it('filters employers by name (case-insensitive part) and assessors by e-mail (case-insensitive, whole)', async () => {
      seedLearners(simulator, 1);
      const employers = await raw(simulator, 'GET', '/employers?name=WIND', { token });
      expect(employers.body.totalItems).to.equal(2);
      const care = await raw(simulator, 'GET', '/employers?name=care%20h', { token });
      expect(care.body.items.map((e: { misReference: string }) => e.misReference)).to.deep.equal(['ORG-2']);
      const assessors = await raw(simulator, 'GET', '/assessors?email=PRIYA.SHAH@provider.example', { token });
      expect(assessors.body.items.map((a: { misReference: string }) => a.misReference)).to.deep.equal(['OFF-1']);
    });

    it('keeps misReference unique per record type, answering 409 with the existing id', async () => {
      seedLearners(simulator, 1);
      const existing = simulator.store.employerIdByRef('ORG-1');
      const again = await raw(simulator, 'POST', '/employers', { token, body: { misReference: 'ORG-1', name: 'Copy' } });
      expect(again.status).to.equal(409);
      expect(again.body.error.details.existingId).to.equal(existing);
      const assessorWithSameRef = await raw(simulator, 'POST', '/assessors', { token, body: { misReference: 'ORG-1', firstName: 'A', surname: 'B', email: 'a@b.example' } });
      expect(assessorWithSameRef.status).to.equal(201);
    });

    it('refuses links to records that are not there, naming the field', async () => {
      const answer = await raw(simulator, 'POST', '/learners', {
        token,
        body: { misReference: 'L1', firstName: 'A', surname: 'B', dateOfBirth: '2000-01-01', email: 'a@b.example', employerId: 'emp-none', assessorId: 'asr-none' },
      });
      expect(answer.status).to.equal(400);
      expect(answer.body.error.details.fields).to.have.keys('employerId', 'assessorId');
    });
  });

  describe('tokens', () => {
    it('expire after their lifetime', async () => {
      simulator = await startTestSimulator({ tokenTtlSeconds: 1 });
      token = await tokenFor(simulator);
      expect((await raw(simulator, 'GET', '/site', { token })).status).to.equal(200);
      await until(async () => (await raw(simulator, 'GET', '/site', { token })).status === 401, 'the token to expire');
      expect((await raw(simulator, 'GET', '/site', { token })).body.error.message).to.contain('expired');
    });

    it('all stop working at once when expired on demand', async () => {
      simulator = await startTestSimulator();
      const tokens = [await tokenFor(simulator), await tokenFor(simulator)];
      expect(simulator.store.expireTokens()).to.equal(2);
      for (const old of tokens) expect((await raw(simulator, 'GET', '/site', { token: old })).status).to.equal(401);
      expect((await raw(simulator, 'GET', '/site', { token: await tokenFor(simulator) })).status).to.equal(200);
    });
  });

  describe('rate limit', () => {
    it('counts requests per clock minute, tells what is left, and answers 429 with Retry-After past it', async () => {
      simulator = await startTestSimulator({ rateLimitPerMinute: 5 });
      // A minute that rolls over mid-test would refill the budget.
      await until(() => new Date().getSeconds() < 50, 'a minute with ten seconds to spare', 15_000);
      const remaining: number[] = [];
      token = await tokenFor(simulator);
      for (let i = 0; i < 4; i += 1) {
        const answer = await raw(simulator, 'GET', '/site', { token });
        expect(answer.status).to.equal(200);
        expect(answer.headers.get('x-ratelimit-limit')).to.equal('5');
        remaining.push(Number(answer.headers.get('x-ratelimit-remaining')));
      }
      expect(remaining).to.deep.equal([3, 2, 1, 0]);
      const refused = await raw(simulator, 'GET', '/site', { token });
      expect(refused.status).to.equal(429);
      expect(refused.body.error.code).to.equal('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
      expect(refused.headers.get('x-ratelimit-remaining')).to.equal('0');
      expect(simulator.store.counters.rateLimited).to.equal(1);
      simulator.setRateLimit(10);
      expect((await raw(simulator, 'GET', '/site', { token })).status).to.equal(200);
    });
  });

  describe('faults', () => {
    const statusesFor = async (seed: number): Promise<number[]> => {
      const own = await startTestSimulator({ seed, faults: { errorRate: 0.5, operations: ['getSite'] } });
      try {
        const ownToken = await tokenFor(own);
        const statuses: number[] = [];
        for (let i = 0; i < 40; i += 1) statuses.push((await raw(own, 'GET', '/site', { token: ownToken })).status);
        return statuses;
      } finally {
        await own.close();
      }
    };

    it('come out the same for the same seed, and differently for another', async () => {
      const first = await statusesFor(42);
      const again = await statusesFor(42);
      const other = await statusesFor(43);
      expect(first).to.deep.equal(again);
      expect(first).to.include(200).and.to.include(500);
      expect(other).not.to.deep.equal(first);
    });

    it('added latency holds every answer: a client that waits less than it times out', async () => {
      simulator = await startTestSimulator({ faults: { latencyMs: 400 } });
      const impatient = clientFor(simulator, { timeoutMs: 150 });
      try {
        const error = await impatient.getSite().catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(SmartAssessorError);
        expect((error as SmartAssessorError).kind).to.equal('transient');
        simulator.setFaults({ latencyMs: 0 });
        expect((await impatient.getSite()).siteName).to.be.a('string');
      } finally {
        impatient.close();
      }
    });

    it('are counted by kind, with requests per operation and answers per status', async () => {
      simulator = await startTestSimulator({ faults: { errorRate: 1, operations: ['getSite'] } });
      token = await tokenFor(simulator);
      await raw(simulator, 'GET', '/site', { token });
      simulator.setFaults({ errorRate: 0, malformedRate: 1 });
      await raw(simulator, 'GET', '/site', { token });
      simulator.setFaults({ malformedRate: 0, rateLimitRate: 1 });
      await raw(simulator, 'GET', '/site', { token });
      await raw(simulator, 'GET', '/nowhere', { token });
      const counters = simulator.store.counters;
      expect(counters.requests).to.equal(5);
      expect(counters.byOperation).to.deep.equal({ createToken: 1, getSite: 3 });
      expect(counters.byStatus).to.deep.equal({ 200: 2, 500: 1, 429: 1, 404: 1 });
      expect(counters.injected).to.include({ errors: 1, malformed: 1, rateLimited: 1 });
      expect(counters.tokensIssued).to.equal(1);
    });

    it('refuse settings that make no sense, naming them', async () => {
      simulator = await startTestSimulator();
      expect(() => simulator.setFaults({ errorRate: 1.5 })).to.throw(/errorRate must be a share from 0 to 1/);
      expect(() => simulator.setFaults({ latencyMs: -1 })).to.throw(/latencyMs/);
      expect(() => simulator.setFaults({ nonsense: 1 } as never)).to.throw(/nonsense is not a fault setting/);
      expect(simulator.faults().errorRate).to.equal(0);
    });
  });
});
