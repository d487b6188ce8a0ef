import type { DataSource } from 'typeorm';
import type { Logger } from '../logging/logger.js';
import type { ProcessMetrics, PrunedKind } from '../metrics/process-metrics.js';
import { activeWholeProviderRunId, keepLearnersDone, recordEventsKept } from '../runs/run-lifecycle.js';
import { EVERY_OUTCOME, eventsKeptFor, outcomesToRemove, retentionCutoffs, SHORT_LIVED_OUTCOMES, type EventsKept, type RetentionPolicy } from './retention.js';

/**
 * The daily prune of sync events (retention.ts says what goes). It deletes in small
 * batches, each one statement and so one short transaction of its own, and rests after
 * each as long as the batch took, so it uses at most half of one connection's time. No
 * batch touches or waits for the events a run is writing, but on a small server the
 * prune's I/O and CPU slow the run's statements down (a third, in the bench's
 * --prune-year): while a whole-provider run is going, it waits between batches until the
 * run is over.
 *
 * Why batches rather than partitions: sync_event's key (run, queue, subject) is what the
 * outcome statement of every job upserts on, and a partitioned table's unique keys must
 * hold the partition key. Partitioning by time would need `at` in that key (a repeated
 * job moves `at`), and by retention the outcome in it (a repeat turns unchanged into
 * changed), so neither keeps "one event per job of a run". Batches cost a few seconds a
 * day (the bench's --prune-year measures them) and change nothing on the pipeline's path.
 */

export interface PruneOptions {
  policy: RetentionPolicy;
  /** Sync events looked at per statement (HISTORY_PRUNE_BATCH). */
  batchSize: number;
  now?: Date;
  /** Rest after each batch, as a multiple of the time the batch took. */
  restRatio?: number;
  metrics?: ProcessMetrics;
  log?: Logger;
  /** Told of every batch (the bench measures them). */
  onBatch?: (batch: PruneBatch) => void;
  /** Stops between batches (the scheduler is closing); the next pass goes on from there. */
  signal?: AbortSignal;
  /** Waits between batches while a whole-provider run is going (default true). */
  yieldToRuns?: boolean;
  /** How often a waiting prune looks whether the run is over; default 30 s. */
  yieldPollMs?: number;
}

export interface PruneBatch {
  deleted: number;
  ms: number;
}

export interface PruneReport {
  /** Runs whose events were thinned or removed. */
  runs: number;
  /** Unchanged and skipped outcomes removed. */
  unchanged: number;
  /** Changes and failures removed. */
  changes: number;
  batches: number;
}

/** What a batch removed, by retention. */
interface Removed {
  unchanged: number;
  changes: number;
}

interface RunBatchRow extends Removed {
  seen: number;
  queue: string | null;
  subject_type: string | null;
  subject_ref: string | null;
}

interface DueRun {
  id: string;
  events_kept: EventsKept;
  finished_at: Date;
}

/**
 * One batch of a run's events, walked in the order of sync_event_run_subject_key after
 * the last key of the previous batch, so a run is read once however many batches it
 * takes; those of the given outcomes are deleted (the outcome is checked again on the
 * row deleted, in case a late repeat of a job changed it). Answers what it saw and removed.
 */
const RUN_BATCH_SQL = `
WITH batch AS (
  SELECT id, queue, subject_type, subject_ref FROM sync_event
  WHERE run_id = $1 AND (run_id, queue, subject_type, subject_ref) > ($1::uuid, $2::varchar, $3::varchar, $4::varchar)
  ORDER BY run_id, queue, subject_type, subject_ref
  LIMIT $5
), gone AS (
  DELETE FROM sync_event e USING batch b
  WHERE e.id = b.id AND e.outcome = ANY($6::varchar[])
  RETURNING e.outcome
), last AS (
  SELECT queue, subject_type, subject_ref FROM batch ORDER BY queue DESC, subject_type DESC, subject_ref DESC LIMIT 1
)
SELECT (SELECT count(*) FROM batch)::int AS seen,
  (SELECT count(*) FROM gone WHERE outcome = ANY($7::varchar[]))::int AS unchanged,
  (SELECT count(*) FROM gone WHERE outcome <> ALL($7::varchar[]))::int AS changes,
  last.queue, last.subject_type, last.subject_ref
FROM (SELECT 1) AS one LEFT JOIN last ON true`;

/** One batch of the events outside any run (sync_event_outside_runs_idx), oldest first. */
const OUTSIDE_RUNS_BATCH_SQL = `
WITH doomed AS (
  SELECT id FROM sync_event WHERE run_id IS NULL AND at < $1 AND outcome = ANY($2::varchar[]) ORDER BY at LIMIT $3
), gone AS (
  DELETE FROM sync_event e USING doomed d WHERE e.id = d.id RETURNING e.outcome
)
SELECT (SELECT count(*) FROM gone WHERE outcome = ANY($4::varchar[]))::int AS unchanged,
  (SELECT count(*) FROM gone WHERE outcome <> ALL($4::varchar[]))::int AS changes`;

class Pruner {
  readonly report: PruneReport = { runs: 0, unchanged: 0, changes: 0, batches: 0 };

  constructor(
    private readonly db: DataSource,
    private readonly options: PruneOptions,
  ) {}

  get stopped(): boolean {
    return this.options.signal?.aborted ?? false;
  }

  /** While a whole-provider run is going, waits for it to end (or for the prune to be stopped). */
  private async giveWayToRuns(): Promise<void> {
    if (this.options.yieldToRuns === false) return;
    let waitingFor: string | undefined;
    for (;;) {
      const active = await activeWholeProviderRunId(this.db);
      if (!active || this.stopped) return;
      if (active !== waitingFor) this.options.log?.info('history prune waits for the run to finish', { runId: active });
      waitingFor = active;
      await new Promise((resolve) => setTimeout(resolve, this.options.yieldPollMs ?? 30_000));
    }
  }

  /** Gives way to a run going on, runs `statement`, counts what it removed, then rests. */
  async batch<T extends Removed>(statement: () => Promise<T>): Promise<T> {
    await this.giveWayToRuns();
    const started = performance.now();
    const result = await statement();
    const ms = performance.now() - started;
    this.report.batches += 1;
    this.count('unchanged', result.unchanged);
    this.count('changes', result.changes);
    this.options.onBatch?.({ deleted: result.unchanged + result.changes, ms });
    const rest = ms * (this.options.restRatio ?? 1);
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    return result;
  }

  private count(kind: PrunedKind, removed: number): void {
    this.report[kind] += removed;
    this.options.metrics?.historyPruned(kind, removed);
  }

  async thinRun(run: DueRun, due: EventsKept): Promise<void> {
    const outcomes = outcomesToRemove(run.events_kept, due);
    if (run.events_kept === 'all') {
      // First, while every event is there: the run page shows it unchanged afterwards.
      await keepLearnersDone(this.db, run.id);
    }
    let after = ['', '', ''];
    for (;;) {
      if (this.stopped) return;
      const row = await this.batch(async () => {
        const [answer] = (await this.db.query(RUN_BATCH_SQL, [run.id, ...after, this.options.batchSize, [...outcomes], [...SHORT_LIVED_OUTCOMES]])) as RunBatchRow[];
        return answer!;
      });
      if (row.seen < this.options.batchSize || row.queue === null) break;
      after = [row.queue, row.subject_type!, row.subject_ref!];
    }
    await recordEventsKept(this.db, run.id, due);
    this.report.runs += 1;
  }

  async pruneOutsideRuns(before: Date, outcomes: readonly string[]): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const row = await this.batch(async () => {
        const [answer] = (await this.db.query(OUTSIDE_RUNS_BATCH_SQL, [before, [...outcomes], this.options.batchSize, [...SHORT_LIVED_OUTCOMES]])) as Removed[];
        return answer!;
      });
      if (row.unchanged + row.changes < this.options.batchSize) return;
    }
  }
}

/**
 * Removes what the retention no longer keeps: each finished run's unchanged and skipped
 * outcomes once the shorter time has passed since it finished, the rest once the longer
 * has; events outside runs by their own time. Run rows and their counts stay. Safe to run
 * twice at once or to stop halfway: what is gone is gone, and the next pass goes on.
 */
export async function pruneHistory(db: DataSource, options: PruneOptions): Promise<PruneReport> {
  const now = options.now ?? new Date();
  const { unchangedBefore, changesBefore } = retentionCutoffs(options.policy, now);
  const pruner = new Pruner(db, options);
  const due = (await db.query(
    `SELECT id, events_kept, COALESCE(finished_at, created_at) AS finished_at FROM sync_run
      WHERE state IN ('completed', 'failed') AND events_kept <> 'none'
        AND COALESCE(finished_at, created_at) < $1
        AND (events_kept = 'all' OR COALESCE(finished_at, created_at) < $2)
      ORDER BY created_at`,
    [unchangedBefore, changesBefore],
  )) as DueRun[];
  for (const run of due) {
    if (pruner.stopped) break;
    await pruner.thinRun(run, eventsKeptFor(run.finished_at, options.policy, now));
  }
  await pruner.pruneOutsideRuns(unchangedBefore, SHORT_LIVED_OUTCOMES);
  await pruner.pruneOutsideRuns(changesBefore, EVERY_OUTCOME);
  if (pruner.report.batches > 0) options.log?.info('sync events pruned', { ...pruner.report });
  return pruner.report;
}
