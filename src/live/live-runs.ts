import type { DataSource, EntityManager } from 'typeorm';
import type { SubjectType } from '../../entities/index.js';
import type { QueueName } from '../../queues/definitions.js';
import { closeLiveRun, growLiveRun, liveRunsNotAccepting, settleRun } from '../runs/run-lifecycle.js';
import { LIVE_LEARNER_QUEUES } from './live-jobs.js';

type Executor = DataSource | EntityManager;

/**
 * Live runs (trigger `live`). A run per edit would bury the runs page, and one run for
 * ever would never finish, so a live run collects the jobs of a while: it takes new jobs
 * for `windowMs` from its start, and only while the settings it recorded are the settings
 * of now (a save starts a new one: settings apply at once). After that the next batch
 * opens the next run, and the old one completes once its last job is done. A quiet day
 * makes no live run at all.
 *
 * Its count of jobs is one per queue and record, however many batches of the record it
 * carries (the record's sync event gathers every batch's changes), as its outcomes are
 * counted; its learners are those it has a job for.
 */

/**
 * Completes the live runs that no longer take jobs (all of them when `accepting` is
 * null) and have none left queued or running (closeLiveRun). The others have their
 * counters folded. Answers the runs completed.
 */
export async function closeLiveRuns(db: DataSource, accepting: string | null): Promise<string[]> {
  const closed: string[] = [];
  for (const run of await liveRunsNotAccepting(db, accepting)) {
    await settleRun(db, run.id);
    if (run.busy) continue;
    if (await closeLiveRun(db, run.id)) closed.push(run.id);
  }
  return closed;
}

/** One job of a batch as the run records it: the job that does it, or null when another run's pending job does. */
export interface Dispatch {
  subjectType: SubjectType;
  subjectId: number;
  queue: QueueName;
  subjectRef: string;
  learnerId: number | null;
  jobId: string | null;
}

/**
 * Records a batch's jobs in its run: those queued as in flight (live_dispatch), and the
 * run's size grown (growLiveRun) by the queue-and-record pairs and the learners it had no outcome for
 * yet. (A record is in no batch while its last is in flight, so "no outcome yet" is "new
 * to the run"; an outcome that this batch's own job has already recorded, quick as it
 * was, does not count against it.)
 */
export async function recordDispatches(executor: Executor, runId: string, dispatches: readonly Dispatch[]): Promise<void> {
  if (dispatches.length === 0) return;
  const column = <K extends keyof Dispatch>(key: K) => dispatches.map((dispatch) => dispatch[key]);
  const [growth] = (await executor.query(
    `WITH batch AS (
       SELECT * FROM unnest($2::varchar[], $3::int[], $4::varchar[], $5::varchar[], $6::int[], $7::varchar[])
         AS b(subject_type, subject_id, queue, subject_ref, learner_id, job_id)
     ), earlier AS (
       SELECT e.queue, e.subject_type, e.subject_ref FROM sync_event e JOIN batch b ON e.subject_type = b.subject_type AND e.subject_ref = b.subject_ref
        WHERE e.run_id = $1 AND e.queue = ANY($8::varchar[] || $4::varchar[]) AND (e.job_id IS NULL OR NOT e.job_id = ANY(array_remove($7::varchar[], NULL)))
     ), in_flight AS (
       INSERT INTO live_dispatch (subject_type, subject_id, queue, run_id, subject_ref, learner_id, job_id)
       SELECT b.subject_type, b.subject_id, b.queue, $1, b.subject_ref, b.learner_id, b.job_id FROM batch b WHERE b.job_id IS NOT NULL
       ON CONFLICT (subject_type, subject_id, queue) DO UPDATE SET run_id = excluded.run_id, job_id = excluded.job_id, dispatched_at = now()
     )
     SELECT
       (SELECT count(*) FROM batch b
         WHERE NOT EXISTS (SELECT 1 FROM earlier e WHERE e.queue = b.queue AND e.subject_type = b.subject_type AND e.subject_ref = b.subject_ref))::int AS jobs,
       (SELECT count(DISTINCT b.learner_id) FROM batch b
         WHERE b.learner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM earlier e WHERE e.subject_type = 'learner' AND e.subject_ref = b.subject_ref))::int AS learners`,
    [runId, column('subjectType'), column('subjectId'), column('queue'), column('subjectRef'), column('learnerId'), column('jobId'), LIVE_LEARNER_QUEUES],
  )) as Array<{ jobs: number; learners: number }>;
  await growLiveRun(executor, runId, growth.jobs, growth.learners);
}

/** Takes off live_dispatch the jobs whose outcome is on record (the run's sync event carries their id); answers how many. */
export async function finishDispatches(executor: Executor): Promise<number> {
  const [, count] = (await executor.query(
    `DELETE FROM live_dispatch d USING sync_event e
      WHERE e.run_id = d.run_id AND e.queue = d.queue AND e.subject_type = d.subject_type AND e.subject_ref = d.subject_ref AND e.job_id = d.job_id`,
  )) as [unknown, number];
  return count;
}

/** Live jobs queued or running, for pacing. */
export async function liveJobsInFlight(executor: Executor): Promise<number> {
  const [row] = (await executor.query(`SELECT count(*)::int AS jobs FROM live_dispatch`)) as Array<{ jobs: number }>;
  return row.jobs;
}

export interface InFlightJob {
  runId: string;
  queue: QueueName;
  subjectType: SubjectType;
  subjectId: number;
  subjectRef: string;
  learnerId: number | null;
  jobId: string;
}

/** Live jobs queued at least `olderThanMs` ago and not done: where Redis may have lost one. */
export async function staleDispatches(executor: Executor, olderThanMs: number): Promise<InFlightJob[]> {
  return executor.query(
    `SELECT run_id AS "runId", queue, subject_type AS "subjectType", subject_id AS "subjectId", subject_ref AS "subjectRef", learner_id AS "learnerId", job_id AS "jobId"
       FROM live_dispatch WHERE dispatched_at < now() - $1 * interval '1 millisecond' ORDER BY dispatched_at`,
    [olderThanMs],
  );
}
