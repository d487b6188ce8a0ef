import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { IntegrationSettings } from '../../entities/index.js';
import type { Producers } from '../../queues/producers.js';
import {
  NOTIFY_RUNS_SCHEDULER_ID,
  PRUNE_HISTORY_SCHEDULER_ID,
  RECONCILE_SCHEDULER_ID,
  RUN_CONTROL_QUEUE,
  type RunControlJobName,
  type RunControlJobs,
} from '../../queues/run-control.js';
import { workerTuningOptions, type WorkerTuning } from '../../queues/worker-tuning.js';
import { pruneHistory } from '../history/prune-history.js';
import type { RetentionPolicy } from '../history/retention.js';
import { logger as processLogger, type Logger } from '../logging/logger.js';
import type { ProcessMetrics } from '../metrics/process-metrics.js';
import { notifyRunEvents, type NotificationOptions } from '../notifications/run-notifications.js';
import { startLiveRelay, type LiveRelayOptions } from '../live/relay.js';
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
  /** The daily prune of sync events (HISTORY_* variables); absent: history is kept. */
  retention?: RetentionSchedule;
  /** Run alerts to the webhook in Settings; absent: none are sent. */
  notifications?: NotificationSchedule;
  /** This process's counters (events pruned, notifications). */
  metrics?: ProcessMetrics;
  /** The live sync relay's timing and pacing (src/live/relay.ts); default its defaults. */
  liveSync?: LiveRelayOptions;
}

export interface RetentionSchedule {
  policy: RetentionPolicy;
  batchSize: number;
  /** Default once a day (BullMQ counts from the epoch: at 00:00 UTC). */
  everyMs?: number;
}

export interface NotificationSchedule extends Omit<NotificationOptions, 'metrics' | 'log'> {
  webhookUrl(): Promise<string | null>;
  /** How often events are looked for and due notifications sent; default 15 s. */
  everyMs?: number;
}

export interface RunningScheduler {
  close(): Promise<void>;
}

export const DEFAULT_RECONCILE_EVERY_MS = 30_000;
const DAY_MS = 86_400_000;
const DEFAULT_NOTIFY_EVERY_MS = 15_000;

/** Fan-out, reconcile, the daily trigger, the prune and the alerts at once; a fan-out or a first prune can take a while at 100,000 learners. */
const CONTROL_CONCURRENCY = 5;

async function currentSchedule(db: DataSource): Promise<Pick<IntegrationSettings, 'dailySchedule' | 'timezone'>> {
  const row = await db.getRepository(IntegrationSettings).findOneBy({ id: 1 });
  return { dailySchedule: row?.dailySchedule ?? '02:00', timezone: row?.timezone ?? 'Europe/London' };
}

/**
 * The daily scheduler and run tracking: the job schedulers (daily run at the settings'
 * time and zone, the periodic reconciler) and a worker for the control queue that runs
 * their jobs and each run's fan-out, and the live sync relay. Any number of processes may
 * run it: BullMQ gives each job to one of them, and the relay's lease each pass.
 */
export async function startScheduler(options: SchedulerOptions): Promise<RunningScheduler> {
  const { db, producers, connection, prefix, logger = processLogger, reconcileEveryMs = DEFAULT_RECONCILE_EVERY_MS, pageSize, tuning = {} } = options;
  const { retention, notifications, metrics } = options;
  const log = logger.child({ component: 'scheduler' });
  const progress = redisProgressMemory(producers.control);
  /** Stops a prune between batches when the scheduler closes, so it does not hold the shutdown. */
  const closing = new AbortController();

  /** An interval job scheduler (named as its job), upserted only when its interval differs from what Redis holds. */
  async function ensureEvery(name: RunControlJobName, every: number): Promise<void> {
    if ((await producers.control.getJobScheduler(name))?.every === every) return;
    await producers.control.upsertJobScheduler(name, { every }, { name, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 }, attempts: 1 } });
  }

  /**
   * The job schedulers live in Redis: after a Redis restart without persistence they are
   * gone, and the settings page may have moved the daily time. Every scheduler process
   * puts them right periodically; each upsert happens only when something differs.
   */
  async function ensureJobSchedulers(): Promise<void> {
    const schedule = await currentSchedule(db);
    if (await applyDailySchedule(producers.control, schedule)) log.info('daily schedule set', schedule);
    await ensureEvery(RECONCILE_SCHEDULER_ID, reconcileEveryMs);
    if (retention) await ensureEvery(PRUNE_HISTORY_SCHEDULER_ID, retention.everyMs ?? DAY_MS);
    if (notifications) await ensureEvery(NOTIFY_RUNS_SCHEDULER_ID, notifications.everyMs ?? DEFAULT_NOTIFY_EVERY_MS);
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
      case 'prune-history':
        if (!retention) return null;
        return pruneHistory(db, { policy: retention.policy, batchSize: retention.batchSize, metrics, log, signal: closing.signal });
      case 'notify-runs':
        if (!notifications) return null;
        return notifyRunEvents(db, notifications.webhookUrl, { ...notifications, metrics, log });
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
  // Live sync's relay: a loop of its own, not a control job, so a change waits for no job scheduler's tick.
  const relay = startLiveRelay({ db, producers, logger: log }, options.liveSync);
  log.info('scheduler started', { reconcileEveryMs });

  return {
    async close() {
      clearInterval(keeper);
      closing.abort();
      await relay.close();
      await worker.close();
    },
  };
}
