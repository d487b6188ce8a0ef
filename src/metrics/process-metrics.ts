import { Counter, Histogram, Registry } from 'prom-client';

/**
 * What one process counts as it works, in memory only: a counter or a histogram bucket
 * goes up, nothing crosses to another process per job or per request. Every few seconds
 * the process adds what changed to the deployment's totals in Redis (shared-metrics.ts),
 * where GET /metrics reads the sum over every process.
 */

/** The outcome of a job attempt as the runner saw it: the four recorded outcomes, or tried again later. */
export type JobAttemptOutcome = 'changed' | 'unchanged' | 'skipped' | 'failed' | 'retried' | 'rate-limited';

/** Which retention a pruned event fell under. */
export type PrunedKind = 'unchanged' | 'changes';

export type NotificationResult = 'sent' | 'failed-attempt' | 'gave-up';

/** Seconds; a job waits on Smart Assessor (tens of ms to seconds) and on its group commit. */
const JOB_SECONDS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds; most requests wait nothing, some for the next budgeted second, at most maxBudgetWaitMs (10 s). */
const BUDGET_WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ProcessMetrics {
  readonly registry = new Registry();

  readonly jobs = new Counter({
    name: 'sai_jobs_total',
    help: 'Job attempts by queue and outcome (changed, unchanged, skipped, failed: recorded; retried, rate-limited: tried again later).',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  /** A dry run's jobs apart, so that what would have changed is never counted as what did. */
  readonly dryRunJobs = new Counter({
    name: 'sai_dry_run_jobs_total',
    help: 'Job attempts of dry runs (SPEC.md §6: Smart Assessor read, nothing written) by queue and outcome, as sai_jobs_total counts real ones.',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobSeconds = new Histogram({
    name: 'sai_job_duration_seconds',
    help: 'Time a job attempt took in the worker, from start to its recorded outcome or failure.',
    labelNames: ['queue'] as const,
    buckets: JOB_SECONDS_BUCKETS,
    registers: [this.registry],
  });

  readonly smartAssessorRequests = new Counter({
    name: 'sai_smart_assessor_requests_total',
    help: 'Requests sent to Smart Assessor by operation (the contract operationId) and HTTP status ("error": no answer); 429s included.',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });

  readonly budgetWaitSeconds = new Histogram({
    name: 'sai_smart_assessor_budget_wait_seconds',
    help: 'Time a Smart Assessor request waited for the shared request budget before it was sent (or refused).',
    buckets: BUDGET_WAIT_BUCKETS,
    registers: [this.registry],
  });

  readonly eventsPruned = new Counter({
    name: 'sai_sync_events_pruned_total',
    help: 'Sync events removed by the history retention, by retention (unchanged: unchanged and skipped outcomes; changes: changes and failures).',
    labelNames: ['kept_for'] as const,
    registers: [this.registry],
  });

  readonly notifications = new Counter({
    name: 'sai_run_notifications_total',
    help: 'Run notifications to the webhook by event and result (sent, failed-attempt: tried again later, gave-up).',
    labelNames: ['event', 'result'] as const,
    registers: [this.registry],
  });

  jobFinished(queue: string, outcome: JobAttemptOutcome, seconds: number, dryRun = false): void {
    (dryRun ? this.dryRunJobs : this.jobs).inc({ queue, outcome });
    this.jobSeconds.observe({ queue }, seconds);
  }

  smartAssessorRequest(operation: string, status: number | 'error'): void {
    this.smartAssessorRequests.inc({ operation, status: String(status) });
  }

  budgetWaited(seconds: number): void {
    this.budgetWaitSeconds.observe(seconds);
  }

  historyPruned(kind: PrunedKind, count: number): void {
    if (count > 0) this.eventsPruned.inc({ kept_for: kind }, count);
  }

  notification(event: string, result: NotificationResult): void {
    this.notifications.inc({ event, result });
  }
}

/** A Smart Assessor client's hooks that count its requests and budget waits into `metrics`. */
export function smartAssessorCounting(metrics: ProcessMetrics): {
  onRequest(event: { operation: string; status: number | 'error' }): void;
  onBudgetWait(ms: number): void;
} {
  return {
    onRequest: (event) => metrics.smartAssessorRequest(event.operation, event.status),
    onBudgetWait: (ms) => metrics.budgetWaited(ms / 1000),
  };
}
