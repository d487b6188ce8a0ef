import type { Redis } from 'ioredis';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventOutcome, FieldChange, IntegrationSettings, SyncSubject } from '../entities/index.js';
import type { JobName, QueueJob, QueueName } from '../queues/definitions.js';
import type { Logger } from '../src/logging/logger.js';
import type { ProcessMetrics } from '../src/metrics/process-metrics.js';
import type { SmartAssessorApi } from '../src/smart-assessor/types.js';
import type { SqlStatement } from '../src/db/statement-batch.js';

/** What a processor did. `failed` is the runner's to record, on the final attempt only. */
export interface JobResult {
  subject: SyncSubject;
  outcome: Exclude<EventOutcome, 'failed'>;
  changes: FieldChange[];
}

export interface JobContext<Q extends QueueName = QueueName> {
  queue: Q;
  jobName: JobName<Q>;
  jobId: string;
  /** The run this job belongs to; null for enrolment. */
  runId: string | null;
  /** 1 on the first try. */
  attempt: number;
  log: Logger;
  /**
   * Writes the job's MIS changes and its sync event in one transaction, so a crash can
   * never keep one without the other. A processor that writes to PostgreSQL calls this
   * once, at the end; if it does not, the runner records the returned result itself.
   */
  commit(result: JobResult, write?: MisWrite): Promise<void>;
}

/**
 * A job's MIS changes. Statements that need no answer to go on are sent with the sync
 * event in one round trip, as one transaction, usually with the jobs finishing beside it
 * (src/runs/outcome-group.ts); a write that reads as it goes (and may refuse) is a
 * function, run with the sync event in a transaction of its own.
 */
export type MisWrite = readonly SqlStatement[] | ((manager: EntityManager) => Promise<void>);

/** What every processor may use. Built once per worker process. */
export interface WorkerDeps {
  db: DataSource;
  /** A plain (non-blocking) connection for caches shared by the workers, e.g. a run's Smart Assessor snapshot. */
  redis: Redis;
  /** A client for the current settings (credentials, base URL); cached while they are unchanged. */
  smartAssessor(): Promise<SmartAssessorApi>;
  /** The integration settings row, re-read at most every few seconds (every job needs it). */
  settings(): Promise<IntegrationSettings>;
  logger: Logger;
  /** The process's counters (jobs, Smart Assessor calls); absent: nothing is counted. */
  metrics?: ProcessMetrics;
}

/**
 * One per queue: plain async functions, no BullMQ or HTTP set-up inside. Throw an
 * `InvalidDataError` or `PermanentError` (src/errors.ts) or a non-retryable
 * `SmartAssessorError` to fail at once; anything else is retried with backoff.
 */
export type Processor<Q extends QueueName> = (job: QueueJob<Q>, context: JobContext<Q>, deps: WorkerDeps) => Promise<JobResult>;
