import type { DataSource, EntityManager } from 'typeorm';
import type { SubjectType } from '../../entities/index.js';
import { isLiveJobName, type LiveJobName } from './live-jobs.js';

type Executor = DataSource | EntityManager;

/** A record's captured changes, taken together: one batch of jobs for them. */
export interface ChangedRecord {
  subjectType: SubjectType;
  subjectId: number;
  /** Its outbox rows read (removed once its jobs are queued). */
  changeIds: string[];
  /** The first of them, which names the batch's jobs (liveJobId). */
  firstChange: string;
  jobs: LiveJobName[];
  /** Job names this version does not know (a newer capture?): logged and left out. */
  unknownJobs: string[];
}

export interface ReadyOptions {
  /** A record's changes wait until it has had none for this long: a burst of edits is one batch. */
  quietMs: number;
  /** … but never longer than this after its first: a record edited without pause still goes. */
  maxWaitMs: number;
  /** The most records in one read. */
  limit: number;
}

/**
 * The records whose changes are ready, oldest first: their burst is over (or has lasted
 * long enough), and no live job of theirs is still queued or running (live_dispatch): a
 * record's next changes wait for its last batch, so each batch reads the MIS after the
 * changes it carries, and one record never has two live jobs on a queue at once.
 */
export async function readyRecords(executor: Executor, options: ReadyOptions): Promise<ChangedRecord[]> {
  const rows = (await executor.query(
    `SELECT c.subject_type, c.subject_id, min(c.id)::text AS first_change, array_agg(DISTINCT c.id::text) AS change_ids, array_agg(DISTINCT job) AS jobs
       FROM live_change c CROSS JOIN LATERAL unnest(c.jobs) AS job
      WHERE NOT EXISTS (SELECT 1 FROM live_dispatch d WHERE d.subject_type = c.subject_type AND d.subject_id = c.subject_id)
      GROUP BY c.subject_type, c.subject_id
     HAVING max(c.changed_at) <= clock_timestamp() - $1 * interval '1 millisecond'
         OR min(c.changed_at) <= clock_timestamp() - $2 * interval '1 millisecond'
      ORDER BY min(c.id)
      LIMIT $3`,
    [options.quietMs, options.maxWaitMs, options.limit],
  )) as Array<{ subject_type: SubjectType; subject_id: number; first_change: string; change_ids: string[]; jobs: string[] }>;
  return rows.map((row) => ({
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    changeIds: row.change_ids,
    firstChange: row.first_change,
    jobs: row.jobs.filter(isLiveJobName),
    unknownJobs: row.jobs.filter((job) => !isLiveJobName(job)),
  }));
}

/** Removes the outbox rows a batch has dealt with (exactly those read: rows written since stay for the next batch). */
export async function removeChanges(executor: Executor, changeIds: readonly string[]): Promise<void> {
  if (changeIds.length === 0) return;
  await executor.query(`DELETE FROM live_change WHERE id = ANY($1::bigint[])`, [changeIds]);
}

/** Live Sync was switched off (or the integration disabled) with changes waiting: the daily run sends what they name. Answers how many. */
export async function dropChanges(executor: Executor): Promise<number> {
  const [, count] = (await executor.query(`DELETE FROM live_change`)) as [unknown, number];
  return count;
}

export interface OutboxSummary {
  /** Outbox rows waiting. */
  pending: number;
  /** When the oldest of them was written; null when none waits. */
  oldestAt: Date | null;
}

export async function outboxSummary(executor: Executor): Promise<OutboxSummary> {
  const [row] = (await executor.query(`SELECT count(*)::int AS pending, min(changed_at) AS oldest_at FROM live_change`)) as Array<{ pending: number; oldest_at: Date | null }>;
  return { pending: row.pending, oldestAt: row.oldest_at };
}
