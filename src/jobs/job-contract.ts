import type { RedisClient } from '../queues/connection.js';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventOutcome, FieldChange, RunSettings, SyncSubject } from '../entities/index.js';
import type { JobName, QueueJob, QueueName } from '../queues/definitions.js';
import type { InvalidDataError } from '../src/failure-kinds.js';
import type { Logger } from '../src/logging/logger.js';
import type { ProcessMetrics } from '../src/metrics/process-metrics.js';
import type { SmartAssessorApi } from '../src/smart-assessor/types.js';
import type { SqlStatement } from '../src/db/statement-batch.js';

/** What a processor did. `failed` is the runner's to record, on the final attempt only. */
export interface JobResult {
  subject: SyncSubject;
  outcome: Exclude<EventOutcome, 'failed'>;
  changes: FieldChange[];
  /**
   * MIS data that could not be sent (SPEC.md §4): the fields it affects were held back
   * while the rest of the job went through. The runner records the job failed, with the
   * changes that did go through and this error's reason, and does not retry it.
   */
  heldBack?: InvalidDataError;
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
 * function, run with the sync event in a transaction of its own. Either way the
 * subject's learner row is locked before the writes (see OutcomeGroup for why).
 */
export type MisWrite = readonly SqlStatement[] | ((manager: EntityManager) => Promise<void>);

/** What the runner holds for a worker process: built once, shared by its jobs. */
export interface WorkerProcessDeps {
  db: DataSource;
  /** A plain (non-blocking) connection for caches shared by the workers, e.g. a run's Smart Assessor snapshot. */
  redis: RedisClient;
  logger: Logger;
  /** The process's counters (jobs, Smart Assessor calls); absent: nothing is counted. */
  metrics?: ProcessMetrics;
  /** What the processor of a job of run `runId` (null: outside a run, e.g. enrolment) may use. */
  forJob(runId: string | null): WorkerDeps;
}

/** What a processor may use for one job. */
export interface WorkerDeps extends Omit<WorkerProcessDeps, 'forJob'> {
  /**
   * The settings the job works under (SPEC.md §4 "Settings apply at once"): those its run
   * recorded when it started, read once per run in a process (they never change); for a
   * job outside a run, the settings as they are when it starts. Whether the integration
   * is enabled is read afresh with each job's record instead (src/daily/mis-records.ts).
   */
  settings(): Promise<RunSettings>;
  /** A Smart Assessor client built from connection settings at least as new as the job's settings. */
  smartAssessor(): Promise<SmartAssessorApi>;
}

/**
 * One per queue: plain async functions, no BullMQ or HTTP set-up inside. Throw an
 * `InvalidDataError` or `PermanentError` (src/failure-kinds.ts) or a non-retryable
 * `SmartAssessorError` to fail at once; anything else is retried with backoff.
 */
export type Processor<Q extends QueueName> = (job: QueueJob<Q>, context: JobContext<Q>, deps: WorkerDeps) => Promise<JobResult>;
