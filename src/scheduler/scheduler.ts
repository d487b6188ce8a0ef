import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { IntegrationSettings } from '../../entities/index.js';
import type { Producers } from '../../queues/producers.js';
import { RECONCILE_SCHEDULER_ID, RUN_CONTROL_QUEUE, type RunControlJobName, type RunControlJobs } from '../../queues/run-control.js';
import { workerTuningOptions, type WorkerTuning } from '../../workers/runner.js';
import { logger as processLogger, type Logger } from '../logging/logger.js';
import { fanOutRun, markRunFailed, reconcileRuns, startScheduledRun } from '../runs/index.js';
import { applyDailySchedule } from './daily-schedule.js';
import { redisProgressMemory } from './progress-memory.js';

export interface SchedulerOptions {
  db: DataSource;
  producers: Producers;
  /** Options for the control worker's own (blocking) connections. */
  connection: ConnectionOptions;
  prefix: string;
  logger?: Logger;
  /** How often the reconciler looks at the active runs (and at the daily schedule setting). */
  reconcileEveryMs?: number;
  /** Learners per fan-out page. */
  pageSize?: number;
  tuning?: WorkerTuning;
}

export interface RunningScheduler {
  close(): Promise<void>;
}

export const DEFAULT_RECONCILE_EVERY_MS = 30_000;

/** Fan-out, reconcile and the daily trigger at once; a fan-out can take a while at 100,000 learners. */
const CONTROL_CONCURRENCY = 3;

async function currentSchedule(db: DataSource): Promise<Pick<IntegrationSettings, 'dailySchedule' | 'timezone'>> {
  const row = await db.getRepository(IntegrationSettings).findOneBy({ id: 1 });
  return { dailySchedule: row?.dailySchedule ?? '02:00', timezone: row?.timezone ?? 'Europe/London' };
}

/**
 * The daily scheduler and run tracking: the job schedulers (daily run at the settings'
 * time and zone, the periodic reconciler) and a worker for the control queue that runs
 * their jobs and each run's fan-out. Any number of processes may run it: BullMQ gives
 * each job to one of them.
 */
export async function startScheduler(options: SchedulerOptions): Promise<RunningScheduler> {
  const { db, producers, connection, prefix, logger = processLogger, reconcileEveryMs = DEFAULT_RECONCILE_EVERY_MS, pageSize, tuning = {} } = options;
  const log = logger.child({ component: 'scheduler' });
  const progress = redisProgressMemory(producers.control);

  /**
   * The job schedulers live in Redis: after a Redis restart without persistence they are
   * gone, and the settings page may have moved the daily time. Every scheduler process
   * puts them right periodically; each upsert happens only when something differs.
   */
  async function ensureJobSchedulers(): Promise<void> {
    const schedule = await currentSchedule(db);
    if (await applyDailySchedule(producers.control, schedule)) log.info('daily schedule set', schedule);
    const reconciler = await producers.control.getJobScheduler(RECONCILE_SCHEDULER_ID);
    if (reconciler?.every !== reconcileEveryMs) {
      await producers.control.upsertJobScheduler(
        RECONCILE_SCHEDULER_ID,
        { every: reconcileEveryMs },
        { name: 'reconcile', data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 }, attempts: 1 } },
      );
    }
  }

  async function processControlJob(job: Job<RunControlJobs[RunControlJobName], unknown, RunControlJobName>): Promise<unknown> {
    switch (job.name) {
      case 'daily-run': {
        const decision = await startScheduledRun(db, producers);
        log.info('daily run trigger', decision);
        return decision;
      }
      case 'fan-out': {
        const { runId } = job.data as RunControlJobs['fan-out'];
        try {
          await fanOutRun({ db, producers, logger: log, pageSize }, runId);
        } catch (error) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
            await markRunFailed(db, runId, `The run's jobs could not all be queued: ${(error as Error).message}`);
          }
          throw error;
        }
        return { runId };
      }
      case 'reconcile':
        await reconcileRuns({ db, producers, logger: log, progress, pageSize });
        return null;
    }
  }

  await ensureJobSchedulers();
  const keeper = setInterval(() => {
    ensureJobSchedulers().catch((error: unknown) => log.error('could not check the job schedulers', { error }));
  }, reconcileEveryMs);
  const worker = new Worker<RunControlJobs[RunControlJobName], unknown, RunControlJobName>(RUN_CONTROL_QUEUE, processControlJob, {
    connection,
    prefix,
    concurrency: CONTROL_CONCURRENCY,
    name: `run-control@${process.pid}`,
    ...workerTuningOptions(tuning),
  });
  worker.on('error', (error) => log.error('scheduler worker error', { error }));
  worker.on('failed', (job, error) => log.error('scheduler job failed', { job: job?.name, jobId: job?.id, error: error.message }));
  await worker.waitUntilReady();
  log.info('scheduler started', { reconcileEveryMs });

  return {
    async close() {
      clearInterval(keeper);
      await worker.close();
    },
  };
}
