import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { SmartAssessorClient } from '../../../src/smart-assessor/client.js';
import { SmartAssessorError } from '../../../src/smart-assessor/smart-assessor-error.js';
import { RequestBudget } from '../../../src/smart-assessor/request-budget.js';
import { testRedisUrl, uniqueQueuePrefix } from '../../support/redis.js';
import { clientFor, startTestSimulator, type RunningSimulator } from '../../support/simulator.js';

function outcome(promise: Promise<unknown>): Promise<'ok' | SmartAssessorError> {
  return promise.then(
    () => 'ok' as const,
    (error: unknown) => {
      if (error instanceof SmartAssessorError) return error;
      throw error;
    },
  );
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The request budget and the 429 pause are one per site, kept in Redis, so every client
 * of every worker process keeps to them together.
 */
describe('Smart Assessor client: one request budget shared through Redis', () => {
  let redis: Redis;
  let simulator: RunningSimulator;
  const clients: SmartAssessorClient[] = [];

  const sharedClient = (budgetKey: string, extra: Parameters<typeof clientFor>[1] = {}): SmartAssessorClient => {
    const client = clientFor(simulator, { redis, budgetKey, ...extra });
    clients.push(client);
    return client;
  };

  before(() => {
    redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  });

  after(() => {
    redis.disconnect();
  });

  beforeEach(async () => {
    simulator = await startTestSimulator();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await simulator.close();
  });

  it('a burst of 429s to one client holds back a second client, which sends nothing until Retry-After has passed', async () => {
    const key = uniqueQueuePrefix('sa-budget');
    const first = sharedClient(key);
    const second = sharedClient(key);
    await Promise.all([first.getSite(), second.getSite()]);

    simulator.setFaults({ rateLimitRate: 1, retryAfterSeconds: 2 });
    const burst = await Promise.all(Array.from({ length: 5 }, () => outcome(first.getSite())));
    expect(burst.every((result) => result !== 'ok' && result.kind === 'rate-limited')).to.equal(true);
    const sent = simulator.store.counters.requests;
    expect(simulator.store.counters.injected.rateLimited).to.be.within(1, 5);

    const held = await Promise.all(Array.from({ length: 5 }, () => outcome(second.getSite())));
    for (const result of held) {
      expect(result).to.be.instanceOf(SmartAssessorError);
      expect((result as SmartAssessorError).kind).to.equal('rate-limited');
      expect((result as SmartAssessorError).details.retryAfterMs).to.be.within(1, 2000);
    }
    expect(simulator.store.counters.requests, 'nothing was sent during the pause').to.equal(sent);

    simulator.setFaults({ rateLimitRate: 0 });
    const deadline = Date.now() + 10_000;
    let result = await outcome(second.getSite());
    while (result !== 'ok' && result.kind === 'rate-limited' && Date.now() < deadline) {
      await delay(result.details.retryAfterMs ?? 100);
      result = await outcome(second.getSite());
    }
    expect(result).to.equal('ok');
    expect(simulator.store.counters.requests).to.equal(sent + 1);
  });

  it("a client with its own Redis key is not held back by another site's pause", async () => {
    const paused = sharedClient(uniqueQueuePrefix('sa-budget'));
    const elsewhere = sharedClient(uniqueQueuePrefix('sa-budget'));
    simulator.setFaults({ rateLimitRate: 1, retryAfterSeconds: 5, operations: ['getSite'] });
    expect(((await outcome(paused.getSite())) as SmartAssessorError).kind).to.equal('rate-limited');
    simulator.setFaults({ rateLimitRate: 0 });
    expect(await outcome(elsewhere.getSite())).to.equal('ok');
  });

  it('budgets in two processes spend from the same second in Redis', async () => {
    const key = uniqueQueuePrefix('sa-budget');
    const second = Date.UTC(2025, 0, 6, 10, 0, 5) + 100;
    // 64 a minute at 95% is 60: one request in each second, shared.
    const make = (budgetKey: string) => new RequestBudget({ redis, key: budgetKey, requestsPerMinute: 64, maxWaitMs: 0, now: () => second });
    const one = make(key);
    const two = make(key);
    await one.spend('getLearner');
    const refused = await outcome(two.spend('getLearner'));
    expect(refused).to.be.instanceOf(SmartAssessorError);
    expect((refused as SmartAssessorError).kind).to.equal('rate-limited');
    expect((refused as SmartAssessorError).details.retryAfterMs).to.equal(900);
    expect(await outcome(make(uniqueQueuePrefix('sa-budget')).spend('getLearner'))).to.equal('ok');
  });

  it('waits for the next budgeted second when the wait is short, and throws without sending when it would be long', async () => {
    // 127 a minute at 95% is 120: two requests a second for the whole deployment.
    const key = uniqueQueuePrefix('sa-budget');
    const patient = [sharedClient(key, { requestsPerMinute: 127, maxBudgetWaitMs: 10_000 }), sharedClient(key, { requestsPerMinute: 127, maxBudgetWaitMs: 10_000 })];
    const results = await Promise.all(patient.flatMap((client) => [outcome(client.getSite()), outcome(client.getSite())]));
    expect(results).to.deep.equal(['ok', 'ok', 'ok', 'ok']);

    const hasty = sharedClient(uniqueQueuePrefix('sa-budget'), { requestsPerMinute: 127, maxBudgetWaitMs: 0 });
    const before = simulator.store.counters.requests;
    const burst = await Promise.all(Array.from({ length: 6 }, () => outcome(hasty.getSite())));
    const refused = burst.filter((result): result is SmartAssessorError => result !== 'ok');
    expect(refused.length).to.be.at.least(1);
    for (const error of refused) {
      expect(error.kind).to.equal('rate-limited');
      expect(error.message).to.contain('budget');
      expect(error.details.retryAfterMs).to.be.within(1, 1000);
    }
    // One token request plus the calls that were let through; the refused ones never left.
    expect(simulator.store.counters.requests - before).to.equal(1 + burst.filter((result) => result === 'ok').length);
  });

  it('learns the site limit from X-RateLimit-Limit when none is configured', async () => {
    simulator.setRateLimit(64);
    const client = sharedClient(uniqueQueuePrefix('sa-budget'), { maxBudgetWaitMs: 0 });
    await client.getSite();
    const burst = await Promise.all(Array.from({ length: 4 }, () => outcome(client.getSite())));
    expect(burst.filter((result) => result !== 'ok').length).to.be.at.least(2);
    expect(simulator.store.counters.rateLimited, 'the server never had to refuse').to.equal(0);
  });
});
