import type { DataSource, EntityManager } from 'typeorm';
import type { RunSettings, RunTrigger } from '../../entities/index.js';
import type { Producers } from '../../queues/producers.js';
import type { EventsKept } from '../history/retention.js';
import { IntegrationDisabledError, refuseWhileDisabled } from '../settings/integration-switch.js';
import { currentRunSettings } from '../settings/run-settings.js';
import { ukToday } from '../sync/index.js';
import { ActiveRunError } from './run-refusals.js';
import { LEARNERS_DONE_SQL } from './run-views.js';

/**
 * A run's life, from its row to its thinning, and the one place that changes sync_run
 * (what records an outcome only adds to a run's counter shards, which settleRun folds in):
 *
 *   whole-provider run: created (queued, with the settings it works under)
 *     → fan-out started (running) → grown page by page → fan-out finished
 *     → settled, again and again, until completed; or failed
 *   learner's run: joined, or created running → fan-out finished → settled until completed
 *   live run: created running (taking jobs for a while, under its settings) → grown batch
 *     by batch → closed once it takes no more and has none in flight → settled until completed
 *   either, when the reconciler repairs it: what no longer applies written off, then settled
 *   finished: its learners-done figure kept, then how much of its history is kept
 *
 * Each transition is one statement guarded by the state it leaves, so a transition asked
 * for twice (a stalled job run again, two schedulers) happens once.
 */

export type WholeProviderTrigger = Exclude<RunTrigger, 'learner'>;

const ACTIVE_WHOLE_PROVIDER_RUN_SQL = `SELECT id FROM sync_run
  WHERE state IN ('queued', 'running') AND trigger IN ('schedule', 'manual') AND ($1::boolean IS NULL OR dry_run = $1::boolean)
  ORDER BY dry_run LIMIT 1`;

/** The whole-provider run going now (queued or running), if any: the real one, or the dry one, or (`dryRun` undefined) either, the real one first. */
export async function activeWholeProviderRunId(db: DataSource, dryRun?: boolean): Promise<string | null> {
  const [row] = (await db.query(ACTIVE_WHOLE_PROVIDER_RUN_SQL, [dryRun ?? null])) as Array<{ id: string }>;
  return row?.id ?? null;
}

function isActiveRunConflict(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return driverError?.code === '23505' && driverError.constraint === 'sync_run_one_active_key';
}

/**
 * A whole-provider run's row, queued, with the settings it works under: the partial unique
 * index sync_run_one_active_key lets one real run and one dry run be active at a time
 * (ActiveRunError otherwise): a dry run never holds back a real one, the scheduled run
 * least of all.
 */
export async function createWholeProviderRun(db: DataSource, trigger: WholeProviderTrigger, asOfDate: string, settings: RunSettings, dryRun = false): Promise<string> {
  try {
    const [row] = (await db.query(`INSERT INTO sync_run (trigger, state, as_of_date, settings, dry_run) VALUES ($1, 'queued', $2, $3, $4) RETURNING id`, [
      trigger,
      asOfDate,
      settings,
      dryRun,
    ])) as Array<{ id: string }>;
    return row.id;
  } catch (error) {
    if (isActiveRunConflict(error)) throw new ActiveRunError(await activeWholeProviderRunId(db, dryRun), dryRun);
    throw error;
  }
}

/** Today's scheduled run, if there is one already (the daily trigger may fire twice). */
export async function scheduledRunOf(db: DataSource, asOfDate: string): Promise<string | null> {
  const [row] = (await db.query(`SELECT id FROM sync_run WHERE trigger = 'schedule' AND as_of_date = $1 LIMIT 1`, [asOfDate])) as Array<{ id: string }>;
  return row?.id ?? null;
}

/**
 * Starts a whole-provider run: its row and its fan-out job, which a scheduler process
 * performs. Eligibility is judged on today's UK date, kept on the run so a resumed
 * fan-out selects the same learners. The run records the settings as they are now, and
 * its fan-out and every job of it work under those. A dry run (`dryRun`) goes the same
 * way; its jobs only record what they would change. Refused (IntegrationDisabledError)
 * while the integration is disabled.
 */
export async function startRun(db: DataSource, producers: Producers, trigger: WholeProviderTrigger, options: { now?: Date; dryRun?: boolean } = {}): Promise<{ runId: string }> {
  const asOfDate = ukToday(options.now ?? new Date());
  const settings = await currentRunSettings(db);
  refuseWhileDisabled(settings, options.dryRun ? 'a dry run' : 'a synchronisation run');
  const runId = await createWholeProviderRun(db, trigger, asOfDate, settings, options.dryRun);
  try {
    await producers.enqueueFanOut(runId);
  } catch (error) {
    // Without its fan-out the run would block every later run; it is closed with the reason.
    await markRunFailed(db, runId, `The run could not be queued: ${(error as Error).message}`);
    throw error;
  }
  return { runId };
}

export type ScheduledRunDecision = { started: string } | { skipped: string };

/**
 * The daily trigger. It may fire twice (a stalled trigger job runs again) or find a run
 * going, so it starts at most one scheduled run per UK day and never a second active run.
 */
export async function startScheduledRun(db: DataSource, producers: Producers, now: Date = new Date()): Promise<ScheduledRunDecision> {
  const already = await scheduledRunOf(db, ukToday(now));
  if (already) return { skipped: `run ${already} is today's scheduled run` };
  try {
    const { runId } = await startRun(db, producers, 'schedule', { now });
    return { started: runId };
  } catch (error) {
    if (error instanceof ActiveRunError || error instanceof IntegrationDisabledError) return { skipped: error.message };
    throw error;
  }
}

/** The fan-out begins (or resumes): the run is running from now on. Answers its as-of date, or null when the run is not a whole-provider run still going. */
export async function startFanOut(db: DataSource, runId: string): Promise<string | null> {
  // A WITH around the UPDATE so TypeORM hands back the rows (a bare UPDATE answers [rows, count]).
  const [run] = (await db.query(
    `WITH started AS (
       UPDATE sync_run SET state = 'running', started_at = COALESCE(started_at, now())
       WHERE id = $1 AND state IN ('queued', 'running') AND trigger IN ('schedule', 'manual')
       RETURNING as_of_date
     ) SELECT as_of_date::text AS as_of_date FROM started`,
    [runId],
  )) as Array<{ as_of_date: string }>;
  return run?.as_of_date ?? null;
}

/** The run's size as the fan-out has found it so far (a resumed fan-out never shrinks it). */
export async function growRun(db: DataSource, runId: string, learners: number, jobs: number): Promise<void> {
  await db.query(`UPDATE sync_run SET learners = GREATEST(learners, $2), jobs_total = GREATEST(jobs_total, $3) WHERE id = $1`, [runId, learners, jobs]);
}

/** Records that every job of the run has been added, with the run's final size, and completes it if all are done already. */
export async function finishFanOut(db: DataSource, runId: string, learners: number, jobsTotal: number): Promise<void> {
  await db.query(`UPDATE sync_run SET learners = $2, jobs_total = $3, fan_out_complete = true WHERE id = $1 AND state = 'running'`, [runId, learners, jobsTotal]);
  await settleRun(db, runId);
}

/** pg_advisory_xact_lock's first key for "one learner's run": two requests for one learner take turns choosing the run. */
const LEARNER_RUN_LOCK = 0x5a1_0001;

/**
 * The learner's run going now under the same settings, grown to `jobsTotal` if need be,
 * or else a new one, running from now. Answers which, and whether it was joined.
 */
export async function joinOrCreateLearnerRun(
  db: DataSource,
  learnerId: number,
  settings: RunSettings,
  asOfDate: string,
  jobsTotal: number,
): Promise<{ runId: string; joined: boolean }> {
  return db.transaction(async (manager: EntityManager) => {
    await manager.query(`SELECT pg_advisory_xact_lock($1, $2)`, [LEARNER_RUN_LOCK, learnerId]);
    const [active] = (await manager.query(
      `SELECT id FROM sync_run WHERE trigger = 'learner' AND learner_id = $1 AND state IN ('queued', 'running') AND settings = $2::jsonb
       ORDER BY created_at DESC LIMIT 1`,
      [learnerId, settings],
    )) as Array<{ id: string }>;
    if (active) {
      await manager.query(`UPDATE sync_run SET jobs_total = GREATEST(jobs_total, $2) WHERE id = $1`, [active.id, jobsTotal]);
      return { runId: active.id, joined: true };
    }
    const [created] = (await manager.query(
      `INSERT INTO sync_run (trigger, state, as_of_date, learner_id, started_at, learners, jobs_total, settings)
       VALUES ('learner', 'running', $1, $2, now(), 1, $3, $4) RETURNING id`,
      [asOfDate, learnerId, jobsTotal, settings],
    )) as Array<{ id: string }>;
    return { runId: created.id, joined: false };
  });
}

/** Every job of a learner's run has been queued (again, after a repair): it can complete once they are done. */
export async function finishLearnerRunFanOut(db: DataSource, runId: string): Promise<void> {
  await db.query(`UPDATE sync_run SET fan_out_complete = true WHERE id = $1 AND state = 'running'`, [runId]);
}

/**
 * Folds the run's counter shards into sync_run and completes the run when every job has
 * an outcome (state, finishedAt, and the settings' last synchronisation for a
 * whole-provider run that is not a dry run). Deleting a shard locks it, so an outcome landing meanwhile waits
 * and then starts a new shard: nothing is counted twice or lost. Answers whether this
 * call completed the run.
 */
export async function settleRun(db: DataSource, runId: string): Promise<boolean> {
  const [row] = (await db.query(
    `WITH drained AS (
       DELETE FROM sync_run_counter WHERE run_id = $1 RETURNING jobs_completed, jobs_failed, changes
     ), sums AS (
       SELECT COALESCE(sum(jobs_completed), 0)::int AS completed, COALESCE(sum(jobs_failed), 0)::int AS failed, COALESCE(sum(changes), 0)::int AS changes
       FROM drained
     ), run AS (
       UPDATE sync_run r SET
         jobs_completed = r.jobs_completed + s.completed,
         jobs_failed = r.jobs_failed + s.failed,
         changes = r.changes + s.changes,
         state = CASE WHEN r.state = 'running' AND r.fan_out_complete AND r.jobs_completed + s.completed + r.jobs_failed + s.failed >= r.jobs_total
           THEN 'completed' ELSE r.state END,
         finished_at = CASE WHEN r.state = 'running' AND r.fan_out_complete AND r.jobs_completed + s.completed + r.jobs_failed + s.failed >= r.jobs_total
           THEN now() ELSE r.finished_at END
       FROM sums s
       WHERE r.id = $1
       RETURNING r.trigger, r.dry_run, r.state, r.finished_at = now() AS finished_now
     ), settings AS (
       UPDATE integration_settings s SET last_synchronised_at = now()
       FROM run WHERE s.id = 1 AND run.finished_now AND run.trigger <> 'learner' AND NOT run.dry_run
       RETURNING s.id
     )
     SELECT COALESCE((SELECT finished_now FROM run), false) AS finished_now`,
    [runId],
  )) as Array<{ finished_now: boolean }>;
  return row.finished_now;
}

/** The live run taking new jobs under these settings (it does for `windowMs` from its start), if there is one. */
export async function acceptingLiveRun(executor: DataSource | EntityManager, settings: RunSettings, windowMs: number): Promise<string | null> {
  const [run] = (await executor.query(
    `SELECT id FROM sync_run
      WHERE trigger = 'live' AND state = 'running' AND NOT fan_out_complete
        AND settings = $1::jsonb AND started_at > now() - $2 * interval '1 millisecond'
      ORDER BY created_at DESC LIMIT 1`,
    [settings, windowMs],
  )) as Array<{ id: string }>;
  return run?.id ?? null;
}

/** A live run under `settings`, running from now (committed at once: its jobs are queued under its id before their batch is). */
export async function createLiveRun(db: DataSource, settings: RunSettings, now: Date): Promise<string> {
  const [run] = (await db.query(`INSERT INTO sync_run (trigger, state, as_of_date, started_at, settings) VALUES ('live', 'running', $1, now(), $2) RETURNING id`, [
    ukToday(now),
    settings,
  ])) as Array<{ id: string }>;
  return run.id;
}

/** A live run grows by the jobs and learners of a batch that are new to it. */
export async function growLiveRun(executor: DataSource | EntityManager, runId: string, jobs: number, learners: number): Promise<void> {
  await executor.query(`UPDATE sync_run SET jobs_total = jobs_total + $2, learners = learners + $3 WHERE id = $1`, [runId, jobs, learners]);
}

/** The live runs still open but no longer taking jobs (all when `accepting` is null), and whether each has jobs in flight. */
export async function liveRunsNotAccepting(db: DataSource, accepting: string | null): Promise<Array<{ id: string; busy: boolean }>> {
  return db.query(
    `SELECT r.id, EXISTS (SELECT 1 FROM live_dispatch d WHERE d.run_id = r.id) AS busy FROM sync_run r
      WHERE r.trigger = 'live' AND r.state = 'running' AND NOT r.fan_out_complete AND r.id IS DISTINCT FROM $1::uuid`,
    [accepting],
  );
}

/**
 * A live run that takes no more jobs and has none queued or running is closed: its size
 * becomes what it did, and it is settled. Answers whether this completed it.
 */
export async function closeLiveRun(db: DataSource, runId: string): Promise<boolean> {
  await db.query(
    `UPDATE sync_run SET jobs_total = jobs_completed + jobs_failed, fan_out_complete = true
      WHERE id = $1 AND trigger = 'live' AND state = 'running' AND NOT EXISTS (SELECT 1 FROM live_dispatch WHERE run_id = $1)`,
    [runId],
  );
  return settleRun(db, runId);
}

/** The run ends as failed, with the reason, unless it has ended already. */
export async function markRunFailed(db: DataSource, runId: string, reason: string): Promise<void> {
  await db.query(`UPDATE sync_run SET state = 'failed', finished_at = now(), error = $2 WHERE id = $1 AND state IN ('queued', 'running')`, [runId, reason]);
}

/**
 * A repaired run with nothing left anywhere: the jobs it still lacks no longer apply
 * (their learner, officer or organisation left the run), so its size becomes what is
 * done, with the reason kept as its error. It is settled before and after.
 * Answers whether this completed the run.
 */
export async function writeOffMissingJobs(db: DataSource, runId: string): Promise<boolean> {
  await settleRun(db, runId);
  await db.query(
    `UPDATE sync_run SET
       error = CASE WHEN jobs_total > jobs_completed + jobs_failed
         THEN (jobs_total - jobs_completed - jobs_failed) || ' job(s) no longer applied when the run was repaired (their learner, officer or organisation left the run) and were not run'
         ELSE error END,
       jobs_total = jobs_completed + jobs_failed
     WHERE id = $1 AND state = 'running' AND fan_out_complete`,
    [runId],
  );
  return settleRun(db, runId);
}

/** Before a finished run's events are first thinned: how many learners it finished, so its page shows the same afterwards. */
export async function keepLearnersDone(db: DataSource, runId: string): Promise<void> {
  await db.query(`UPDATE sync_run SET learners_done = (${LEARNERS_DONE_SQL}) WHERE id = $1 AND learners_done IS NULL`, [runId]);
}

/** A finished run's events have been thinned down to `kept`. */
export async function recordEventsKept(db: DataSource, runId: string, kept: EventsKept): Promise<void> {
  await db.query(`UPDATE sync_run SET events_kept = $2 WHERE id = $1`, [runId, kept]);
}
