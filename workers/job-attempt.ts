import type { FieldChange } from '../entities/index.js';
import type { QueueJob, QueueName } from '../queues/definitions.js';
import { JobSnapshot } from '../src/daily/learner-snapshot.js';
import { issuedIdSaver } from '../src/enrolment/save-link.js';
import type { JobContext, JobIdentity, JobResult, Processor, WorkerDeps, WorkerProcessDeps } from '../src/jobs/job-contract.js';
import { issuedIdRecorder, RecordedWrites } from '../src/jobs/dry-run.js';
import { outcomeOfChanges } from '../src/jobs/job-results.js';
import { writingThrough, type JobWrites } from '../src/jobs/job-writes.js';
import type { Logger } from '../src/logging/logger.js';
import { outcomeGroupFor } from '../src/runs/outcome-group.js';
import type { OutcomeRecord } from '../src/runs/outcomes.js';
import { settleRunSoon } from '../src/runs/settle-soon.js';
import { adminText, classifyFailure } from './failure.js';

/** A job that held data back is recorded failed, with its reason and the changes that went through. */
export function outcomeRecord(queue: QueueName, jobId: string, runId: string | null, result: JobResult, touchLearner = true): OutcomeRecord {
  return {
    runId,
    jobId,
    queue,
    subject: result.subject,
    outcome: result.heldBack ? 'failed' : result.outcome,
    changes: result.changes,
    // Only PostgreSQL may keep the offending values (an admin sees them there, logged in).
    error: result.heldBack ? adminText(classifyFailure(result.heldBack)) : null,
    touchLearner,
  };
}

/**
 * One attempt at a job, as the runner performs it around the processor, in two steps:
 * `plan` runs the processor (its reads, its Smart Assessor writes through the attempt's
 * gate, and its answer of what to write to the MIS), `commit` records it (see commit).
 * BullMQ's side of it (the payload check, the failure policy) is the runner's.
 *
 * A job of a dry run (SPEC.md §6) is the one place the product switches to recording:
 * the same processor plans the same writes, the gate keeps them instead of sending
 * (RecordedWrites), an issued id is noted instead of saved, and the commit records the
 * would-be changes as the run's event with no MIS write and the learner left untouched.
 */
export class JobAttempt<Q extends QueueName> {
  readonly context: JobContext<Q>;
  readonly deps: WorkerDeps;
  /** The job's log: a dry run's jobs say so in every line. */
  readonly log: Logger;
  /** What a dry run's job sends nowhere: its Smart Assessor writes, in order. */
  readonly recorded?: RecordedWrites;
  private readonly snapshot: JobSnapshot;
  /** A dry run's job: the ids it would have kept on MIS records. */
  private readonly issued: FieldChange[] = [];

  /** The attempt for `identity`, sending or (for a job of a dry run) recording, as its run says. */
  static async begin<Q extends QueueName>(identity: JobIdentity<Q>, processDeps: WorkerProcessDeps): Promise<JobAttempt<Q>> {
    const jobDeps = processDeps.forJob(identity.runId);
    const dryRun = identity.runId !== null && (await jobDeps.settings()).dryRun === true;
    return new JobAttempt(identity, processDeps, jobDeps, dryRun);
  }

  /**
   * An attempt that is never committed (a sync preview: workers/sync-preview.ts): it
   * records, and reads the learner's Smart Assessor records through `reads`, shared by
   * the preview's jobs, instead of a run's snapshot in Redis.
   */
  static preview<Q extends QueueName>(identity: JobIdentity<Q>, processDeps: WorkerProcessDeps, reads: JobContext['learnerSnapshot']): JobAttempt<Q> {
    return new JobAttempt(identity, processDeps, processDeps.forJob(identity.runId), true, reads);
  }

  constructor(
    readonly identity: JobIdentity<Q>,
    private readonly processDeps: WorkerProcessDeps,
    jobDeps: WorkerDeps,
    readonly dryRun: boolean,
    reads?: JobContext['learnerSnapshot'],
  ) {
    const { runId } = identity;
    const snapshot = new JobSnapshot(processDeps.redis, runId, identity.jobName);
    const sending: JobWrites = {
      async write(write, send) {
        const answer = await send();
        snapshot.written(write, answer);
        return answer;
      },
    };
    if (dryRun) this.recorded = new RecordedWrites();
    this.snapshot = snapshot;
    this.log = dryRun ? identity.log.child({ dryRun: true }) : identity.log;
    this.deps = { ...jobDeps, smartAssessor: async () => writingThrough(await jobDeps.smartAssessor(), this.recorded ?? sending) };
    this.context = {
      ...identity,
      log: this.log,
      learnerSnapshot: reads ?? ((saLearnerId) => snapshot.open(saLearnerId)),
      saveIssuedId: dryRun ? issuedIdRecorder(this.issued) : issuedIdSaver(processDeps.db),
    };
  }

  /** Runs the processor: what it read and sent, and what it answers to write. */
  async plan(processor: Processor<Q>, job: QueueJob<Q>): Promise<JobResult> {
    const result = await processor(job, this.context, this.deps);
    if (!this.dryRun) return result;
    // A dry run's changes include the ids it would have saved (commit writes none of them).
    const changes = [...result.changes, ...this.issued];
    const outcome = result.outcome === 'unchanged' ? outcomeOfChanges(changes) : result.outcome;
    return { ...result, outcome, changes };
  }

  /**
   * Commits the result's MIS writes and its sync event as one transaction (with the jobs
   * finishing beside it when it can: see OutcomeGroup, which chooses how), settles the
   * run when the outcome asks for it, and then keeps the run's snapshot: the job's parts
   * released, what it wrote to Smart Assessor put back. A dry run's job commits its event
   * alone: no MIS write, and the learner's sync state left as it was.
   */
  async commit(result: JobResult): Promise<void> {
    const { queue, jobId, runId } = this.identity;
    const { db } = this.processDeps;
    const record = outcomeRecord(queue, jobId, runId, result, !this.dryRun);
    const recorded = await outcomeGroupFor(db).commit(record, this.dryRun ? [] : (result.misWrites ?? []));
    if (recorded.settleRun && runId) await settleRunSoon(db, runId);
    if (this.snapshot.isOpen) await this.snapshot.afterCommit(await this.deps.settings(), this.log);
  }
}
