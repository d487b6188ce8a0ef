import type { DataSource } from 'typeorm';
import type { EventOutcome, FieldChange, RunSettings, SyncSubject } from '../../entities/index.js';
import type { RedisClient } from '../../queues/connection.js';
import type { JobName, QueueJob, QueueName } from '../../queues/definitions.js';
import type { LearnerSnapshotReads } from '../daily/learner-snapshot.js';
import type { SaveIssuedId } from '../enrolment/save-link.js';
import type { InvalidDataError } from '../failure-kinds.js';
import type { Logger } from '../logging/logger.js';
import type { ProcessMetrics } from '../metrics/process-metrics.js';
import type { MisWrite } from '../runs/outcomes.js';
import type { SmartAssessorApi } from '../smart-assessor/types.js';

/**
 * The contract between the runner (workers/runner.ts) and the processors (workers/, one
 * per queue). A processor reads, plans and answers what its job changes; the runner owns
 * everything around it: the job's Smart Assessor writes pass through a gate it controls
 * (JobWrites), it commits the answer's MIS writes with the sync event in the shape it
 * chooses (with other jobs' or alone), and it keeps the run's snapshot (releases what the
 * job read, puts back what it wrote) once that commit is done.
 */

/** What a processor answers. `failed` is the runner's to record, on the final attempt only. */
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
  /**
   * The job's changes to the MIS, in order. The runner commits them with the sync event
   * in one transaction, so a crash can never keep one without the other.
   */
  misWrites?: readonly MisWrite[];
}

/** Which job an attempt is of. */
export interface JobIdentity<Q extends QueueName = QueueName> {
  queue: Q;
  jobName: JobName<Q>;
  jobId: string;
  /** The run this job belongs to; null for enrolment. */
  runId: string | null;
  /** 1 on the first try. */
  attempt: number;
  log: Logger;
}

/** What a processor knows of its job, and what the runner lends it for the job's life. */
export interface JobContext<Q extends QueueName = QueueName> extends JobIdentity<Q> {
  /**
   * The run's shared Smart Assessor reads of the job's learner (src/daily/learner-snapshot.ts).
   * Opened, the runner releases the job's part of it once the job's outcome is committed,
   * and puts back what the job wrote to Smart Assessor meanwhile.
   */
  learnerSnapshot(saLearnerId: string): LearnerSnapshotReads;
  /**
   * Keeps an id Smart Assessor has just issued on its MIS record at once, before the job's
   * commit: other jobs sharing the record (learners of one new officer) must find it.
   */
  saveIssuedId: SaveIssuedId;
}

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
  /**
   * A Smart Assessor client built from connection settings at least as new as the job's
   * settings. In a job, its writes go through the runner's gate (JobWrites).
   */
  smartAssessor(): Promise<SmartAssessorApi>;
}

/**
 * One per queue: plain async functions, no BullMQ or HTTP set-up inside. Throw an
 * `InvalidDataError` or `PermanentError` (src/failure-kinds.ts) or a non-retryable
 * `SmartAssessorError` to fail at once; anything else is retried with backoff.
 */
export type Processor<Q extends QueueName> = (job: QueueJob<Q>, context: JobContext<Q>, deps: WorkerDeps) => Promise<JobResult>;
