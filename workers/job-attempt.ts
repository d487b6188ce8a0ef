import type { QueueJob, QueueName } from '../queues/definitions.js';
import { JobSnapshot } from '../src/daily/learner-snapshot.js';
import { issuedIdSaver } from '../src/enrolment/save-link.js';
import type { JobContext, JobIdentity, JobResult, Processor, WorkerDeps, WorkerProcessDeps } from '../src/jobs/job-contract.js';
import { writingThrough, type JobWrites } from '../src/jobs/job-writes.js';
import { outcomeGroupFor } from '../src/runs/outcome-group.js';
import type { OutcomeRecord } from '../src/runs/outcomes.js';
import { settleRunSoon } from '../src/runs/settle-soon.js';
import { adminText, classifyFailure } from './failure.js';

/** A job that held data back is recorded failed, with its reason and the changes that went through. */
export function outcomeRecord(queue: QueueName, jobId: string, runId: string | null, result: JobResult): OutcomeRecord {
  return {
    runId,
    jobId,
    queue,
    subject: result.subject,
    outcome: result.heldBack ? 'failed' : result.outcome,
    changes: result.changes,
    // Only PostgreSQL may keep the offending values (an admin sees them there, logged in).
    error: result.heldBack ? adminText(classifyFailure(result.heldBack)) : null,
    touchLearner: true,
  };
}

/**
 * One attempt at a job, as the runner performs it around the processor, in two steps:
 * `plan` runs the processor (its reads, its Smart Assessor writes through the attempt's
 * gate, and its answer of what to write to the MIS), `commit` records it (see commit).
 * BullMQ's side of it (the payload check, the failure policy) is the runner's.
 */
export class JobAttempt<Q extends QueueName> {
  readonly context: JobContext<Q>;
  readonly deps: WorkerDeps;
  private readonly snapshot: JobSnapshot;

  constructor(
    readonly identity: JobIdentity<Q>,
    private readonly processDeps: WorkerProcessDeps,
  ) {
    const { runId } = identity;
    const snapshot = new JobSnapshot(processDeps.redis, runId, identity.jobName);
    const writes: JobWrites = {
      async write(write, send) {
        const answer = await send();
        snapshot.written(write, answer);
        return answer;
      },
    };
    const jobDeps = processDeps.forJob(runId);
    this.snapshot = snapshot;
    this.deps = { ...jobDeps, smartAssessor: async () => writingThrough(await jobDeps.smartAssessor(), writes) };
    this.context = {
      ...identity,
      learnerSnapshot: (saLearnerId) => snapshot.open(saLearnerId),
      saveIssuedId: issuedIdSaver(processDeps.db),
    };
  }

  /** Runs the processor: what it read and sent, and what it answers to write. */
  plan(processor: Processor<Q>, job: QueueJob<Q>): Promise<JobResult> {
    return processor(job, this.context, this.deps);
  }

  /**
   * Commits the result's MIS writes and its sync event as one transaction (with the jobs
   * finishing beside it when it can: see OutcomeGroup, which chooses how), settles the
   * run when the outcome asks for it, and then keeps the run's snapshot: the job's parts
   * released, what it wrote to Smart Assessor put back.
   */
  async commit(result: JobResult): Promise<void> {
    const { queue, jobId, runId, log } = this.identity;
    const { db } = this.processDeps;
    const recorded = await outcomeGroupFor(db).commit(outcomeRecord(queue, jobId, runId, result), result.misWrites ?? []);
    if (recorded.settleRun && runId) await settleRunSoon(db, runId);
    if (this.snapshot.isOpen) await this.snapshot.afterCommit(await this.deps.settings(), log);
  }
}
