import type { DataSource } from 'typeorm';
import type { RunState, RunTrigger, SubjectType } from '../../../entities/index.js';
import { LEARNERS_DONE_SQL, type SyncRunView } from '../../runs/run-views.js';
import type { PageOf, Paging } from '../http/request-parsing.js';

export interface RunFailure {
  at: string;
  queue: string;
  subjectType: SubjectType;
  /** Learner Ident, officer ref or organisation ref. */
  subjectRef: string;
  error: string | null;
}

/** A run's failed jobs with their reasons, newest first (sync_event_run_failed_idx). */
export async function runFailures(db: DataSource, runId: string, paging: Paging): Promise<PageOf<RunFailure>> {
  const [counted, rows] = await Promise.all([
    db.query(`SELECT count(*)::int AS total FROM sync_event WHERE run_id = $1 AND outcome = 'failed'`, [runId]) as Promise<Array<{ total: number }>>,
    db.query(
      `SELECT at, queue, subject_type, subject_ref, error FROM sync_event
        WHERE run_id = $1 AND outcome = 'failed'
        ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3`,
      [runId, paging.pageSize, (paging.page - 1) * paging.pageSize],
    ) as Promise<Array<{ at: Date; queue: string; subject_type: SubjectType; subject_ref: string; error: string | null }>>,
  ]);
  return {
    items: rows.map((row) => ({ at: row.at.toISOString(), queue: row.queue, subjectType: row.subject_type, subjectRef: row.subject_ref, error: row.error })),
    page: paging.page,
    pageSize: paging.pageSize,
    totalItems: counted[0]!.total,
  };
}

/** One bar group of the runs chart. */
export interface RunTrendPoint extends Pick<SyncRunView, 'runId' | 'trigger' | 'state' | 'startedAt' | 'finishedAt' | 'learners'> {
  /** Null until the run has finished. */
  durationSeconds: number | null;
  changes: number;
  failures: number;
}

/** The latest whole-provider runs (not dry runs, which changed nothing), oldest first, so a trend in duration, changes and failures shows at a glance. */
export async function runTrend(db: DataSource, limit: number): Promise<RunTrendPoint[]> {
  const rows: Array<{
    id: string;
    trigger: RunTrigger;
    state: RunState;
    started_at: Date | null;
    finished_at: Date | null;
    learners: number;
    changes: number;
    jobs_failed: number;
  }> = await db.query(
    `SELECT id, trigger, state, started_at, finished_at, learners, changes, jobs_failed FROM sync_run
      WHERE trigger IN ('schedule', 'manual') AND NOT dry_run
      ORDER BY created_at DESC LIMIT $1`,
    [limit],
  );
  return rows.reverse().map((row) => ({
    runId: row.id,
    trigger: row.trigger,
    state: row.state,
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationSeconds: row.started_at && row.finished_at ? Math.round((row.finished_at.getTime() - row.started_at.getTime()) / 1000) : null,
    learners: row.learners,
    changes: row.changes,
    failures: row.jobs_failed,
  }));
}

/** How long a learners-done count is reused: the run page polls often, and a large run has many events to count. */
const LEARNERS_DONE_TTL_MS = 3_000;

/**
 * "Learners done" for the progress bar: learners of the run with an outcome on every
 * per-learner queue (failures count as done). Counted from the sync events through
 * sync_event_run_subject_key and kept a few seconds, so many watchers cost one count;
 * a count is never reused once the run's job counters have moved on, so the last
 * answer of a finished run is exact.
 */
export class LearnersDoneCounter {
  private readonly counted = new Map<string, { at: number; jobsDone: number; done: Promise<number> }>();

  constructor(private readonly db: DataSource) {}

  count(runId: string, jobsDone: number): Promise<number> {
    const now = Date.now();
    for (const [id, entry] of this.counted) if (now - entry.at > LEARNERS_DONE_TTL_MS) this.counted.delete(id);
    const cached = this.counted.get(runId);
    if (cached && cached.jobsDone === jobsDone) return cached.done;
    const done = this.query(runId);
    this.counted.set(runId, { at: now, jobsDone, done });
    done.catch(() => this.counted.delete(runId));
    return done;
  }

  /** The count kept on the run once the history retention thinned its events, else counted from them. */
  private async query(runId: string): Promise<number> {
    const [row] = (await this.db.query(`SELECT COALESCE((SELECT learners_done FROM sync_run WHERE id = $1), (${LEARNERS_DONE_SQL})) AS done`, [runId])) as Array<{
      done: number;
    }>;
    return row!.done;
  }
}
