import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { workerConnection } from '../../../queues/connection.js';
import { DAILY_RUN_SCHEDULER_ID, RUN_CONTROL_QUEUE } from '../../../queues/run-control.js';
import { startScheduler, type RunningScheduler } from '../../../src/scheduler/index.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { FAST_WORKERS, loseQueueData, openTestPipeline, silentLogger, waitFor, type TestPipeline } from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';

function wallClock(millis: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(millis));
}

describe('daily scheduler', function () {
  let db: DataSource;
  let pipeline: TestPipeline;
  const schedulers: RunningScheduler[] = [];

  before(async function () {
    db = await testDataSource();
  });

  beforeEach(async function () {
    await resetDatabase(db);
    pipeline = await openTestPipeline('scheduler');
  });

  afterEach(async function () {
    await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.close()));
    await pipeline.close();
  });

  async function start(reconcileEveryMs = 300): Promise<RunningScheduler> {
    const scheduler = await startScheduler({
      db,
      producers: pipeline.producers,
      connection: workerConnection(testRedisUrl),
      prefix: pipeline.prefix,
      logger: silentLogger,
      reconcileEveryMs,
      tuning: FAST_WORKERS,
    });
    schedulers.push(scheduler);
    return scheduler;
  }

  it('fires at 02:00 Europe/London by default, and follows the settings when they change', async function () {
    await start();
    const daily = await pipeline.producers.control.getJobScheduler(DAILY_RUN_SCHEDULER_ID);
    expect(daily).to.include({ pattern: '0 2 * * *', tz: 'Europe/London' });
    expect(wallClock(Number(daily?.next), 'Europe/London')).to.equal('02:00');

    await db.query(`UPDATE integration_settings SET daily_schedule = '05:30', timezone = 'America/New_York' WHERE id = 1`);
    const moved = await waitFor('the scheduler to follow the settings', async () => {
      const found = await pipeline.producers.control.getJobScheduler(DAILY_RUN_SCHEDULER_ID);
      return found?.pattern === '30 5 * * *' ? found : null;
    });
    expect(moved.tz).to.equal('America/New_York');
    expect(wallClock(Number(moved.next), 'America/New_York')).to.equal('05:30');
    expect(await pipeline.producers.control.getJobSchedulersCount()).to.equal(2);
  });

  it('keeps one job scheduler however many processes run it, and starts one run a day however often it fires', async function () {
    await Promise.all([start(), start(), start()]);
    expect(await pipeline.producers.control.getJobSchedulersCount()).to.equal(2);

    // The trigger delivered twice (a stalled trigger job, or two firings the same day).
    await pipeline.producers.control.add('daily-run', {});
    await pipeline.producers.control.add('daily-run', {});
    await waitFor('both triggers to be handled', async () => (await pipeline.producers.control.getJobCounts('completed')).completed >= 2);
    const runs = await db.query(`SELECT trigger FROM sync_run`);
    expect(runs).to.deep.equal([{ trigger: 'schedule' }]);
  });

  it('starts no run while the integration is disabled', async function () {
    await db.query(`UPDATE integration_settings SET integration_enabled = false WHERE id = 1`);
    await start();
    const trigger = await pipeline.producers.control.add('daily-run', {});
    await waitFor('the trigger to be handled', async () => (await trigger.getState()) === 'completed');
    const [{ runs }] = await db.query(`SELECT count(*)::int AS runs FROM sync_run`);
    expect(runs).to.equal(0);
  });

  it('puts its job schedulers back after Redis lost them', async function () {
    await start();
    expect(await pipeline.producers.control.getJobSchedulersCount()).to.equal(2);
    // Not "count is 0 now": the keeper, every 300 ms, may already have put them back by
    // then. They were among the keys removed; without the keeper they would stay gone.
    const schedulerKeys = await pipeline.redis.keys(`${pipeline.prefix}:${RUN_CONTROL_QUEUE}:repeat*`);
    expect(schedulerKeys).to.have.length.greaterThan(0);
    expect(await loseQueueData(pipeline)).to.be.at.least(schedulerKeys.length);
    await waitFor('the job schedulers to be back', async () => (await pipeline.producers.control.getJobSchedulersCount()) === 2);
  });
});
