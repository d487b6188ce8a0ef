import type { DataSource } from 'typeorm';
import type { Producers } from '../../queues/producers.js';
import { IntegrationDisabledError, refuseWhileDisabled } from '../settings/integration-switch.js';
import { currentRunSettings } from '../settings/run-settings.js';
import { ukToday } from '../sync/index.js';
import { ActiveRunError } from './run-refusals.js';
import { settleRun } from './outcomes.js';

export type WholeProviderTrigger = 'manual' | 'schedule';

function isActiveRunConflict(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return driverError?.code === '23505' && driverError.constraint === 'sync_run_one_active_key';
}

async function activeRunId(db: DataSource): Promise<string | null> {
  const [row] = (await db.query(`SELECT id FROM sync_run WHERE state IN ('queued', 'running') AND trigger IN ('schedule', 'manual') LIMIT 1`)) as Array<{
    id: string;
  }>;
  return row?.id ?? null;
}

/**
 * Starts a whole-provider run: its row (the partial unique index sync_run_one_active_key
 * lets only one be active) and its fan-out job, which a scheduler process performs.
 * Eligibility is judged on today's UK date, kept on the run so a resumed fan-out
 * selects the same learners. The run records the settings as they are now, and its
 * fan-out and every job of it work under those. Refused (IntegrationDisabledError)
 * while the integration is disabled.
 */
export async function startRun(db: DataSource, producers: Producers, trigger: WholeProviderTrigger, options: { now?: Date } = {}): Promise<{ runId: string }> {
  const asOfDate = ukToday(options.now ?? new Date());
  const settings = await currentRunSettings(db);
  refuseWhileDisabled(settings, 'a synchronisation run');
  let runId: string;
  try {
    const [row] = (await db.query(`INSERT INTO sync_run (trigger, state, as_of_date, settings) VALUES ($1, 'queued', $2, $3) RETURNING id`, [
      trigger,
      asOfDate,
      settings,
    ])) as Array<{
      id: string;
    }>;
    runId = row.id;
  } catch (error) {
    if (isActiveRunConflict(error)) throw new ActiveRunError(await activeRunId(db));
    throw error;
  }
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
  const asOfDate = ukToday(now);
  const [already] = (await db.query(`SELECT id FROM sync_run WHERE trigger = 'schedule' AND as_of_date = $1 LIMIT 1`, [asOfDate])) as Array<{ id: string }>;
  if (already) return { skipped: `run ${already.id} is today's scheduled run` };
  try {
    const { runId } = await startRun(db, producers, 'schedule', { now });
    return { started: runId };
  } catch (error) {
    if (error instanceof ActiveRunError || error instanceof IntegrationDisabledError) return { skipped: error.message };
    throw error;
  }
}

/** Records that every job of the run has been added, with the run's final size, and completes it if all are done already. */
export async function finishFanOut(db: DataSource, runId: string, learners: number, jobsTotal: number): Promise<void> {
  await db.query(`UPDATE sync_run SET learners = $2, jobs_total = $3, fan_out_complete = true WHERE id = $1 AND state = 'running'`, [runId, learners, jobsTotal]);
  await settleRun(db, runId);
}

export async function markRunFailed(db: DataSource, runId: string, reason: string): Promise<void> {
  await db.query(`UPDATE sync_run SET state = 'failed', finished_at = now(), error = $2 WHERE id = $1 AND state IN ('queued', 'running')`, [runId, reason]);
}
