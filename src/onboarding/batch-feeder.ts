import type { DataSource } from 'typeorm';
import type { Producers } from '../../queues/producers.js';
import { learnersToQueue, outcomeOfQueued, SKIPPED_WHILE_DISABLED, type EnrolmentStanding, type FeedPace } from './feed-rules.js';

/** What the feeder needs of the enrolment queue. */
export interface EnrolmentQueueAccess {
  /** Queues the learner's enrolment (or finds the one pending) and answers its job id. */
  enqueueEnrolment(learnerId: number): Promise<string>;
  standing(jobId: string): Promise<EnrolmentStanding>;
}

/** The enrolment queue as the producers hold it. */
export function enrolmentQueueAccess(producers: Pick<Producers, 'enqueueEnrolment' | 'queues'>): EnrolmentQueueAccess {
  const queue = producers.queues.enrolment;
  return {
    enqueueEnrolment: (learnerId) => producers.enqueueEnrolment(learnerId),
    async standing(jobId) {
      const job = await queue.getJob(jobId);
      if (!job) return { state: 'gone' };
      const state = await job.getState();
      if (state === 'completed') return (job.returnvalue as { outcome?: string } | null)?.outcome === 'skipped' ? { state: 'skipped' } : { state: 'done' };
      if (state === 'failed') return { state: 'failed', reason: job.failedReason || 'the enrolment job failed' };
      return state === 'unknown' ? { state: 'gone' } : { state: 'pending' };
    },
  };
}

export interface FeedStep {
  /** Every learner of the batch is enrolled or failed (or the batch is gone). */
  finished: boolean;
  /** Learners queued by this step. */
  queued: number;
}

/**
 * One step of a bulk enrolment's feeder: reads how the batch's queued learners' jobs
 * stand and records those that finished, then queues the next learners up to the pace's
 * window (feed-rules.ts), each through the normal enrolment job. A learner already
 * enrolled meanwhile is counted enrolled without a job; while the integration is off the
 * learners still waiting fail with the reason. Every step reads its state from
 * PostgreSQL and Redis afresh, so a step that dies halfway (the worker killed) is simply
 * taken again: a learner queued but not yet recorded is queued again, which finds the
 * same pending job (its deduplication id) or one that has done its work.
 */
export async function feedBatch(db: DataSource, batchId: string, enrolments: EnrolmentQueueAccess, pace: FeedPace): Promise<FeedStep> {
  const [batch] = (await db.query(`SELECT finished_at FROM enrolment_batch WHERE id = $1`, [batchId])) as Array<{ finished_at: Date | null }>;
  if (!batch || batch.finished_at) return { finished: true, queued: 0 };

  await settleQueued(db, batchId, enrolments);

  const [{ integration_enabled: enabled, run_active: runActive, in_queue: inQueue }] = (await db.query(
    `SELECT (SELECT integration_enabled FROM integration_settings WHERE id = 1) AS integration_enabled,
       EXISTS (SELECT 1 FROM sync_run WHERE state IN ('queued', 'running') AND trigger <> 'learner') AS run_active,
       (SELECT count(*)::int FROM enrolment_batch_learner WHERE state = 'queued') AS in_queue`,
  )) as Array<{ integration_enabled: boolean; run_active: boolean; in_queue: number }>;
  let queued = 0;
  if (!enabled) {
    await db.query(`UPDATE enrolment_batch_learner SET state = 'failed', error = $2, finished_at = now() WHERE batch_id = $1 AND state = 'waiting'`, [
      batchId,
      SKIPPED_WHILE_DISABLED,
    ]);
  } else {
    queued = await queueNext(db, batchId, enrolments, learnersToQueue(pace, { runActive, inQueue }));
  }

  const [{ left }] = (await db.query(`SELECT count(*)::int AS left FROM enrolment_batch_learner WHERE batch_id = $1 AND state IN ('waiting', 'queued')`, [batchId])) as Array<{
    left: number;
  }>;
  if (left > 0) return { finished: false, queued };
  await db.query(`UPDATE enrolment_batch SET finished_at = now() WHERE id = $1 AND finished_at IS NULL`, [batchId]);
  return { finished: true, queued };
}

/** The batch's queued learners whose jobs have finished (or gone), recorded in one statement. */
async function settleQueued(db: DataSource, batchId: string, enrolments: EnrolmentQueueAccess): Promise<void> {
  const queuedRows = (await db.query(
    `SELECT b.learner_id, b.job_id, coalesce(btrim(l.smart_assessor_id), '') <> '' AS enrolled
     FROM enrolment_batch_learner b JOIN learner l ON l.id = b.learner_id
     WHERE b.batch_id = $1 AND b.state = 'queued'`,
    [batchId],
  )) as Array<{ learner_id: number; job_id: string | null; enrolled: boolean }>;
  const standings = await Promise.all(queuedRows.map((row) => (row.job_id ? enrolments.standing(row.job_id) : Promise.resolve<EnrolmentStanding>({ state: 'gone' }))));
  const settled = queuedRows
    .map((row, index) => ({ learnerId: row.learner_id, outcome: outcomeOfQueued(standings[index]!, row.enrolled) }))
    .filter(({ outcome }) => outcome.state !== 'queued');
  if (settled.length === 0) return;
  await db.query(
    `UPDATE enrolment_batch_learner b SET
       state = v.state,
       error = v.error,
       job_id = CASE WHEN v.state = 'waiting' THEN NULL ELSE b.job_id END,
       finished_at = CASE WHEN v.state IN ('enrolled', 'failed') THEN now() END
     FROM unnest($2::int[], $3::varchar[], $4::text[]) AS v(learner_id, state, error)
     WHERE b.batch_id = $1 AND b.learner_id = v.learner_id AND b.state = 'queued'`,
    [
      batchId,
      settled.map(({ learnerId }) => learnerId),
      settled.map(({ outcome }) => outcome.state),
      settled.map(({ outcome }) => (outcome.state === 'failed' ? outcome.error : null)),
    ],
  );
}

/** The next `count` waiting learners, in the batch's order, into the enrolment queue (or counted enrolled when they already are). */
async function queueNext(db: DataSource, batchId: string, enrolments: EnrolmentQueueAccess, count: number): Promise<number> {
  if (count <= 0) return 0;
  const next = (await db.query(
    `SELECT b.learner_id, coalesce(btrim(l.smart_assessor_id), '') <> '' AS enrolled
     FROM enrolment_batch_learner b JOIN learner l ON l.id = b.learner_id
     WHERE b.batch_id = $1 AND b.state = 'waiting' ORDER BY b.position LIMIT $2`,
    [batchId, count],
  )) as Array<{ learner_id: number; enrolled: boolean }>;
  const already = next.filter((row) => row.enrolled).map((row) => row.learner_id);
  if (already.length > 0) {
    await db.query(`UPDATE enrolment_batch_learner SET state = 'enrolled', finished_at = now() WHERE batch_id = $1 AND learner_id = ANY($2::int[]) AND state = 'waiting'`, [
      batchId,
      already,
    ]);
  }
  const toQueue = next.filter((row) => !row.enrolled).map((row) => row.learner_id);
  const jobIds = await Promise.all(toQueue.map((learnerId) => enrolments.enqueueEnrolment(learnerId)));
  if (toQueue.length > 0) {
    await db.query(
      `UPDATE enrolment_batch_learner b SET state = 'queued', job_id = v.job_id, queued_at = now()
       FROM unnest($2::int[], $3::varchar[]) AS v(learner_id, job_id)
       WHERE b.batch_id = $1 AND b.learner_id = v.learner_id AND b.state = 'waiting'`,
      [batchId, toQueue, jobIds],
    );
  }
  return toQueue.length;
}
