import { expect } from 'chai';
import { budgetPerMinute, msUntilNextBudgetedSecond, pointsInSecond, RequestBudget, retryAfterMs } from '../../../src/smart-assessor/request-budget.js';
import { SmartAssessorError } from '../../../src/smart-assessor/smart-assessor-error.js';

describe('Smart Assessor request budget (rules)', () => {
  it('spends 95% of the site limit by default, and at least one request', () => {
    expect(budgetPerMinute(600)).to.equal(570);
    expect(budgetPerMinute(6000)).to.equal(5700);
    expect(budgetPerMinute(1)).to.equal(1);
    expect(budgetPerMinute(100, 0.5)).to.equal(50);
  });

  for (const perMinute of [1, 7, 57, 60, 95, 570, 1140, 5700, 95_000]) {
    it(`spreads a budget of ${perMinute} over the 60 seconds of a minute exactly, never bunching it`, () => {
      const seconds = Array.from({ length: 60 }, (_, second) => pointsInSecond(perMinute, second));
      expect(seconds.reduce((sum, points) => sum + points, 0)).to.equal(perMinute);
      expect(Math.max(...seconds) - Math.min(...seconds)).to.be.at.most(1);
    });
  }

  it('waits until the next second that has budget', () => {
    const minute = Date.UTC(2025, 0, 6, 10, 0, 0);
    // A budget of 1 a minute is spent in the minute's last second only.
    expect(msUntilNextBudgetedSecond(1, minute + 250)).to.equal(58_750);
    expect(msUntilNextBudgetedSecond(60, minute + 250)).to.equal(750);
  });

  it('reads Retry-After as whole seconds or an HTTP date, and a missing one as a second', () => {
    const now = Date.UTC(2025, 0, 6, 10, 0, 0);
    expect(retryAfterMs('7', now)).to.equal(7000);
    expect(retryAfterMs(new Date(now + 30_000).toUTCString(), now)).to.equal(30_000);
    expect(retryAfterMs(undefined, now)).to.equal(1000);
    expect(retryAfterMs('soon', now)).to.equal(1000);
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => new RequestBudget({ key: 'k', share: 0 })).to.throw(/share/);
    expect(() => new RequestBudget({ key: 'k', share: 1.5 })).to.throw(/share/);
  });

  it('throws rate-limited, carrying the wait, when the second is spent and waiting would be too long', async () => {
    const now = Date.UTC(2025, 0, 6, 10, 0, 5) + 400;
    // 64 a minute at 95% is 60: one request in each second.
    const budget = new RequestBudget({ key: `unit-${Math.random()}`, requestsPerMinute: 64, maxWaitMs: 0, now: () => now });
    await budget.spend('getLearner');
    const error = await budget.spend('getLearner').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(SmartAssessorError);
    expect((error as SmartAssessorError).kind).to.equal('rate-limited');
    expect((error as SmartAssessorError).details.retryAfterMs).to.equal(600);
    expect((error as SmartAssessorError).message).to.contain('getLearner');
  });

  it('spends nothing until it knows the limit, then learns it from the server', async () => {
    const now = Date.UTC(2025, 0, 6, 10, 0, 5);
    const budget = new RequestBudget({ key: `unit-${Math.random()}`, maxWaitMs: 0, now: () => now });
    for (let i = 0; i < 5; i += 1) await budget.spend('getSite');
    expect(budget.perMinute).to.equal(undefined);
    budget.learnLimit(64);
    expect(budget.perMinute).to.equal(60);
    await budget.spend('getSite');
    const error = await budget.spend('getSite').catch((caught: unknown) => caught);
    expect((error as SmartAssessorError).kind).to.equal('rate-limited');
  });

  it('keeps a configured limit whatever the server says', () => {
    const budget = new RequestBudget({ key: 'k', requestsPerMinute: 100 });
    budget.learnLimit(10_000);
    expect(budget.perMinute).to.equal(95);
  });

  it('refuses to send while paused, naming the operation and the time left', async () => {
    let now = Date.UTC(2025, 0, 6, 10, 0, 5);
    const budget = new RequestBudget({ key: 'k', now: () => now });
    await budget.pause(2000);
    now += 500;
    const error = (await budget.spend('listCourses').catch((caught: unknown) => caught)) as SmartAssessorError;
    expect(error.kind).to.equal('rate-limited');
    expect(error.details.retryAfterMs).to.equal(1500);
    expect(error.message).to.contain('listCourses');
    now += 1500;
    await budget.spend('listCourses');
  });
});
