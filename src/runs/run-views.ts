import type { DataSource } from 'typeorm';
import type { RunSettings, RunState, RunTrigger } from '../../entities/index.js';
import { PER_LEARNER_QUEUES } from '../../queues/definitions.js';
import { isUuid } from '../../queues/job-ids.js';

/** A run as contracts/admin-api.md shows it (`SyncRun`). */
export interface SyncRunView {
  runId: string;
  trigger: RunTrigger;
  /** A dry run (SPEC.md §6): it read Smart Assessor and recorded what it would change; nothing was written. */
  dryRun: boolean;
  state: RunState;
  startedAt: string | null;
  finishedAt: string | null;
  learners: number;
  jobs: { total: number; completed: number; failed: number; waiting: number };
  etaSeconds: number | null;
  /** What the run works under, recorded when it started (never a secret); null for a run started before runs recorded them. */
  settings: RunSettings | null;
}

export interface RunsPage {
  items: SyncRunView[];
  page: number;
  pageSize: number;
  totalItems: number;
}

export interface RunProgress {
  state: RunState;
  startedAt: Date | null;
  fanOutComplete: boolean;
  total: number;
  done: number;
}

/**
 * Seconds left at the rate so far; null while that cannot be said: before the first
 * outcome, while the fan-out is still finding the run's jobs, or once the run is over.
 */
export function etaSeconds(progress: RunProgress, now: Date): number | null {
  if (progress.state !== 'running' || !progress.fanOutComplete || !progress.startedAt) return null;
  const waiting = Math.max(0, progress.total - progress.done);
  if (waiting === 0) return 0;
  if (progress.done === 0) return null;
  const elapsedSeconds = Math.max(0, (now.getTime() - progress.startedAt.getTime()) / 1000);
  return Math.ceil((waiting * elapsedSeconds) / progress.done);
}

/** One line for a terminal: `run … running: 1200/5000 jobs done, 3 failed, about 2 min left`. */
export function progressLine(view: SyncRunView): string {
  const done = view.jobs.completed + view.jobs.failed;
  const parts = [`${view.dryRun ? 'dry run' : 'run'} ${view.runId} ${view.state}: ${done}/${view.jobs.total} jobs done`];
  if (view.jobs.failed > 0) parts.push(`${view.jobs.failed} failed`);
  if (view.etaSeconds !== null && view.state === 'running') {
    parts.push(view.etaSeconds < 90 ? `about ${view.etaSeconds} s left` : `about ${Math.round(view.etaSeconds / 60)} min left`);
  }
  return parts.join(', ');
}

interface RunRow {
  id: string;
  trigger: RunTrigger;
  dry_run: boolean;
  state: RunState;
  started_at: Date | null;
  finished_at: Date | null;
  fan_out_complete: boolean;
  learners: number;
  jobs_total: number;
  jobs_completed: number;
  jobs_failed: number;
  settings: RunSettings | null;
}

/**
 * Learners of run $1 with an outcome on every per-learner queue (failures count as done),
 * counted from the sync events through sync_event_run_subject_key.
 */
export const LEARNERS_DONE_SQL = `SELECT count(*)::int FROM (
  SELECT subject_ref FROM sync_event
   WHERE run_id = $1 AND queue = ANY('{${PER_LEARNER_QUEUES.join(',')}}'::varchar[]) AND subject_type = 'learner'
   GROUP BY subject_ref HAVING count(DISTINCT queue) = ${PER_LEARNER_QUEUES.length}) AS finished`;

/** A run's counts are its own columns plus its counter shards not yet folded in (a primary-key read of at most 16 rows). */
const RUN_COLUMNS = `r.id, r.trigger, r.dry_run, r.state, r.started_at, r.finished_at, r.fan_out_complete, r.learners, r.jobs_total, r.settings,
  r.jobs_completed + COALESCE((SELECT sum(c.jobs_completed) FROM sync_run_counter c WHERE c.run_id = r.id), 0)::int AS jobs_completed,
  r.jobs_failed + COALESCE((SELECT sum(c.jobs_failed) FROM sync_run_counter c WHERE c.run_id = r.id), 0)::int AS jobs_failed`;

function toView(row: RunRow, now: Date): SyncRunView {
  const done = row.jobs_completed + row.jobs_failed;
  return {
    runId: row.id,
    trigger: row.trigger,
    dryRun: row.dry_run,
    state: row.state,
    startedAt: row.started_at ? row.started_at.toISOString() : null,
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    learners: row.learners,
    jobs: { total: row.jobs_total, completed: row.jobs_completed, failed: row.jobs_failed, waiting: Math.max(0, row.jobs_total - done) },
    etaSeconds: etaSeconds({ state: row.state, startedAt: row.started_at, fanOutComplete: row.fan_out_complete, total: row.jobs_total, done }, now),
    settings: row.settings,
  };
}

/** One run's progress: primary-key reads of counters the workers keep, however large the run. Null when there is no such run. */
export async function runView(db: DataSource, runId: string, now: Date = new Date()): Promise<SyncRunView | null> {
  if (!isUuid(runId)) return null;
  const [row] = (await db.query(`SELECT ${RUN_COLUMNS} FROM sync_run r WHERE r.id = $1`, [runId])) as RunRow[];
  return row ? toView(row, now) : null;
}

/** Runs, newest first; only dry runs, or only real ones, when `dryRun` says. */
export async function listRuns(db: DataSource, page = 1, pageSize = 20, dryRun?: boolean): Promise<RunsPage> {
  if (!Number.isInteger(page) || page < 1) throw new RangeError(`page must be a whole number from 1, not ${page}`);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) throw new RangeError(`pageSize must be a whole number from 1 to 200, not ${pageSize}`);
  const now = new Date();
  const where = dryRun === undefined ? '' : `WHERE r.dry_run = ${dryRun ? 'true' : 'false'}`;
  const rows = (await db.query(`SELECT ${RUN_COLUMNS} FROM sync_run r ${where} ORDER BY r.created_at DESC, r.id LIMIT $1 OFFSET $2`, [
    pageSize,
    (page - 1) * pageSize,
  ])) as RunRow[];
  const [{ count }] = (await db.query(`SELECT count(*)::int AS count FROM sync_run r ${where}`)) as Array<{ count: number }>;
  return { items: rows.map((row) => toView(row, now)), page, pageSize, totalItems: count };
}
