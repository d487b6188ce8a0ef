import type { Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import { batchJobId, enqueueBatchFeeder, enqueueMatch, matchJobId, type OnboardingQueue } from '../../queues/onboarding.js';
import { markMatchFailed } from './match-records.js';

export interface KeeperReport {
  /** Jobs added again because Redis did not have them. */
  requeued: number;
  /** Feeders whose last attempt had failed, tried again. */
  retried: number;
  /** Matches whose job had failed without the match hearing of it. */
  failed: number;
}

/**
 * PostgreSQL says what onboarding work is unfinished; Redis may have lost its jobs (a
 * restart without persistence) or a request may have died between its commit and its
 * add. Every onboarding worker process runs this now and then: a running match or an
 * unfinished batch without its job gets it again (the job ids are fixed, so this never
 * makes a second), a batch whose feeder failed for good is tried again (its learners
 * still wait), and a match whose job failed for good is marked failed with the reason.
 */
export async function keepOnboardingWork(db: DataSource, queue: OnboardingQueue): Promise<KeeperReport> {
  const report: KeeperReport = { requeued: 0, retried: 0, failed: 0 };
  const matches = (await db.query(`SELECT id FROM onboarding_match WHERE state = 'running'`)) as Array<{ id: string }>;
  for (const { id } of matches) {
    await keepJob(
      queue,
      matchJobId(id),
      report,
      () => enqueueMatch(queue, id),
      async (job) => {
        await markMatchFailed(db, id, job.failedReason || 'the match job failed');
        report.failed += 1;
      },
    );
  }
  const batches = (await db.query(`SELECT id FROM enrolment_batch WHERE finished_at IS NULL`)) as Array<{ id: string }>;
  for (const { id } of batches) {
    await keepJob(
      queue,
      batchJobId(id),
      report,
      () => enqueueBatchFeeder(queue, id),
      async (job) => {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        report.retried += 1;
      },
    );
  }
  return report;
}

/** The job `jobId` added again when Redis does not have it; `failedForGood` when its last attempt failed. */
async function keepJob(queue: OnboardingQueue, jobId: string, report: KeeperReport, add: () => Promise<void>, failedForGood: (job: Job) => Promise<void>): Promise<void> {
  const job = await queue.getJob(jobId);
  if (!job) {
    await add();
    report.requeued += 1;
  } else if ((await job.getState()) === 'failed') {
    await failedForGood(job);
  }
}
