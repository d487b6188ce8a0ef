import 'reflect-metadata';
import { Worker } from 'bullmq';
import { QUEUE_NAMES } from '../../queues/definitions.js';
import { connectRedis, sharedStateConnection, workerConnection } from '../../queues/connection.js';
import { createProducers } from '../../queues/producers.js';
import { createWorkerDeps } from '../../workers/deps.js';
import { startOnboardingWorker } from '../../workers/onboarding.js';
import { workerPoolSize } from '../../workers/process-setup.js';
import { PROCESSOR_REGISTRATIONS, processorMap } from '../../workers/processors.js';
import { workerTuningOptions } from '../../queues/worker-tuning.js';
import { startWorkers } from '../../workers/runner.js';
import { loadConfig } from '../../src/config/environment.js';
import { createDataSource } from '../../src/db/data-source.js';
import { logger } from '../../src/logging/logger.js';
import { ProcessMetrics } from '../../src/metrics/process-metrics.js';
import { MetricsFlusher, sharedMetricsKey } from '../../src/metrics/shared-metrics.js';
import { startScheduler } from '../../src/scheduler/index.js';
import { loadSecretBox } from '../../src/settings/secret-box.js';
import { SettingsService } from '../../src/settings/settings-service.js';
import { countDatabaseQueries, Histogram, peakMemoryBytes } from './metrics.js';
import { BENCH_SPEC_VARIABLE, type BenchMessage, type BenchProcessSpec } from './process-protocol.js';

/**
 * One process of a benchmark run, started by the bench with an IPC channel: the
 * pipeline's workers, its scheduler (fan-out and reconciler), or BullMQ workers that do
 * nothing (the baseline). It is the composition of `sai worker` and `sai scheduler`,
 * with counters added and the worker tuning open to the caller (the fault-injection
 * suite runs its killable workers this way); on "stop" it closes, reports what it
 * counted and its peak memory, and exits.
 */

function send(message: BenchMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())));
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('pipeline-process runs as a child of `sai bench`, with an IPC channel');
  const spec = JSON.parse(process.env[BENCH_SPEC_VARIABLE] ?? '') as BenchProcessSpec;
  const config = loadConfig();
  const queries = countDatabaseQueries();
  const jobTimes = new Histogram();
  let jobs = 0;
  let failedJobs = 0;
  const timeJob = (job: { processedOn?: number; finishedOn?: number } | undefined): void => {
    if (job?.processedOn && job.finishedOn) jobTimes.record(job.finishedOn - job.processedOn);
  };

  const closers: Array<() => Promise<unknown>> = [];
  const connection = workerConnection(config.REDIS_URL);

  if (spec.role === 'noop') {
    for (const queue of QUEUE_NAMES) {
      const worker = new Worker(queue, async () => null, {
        connection,
        prefix: config.QUEUE_PREFIX,
        concurrency: spec.concurrency,
        ...workerTuningOptions(spec.tuning ?? {}),
      });
      worker.on('completed', (job) => {
        jobs += 1;
        timeJob(job);
      });
      await worker.waitUntilReady();
      closers.push(() => worker.close());
    }
  } else {
    // Pools as `sai worker` and `sai scheduler` size them.
    const poolSize = spec.role === 'workers' ? workerPoolSize(QUEUE_NAMES.length * spec.concurrency) : 8;
    const db = createDataSource({ url: config.DATABASE_URL, poolSize, applicationName: `sai-bench-${spec.role}` });
    await db.initialize();
    closers.push(() => db.destroy());
    const redis = connectRedis(sharedStateConnection(config.REDIS_URL));
    closers.push(async () => redis.disconnect());
    if (spec.role === 'workers') {
      const settings = new SettingsService(db, await loadSecretBox(config));
      // Counting as `sai worker` does: in memory per job, into Redis every few seconds.
      const metrics = new MetricsFlusher(redis, sharedMetricsKey(config.QUEUE_PREFIX), new ProcessMetrics(), logger).start();
      closers.unshift(() => metrics.stop());
      const deps = createWorkerDeps({ db, redis, config, settings, logger, smartAssessorTimeoutMs: spec.smartAssessorTimeoutMs, metrics: metrics.metrics });
      const running = await startWorkers({
        connection,
        prefix: config.QUEUE_PREFIX,
        queues: QUEUE_NAMES,
        concurrency: spec.concurrency,
        processors: processorMap(PROCESSOR_REGISTRATIONS),
        deps,
        tuning: spec.tuning,
      });
      for (const worker of running.workers.values()) {
        worker.on('completed', (job) => {
          jobs += 1;
          timeJob(job);
        });
        worker.on('failed', (job) => {
          failedJobs += 1;
          timeJob(job);
        });
      }
      const onboarding = await startOnboardingWorker({ connection, prefix: config.QUEUE_PREFIX, deps, tuning: spec.tuning, ...spec.onboarding });
      closers.unshift(async () => {
        await onboarding.close();
        await running.close();
        deps.close();
      });
    } else {
      const producers = createProducers({ connection, prefix: config.QUEUE_PREFIX });
      const scheduler = await startScheduler({
        db,
        producers,
        connection,
        prefix: config.QUEUE_PREFIX,
        logger,
        reconcileEveryMs: spec.reconcileEveryMs,
        tuning: spec.tuning,
      });
      closers.unshift(async () => {
        await scheduler.close();
        await producers.close();
      });
    }
  }

  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stop') return;
    (async () => {
      for (const close of closers) await close();
      await send({
        type: 'report',
        role: spec.role,
        queries: queries.count,
        statements: queries.statements,
        jobs,
        failedJobs,
        jobTimes: jobTimes.counts,
        peakMemoryBytes: peakMemoryBytes('self'),
      });
      process.disconnect();
    })().catch((error: unknown) => {
      logger.error('bench process failed to stop', { error });
      process.exit(1);
    });
  });
  await send({ type: 'ready' });
}

main().catch((error: unknown) => {
  logger.error('bench process failed', { error });
  process.exit(1);
});
