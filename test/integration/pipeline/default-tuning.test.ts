import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { workerConnection } from '../../../queues/connection.js';
import { startScheduler } from '../../../src/scheduler/index.js';
import { workerTuningOptions } from '../../../queues/worker-tuning.js';
import { startWorkers } from '../../../workers/runner.js';
import { resetDatabase, testDataSource } from '../../support/database.js';
import { openTestPipeline, silentLogger, testWorkerDeps, unchangedProcessors, type TestPipeline } from '../../support/pipeline.js';
import { testRedisUrl } from '../../support/redis.js';

/** A deployment sets no tuning: BullMQ's own defaults must then apply, not be wiped out. */
describe('worker tuning left to BullMQ', function () {
  let db: DataSource;
  let pipeline: TestPipeline;

  before(async function () {
    db = await testDataSource();
    await resetDatabase(db);
    pipeline = await openTestPipeline('default-tuning');
  });

  after(async function () {
    await pipeline.close();
  });

  it('passes only the settings given', function () {
    expect(workerTuningOptions({ lockDuration: 5_000, stalledInterval: undefined })).to.deep.equal({ lockDuration: 5_000 });
  });

  it('starts the workers and the scheduler with no tuning at all', async function () {
    const workers = await startWorkers({
      connection: workerConnection(testRedisUrl),
      prefix: pipeline.prefix,
      queues: ['otj'],
      concurrency: 1,
      processors: unchangedProcessors(['otj']),
      deps: testWorkerDeps(db, pipeline.redis),
    });
    try {
      expect(workers.workers.get('otj')!.opts.maxStalledCount).to.equal(1);
    } finally {
      await workers.close();
    }
    const scheduler = await startScheduler({
      db,
      producers: pipeline.producers,
      connection: workerConnection(testRedisUrl),
      prefix: pipeline.prefix,
      logger: silentLogger,
    });
    await scheduler.close();
  });
});
