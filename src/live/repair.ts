import type { Producers } from '../../queues/producers.js';
import type { Logger } from '../logging/logger.js';
import { recordAndSettle } from '../runs/outcomes.js';
import { liveKindOf } from './live-jobs.js';
import { addLiveJobs, failedReason, liveJobStates } from './live-queue.js';
import { staleDispatches, type InFlightJob } from './live-runs.js';
import type { DataSource } from 'typeorm';

/**
 * Live jobs that Redis lost (a restart without persistence, a failover that dropped the
 * last writes) are queued again from PostgreSQL, which keeps every live job in flight
 * (live_dispatch) until its outcome is on record, as the reconciler does for the other
 * runs. A job queued long enough ago and still not done is looked for: gone, it is
 * queued again under its own id (its run, record and batch are in the id, and the job is
 * idempotent); failed for good without an outcome (its worker died recording it) or
 * finished without one, the failure is recorded, so the run can finish and the admin sees it.
 * Answers how many were put right.
 */
export async function repairLiveJobs(deps: { db: DataSource; producers: Producers; logger: Logger }, olderThanMs: number): Promise<number> {
  const { db, producers } = deps;
  const stale = await staleDispatches(db, olderThanMs);
  if (stale.length === 0) return 0;
  const states = await liveJobStates(producers.queues, stale);
  const lost: InFlightJob[] = [];
  let repaired = 0;
  for (const [index, job] of stale.entries()) {
    const state = states[index];
    if (state === 'unknown') lost.push(job);
    else if (state === 'failed' || state === 'completed') {
      const error = state === 'failed' ? await failedReason(producers.queues, job.queue, job.jobId) : 'the job finished but its outcome was not recorded';
      await recordFailure(db, job, error).catch(async (recordError: unknown) => {
        // A record deleted since (its learner's events cannot be written any more): nothing is left to send or to wait for.
        deps.logger.warn('a live job failed and its failure could not be recorded; it is let go', { runId: job.runId, queue: job.queue, jobId: job.jobId, error: recordError });
        await forgetDispatch(db, job);
      });
      repaired += 1;
    }
  }
  const byRun = new Map<string, InFlightJob[]>();
  for (const job of lost) byRun.set(job.runId, [...(byRun.get(job.runId) ?? []), job]);
  for (const [runId, jobs] of byRun) {
    const requeue = jobs.flatMap((job) => {
      const kind = liveKindOf(job.queue, job.subjectType);
      return kind ? [{ subject: { kind, id: job.subjectId, ref: job.subjectRef, learnerId: job.learnerId }, jobId: job.jobId }] : [];
    });
    await addLiveJobs(producers.queues, runId, requeue);
    repaired += requeue.length;
  }
  if (repaired > 0) deps.logger.warn('live jobs repaired', { requeued: lost.length, failuresRecorded: repaired - lost.length });
  return repaired;
}

function recordFailure(db: DataSource, job: InFlightJob, error: string): Promise<void> {
  return recordAndSettle(db, {
    runId: job.runId,
    jobId: job.jobId,
    queue: job.queue,
    subject: { type: job.subjectType, ref: job.subjectRef, learnerId: job.learnerId },
    outcome: 'failed',
    changes: [],
    error,
    touchLearner: true,
  });
}

async function forgetDispatch(db: DataSource, job: InFlightJob): Promise<void> {
  await db.query(`DELETE FROM live_dispatch WHERE subject_type = $1 AND subject_id = $2 AND queue = $3 AND job_id = $4`, [job.subjectType, job.subjectId, job.queue, job.jobId]);
}
