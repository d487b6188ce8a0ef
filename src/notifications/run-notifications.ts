import type { DataSource } from 'typeorm';
import type { RunNotificationEvent, RunTrigger } from '../../entities/index.js';
import { redactJobText } from '../admin/dashboard/job-redaction.js';
import type { Logger } from '../logging/logger.js';
import type { ProcessMetrics } from '../metrics/process-metrics.js';
import { runView, type SyncRunView } from '../runs/run-views.js';
import { postToWebhook, type WebhookAnswer } from './webhook.js';

/**
 * Run alerts for the admin's webhook, through an outbox in PostgreSQL. A pass (the
 * scheduler's, every few seconds) first records the events that happened: a
 * whole-provider run that finished with failures, failed, or is still going past the
 * deadline, and a live run (a while of live sync's changes) that finished with failures.
 * Each is one row keyed by run and event, so however many schedulers look and
 * however often, an event is recorded once; being in PostgreSQL, it survives any crash.
 * Then it sends what is due: a row is claimed for a while (another scheduler leaves it
 * alone), POSTed, and marked sent, or given a later try with a growing wait. A scheduler
 * that dies after the POST but before marking it leaves it to be sent again when the
 * claim lapses: the body's notificationId (and the Idempotency-Key header) is the same
 * each time, so the receiver can tell.
 */

export interface NotificationOptions {
  /** A whole-provider run still going this long after it started is overdue. */
  overdueAfterMinutes: number;
  /** Where the admin is, for the link to the run page. */
  adminUrl: string;
  /** The first retry's wait; each next one doubles, up to an hour. */
  firstRetryMs?: number;
  /** Tries before the row is given up (and logged as an error). */
  maxAttempts?: number;
  /** How long a sender holds a row it is sending. */
  claimMs?: number;
  timeoutMs?: number;
  metrics?: ProcessMetrics;
  log?: Logger;
}

export const DEFAULT_FIRST_RETRY_MS = 30_000;
export const DEFAULT_MAX_ATTEMPTS = 10;
const LONGEST_RETRY_MS = 3_600_000;
/** Failures listed in a notification; the run page has them all. */
const FIRST_FAILURES = 5;
/** Finished runs looked at for events: long enough for a scheduler that was down overnight, short enough not to dig up old runs when the webhook is first set. */
const LOOK_BACK = '1 day';

export interface RunFailureLine {
  queue: string;
  subjectType: string;
  subjectRef: string;
  error: string | null;
}

export interface RunNotificationBody {
  event: RunNotificationEvent | 'test';
  notificationId: string;
  summary: string;
  run: (SyncRunView & { error: string | null }) | null;
  firstFailures: RunFailureLine[];
  link: string | null;
}

/** The wait before try `attempts + 1`: firstRetryMs, doubling, at most an hour. */
export function retryDelayMs(attempts: number, firstRetryMs = DEFAULT_FIRST_RETRY_MS): number {
  return Math.min(LONGEST_RETRY_MS, firstRetryMs * 2 ** Math.max(0, attempts - 1));
}

const TRIGGER_NAMES: Record<RunTrigger, string> = { schedule: 'The daily run', manual: 'A run started by hand', learner: "A learner's run", live: 'Live sync' };

/** One sentence a person reads first (chat tools show it as the message). */
export function notificationSummary(event: RunNotificationEvent, run: SyncRunView, overdueAfterMinutes: number): string {
  // A dry run is never taken for a sync that wrote: it says so first.
  const which = `${run.dryRun ? 'A dry run (nothing written)' : (TRIGGER_NAMES[run.trigger] ?? 'A run')} (${run.runId})`;
  const done = run.jobs.completed + run.jobs.failed;
  switch (event) {
    case 'finished-with-failures':
      return `${which} finished with ${run.jobs.failed} failed job${run.jobs.failed === 1 ? '' : 's'} of ${run.jobs.total}.`;
    case 'failed':
      return `${which} failed after ${done} of ${run.jobs.total} jobs.`;
    case 'overdue':
      return `${which} has not finished ${overdueAfterMinutes} minutes after it started: ${done} of ${run.jobs.total} jobs done, ${run.jobs.failed} failed.`;
  }
}

/**
 * Records the events that have happened and have no row yet; answers how many. A dry
 * run's failed jobs are what it was asked to find, for the admin who started it: they
 * raise nothing; its own failure or overrun (it holds the queues) does. Nothing is
 * recorded while no webhook is set, so setting one does not bring up what came before
 * (beyond the last day's finished runs).
 */
export async function recordRunEvents(db: DataSource, overdueAfterMinutes: number): Promise<number> {
  const rows = (await db.query(
    `INSERT INTO run_notification (run_id, event)
     SELECT id, CASE WHEN state = 'failed' THEN 'failed' ELSE 'finished-with-failures' END FROM sync_run
      WHERE trigger IN ('schedule', 'manual', 'live') AND finished_at >= now() - interval '${LOOK_BACK}'
        AND (state = 'failed' OR (state = 'completed' AND jobs_failed > 0 AND NOT dry_run))
     UNION ALL
     SELECT id, 'overdue' FROM sync_run
      WHERE trigger IN ('schedule', 'manual') AND state IN ('queued', 'running')
        AND COALESCE(started_at, created_at) < now() - $1 * interval '1 minute'
     ON CONFLICT (run_id, event) DO NOTHING
     RETURNING run_id`,
    [overdueAfterMinutes],
  )) as unknown[];
  return rows.length;
}

interface ClaimedRow {
  run_id: string;
  event: RunNotificationEvent;
  id: string;
  attempts: number;
}

async function claimDue(db: DataSource, claimMs: number): Promise<ClaimedRow | undefined> {
  const [rows] = (await db.query(
    `UPDATE run_notification n SET claimed_until = now() + $1 * interval '1 millisecond', attempts = n.attempts + 1
      WHERE (n.run_id, n.event) IN (
        SELECT run_id, event FROM run_notification
         WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING n.run_id, n.event, n.id, n.attempts`,
    [claimMs],
  )) as [ClaimedRow[], number];
  return rows[0];
}

/** A run's first failures, oldest first, with anything shaped like personal data masked (as the queue dashboard does). */
async function firstFailures(db: DataSource, runId: string): Promise<RunFailureLine[]> {
  const rows = (await db.query(`SELECT queue, subject_type, subject_ref, error FROM sync_event WHERE run_id = $1 AND outcome = 'failed' ORDER BY at, id LIMIT ${FIRST_FAILURES}`, [
    runId,
  ])) as Array<{ queue: string; subject_type: string; subject_ref: string; error: string | null }>;
  return rows.map((row) => ({ queue: row.queue, subjectType: row.subject_type, subjectRef: row.subject_ref, error: row.error === null ? null : redactJobText(row.error) }));
}

function runLink(adminUrl: string, runId: string): string {
  return `${adminUrl.replace(/\/+$/, '')}/runs/${runId}`;
}

async function bodyFor(db: DataSource, row: ClaimedRow, options: NotificationOptions): Promise<RunNotificationBody | null> {
  const view = await runView(db, row.run_id);
  if (!view) return null;
  const [{ error }] = (await db.query(`SELECT error FROM sync_run WHERE id = $1`, [row.run_id])) as Array<{ error: string | null }>;
  return {
    event: row.event,
    notificationId: row.id,
    summary: notificationSummary(row.event, view, options.overdueAfterMinutes),
    run: { ...view, error: error === null ? null : redactJobText(error) },
    firstFailures: await firstFailures(db, row.run_id),
    link: runLink(options.adminUrl, row.run_id),
  };
}

async function settle(db: DataSource, row: ClaimedRow, answer: WebhookAnswer, options: NotificationOptions): Promise<void> {
  const key = [row.run_id, row.event];
  if (answer.ok) {
    await db.query(`UPDATE run_notification SET sent_at = now(), claimed_until = NULL, last_error = NULL WHERE run_id = $1 AND event = $2`, key);
    options.metrics?.notification(row.event, 'sent');
    options.log?.info('run notification sent', { runId: row.run_id, event: row.event, attempts: row.attempts });
    return;
  }
  if (row.attempts >= (options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
    await db.query(`UPDATE run_notification SET gave_up_at = now(), claimed_until = NULL, last_error = $3 WHERE run_id = $1 AND event = $2`, [...key, answer.error]);
    options.metrics?.notification(row.event, 'gave-up');
    options.log?.error('run notification given up', { runId: row.run_id, event: row.event, attempts: row.attempts, reason: answer.error });
    return;
  }
  const waitMs = retryDelayMs(row.attempts, options.firstRetryMs);
  await db.query(`UPDATE run_notification SET next_attempt_at = now() + $3 * interval '1 millisecond', claimed_until = NULL, last_error = $4 WHERE run_id = $1 AND event = $2`, [
    ...key,
    waitMs,
    answer.error,
  ]);
  options.metrics?.notification(row.event, 'failed-attempt');
  options.log?.warn('run notification will be tried again', { runId: row.run_id, event: row.event, attempts: row.attempts, waitMs, reason: answer.error });
}

/**
 * One pass: records new events, then sends every row that is due. With no webhook set it
 * does nothing (rows recorded earlier wait until one is set again).
 */
export async function notifyRunEvents(db: DataSource, webhookUrl: () => Promise<string | null>, options: NotificationOptions): Promise<{ recorded: number; attempted: number }> {
  const url = await webhookUrl();
  if (url === null) return { recorded: 0, attempted: 0 };
  const recorded = await recordRunEvents(db, options.overdueAfterMinutes);
  let attempted = 0;
  for (;;) {
    const row = await claimDue(db, options.claimMs ?? 120_000);
    if (!row) break;
    attempted += 1;
    const body = await bodyFor(db, row, options);
    const answer: WebhookAnswer = body ? await postToWebhook(url, body, row.id, options.timeoutMs) : { ok: false, error: 'the run is gone' };
    await settle(db, row, answer, options);
  }
  return { recorded, attempted };
}

/** The settings page's Test: one POST of a sample body, answered at once. */
export function testNotificationBody(adminUrl: string, notificationId: string): RunNotificationBody {
  return {
    event: 'test',
    notificationId,
    summary: 'A test notification from the Smart Assessor integration: run alerts will come here.',
    run: null,
    firstFailures: [],
    link: `${adminUrl.replace(/\/+$/, '')}/runs`,
  };
}
