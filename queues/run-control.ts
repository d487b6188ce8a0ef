import { Queue } from 'bullmq';
import { jobOptionsFor } from './definitions.js';
import type { QueueConnection } from './pipeline-queues.js';

/**
 * The pipeline's own queue, beside the eight: the daily trigger (a job scheduler), each
 * run's fan-out, the periodic reconciler, the daily prune of the history and the run alerts. Running them as jobs gives them BullMQ's
 * lock: whichever scheduler process takes one does it, once, and if that process dies
 * the job stalls and another finishes it.
 */
export const RUN_CONTROL_QUEUE = 'run-control';

export interface RunControlJobs {
  'daily-run': Record<string, never>;
  'fan-out': { runId: string };
  reconcile: Record<string, never>;
  /** The history retention's daily prune of sync events. */
  'prune-history': Record<string, never>;
  /** Records run alerts and sends those due to the notification webhook. */
  'notify-runs': Record<string, never>;
}
export type RunControlJobName = keyof RunControlJobs;
export type RunControlQueue = Queue<RunControlJobs[RunControlJobName], unknown, RunControlJobName>;

export const DAILY_RUN_SCHEDULER_ID = 'daily-run';
export const RECONCILE_SCHEDULER_ID = 'reconcile';
export const PRUNE_HISTORY_SCHEDULER_ID = 'prune-history' satisfies RunControlJobName;
export const NOTIFY_RUNS_SCHEDULER_ID = 'notify-runs' satisfies RunControlJobName;

const runControlJobOptions = jobOptionsFor({ attempts: 5, firstRetryMs: 5_000 });

export function createRunControlQueue({ connection, prefix }: QueueConnection): RunControlQueue {
  return new Queue<RunControlJobs[RunControlJobName], unknown, RunControlJobName>(RUN_CONTROL_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: runControlJobOptions,
  });
}
