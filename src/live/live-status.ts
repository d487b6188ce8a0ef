import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { runView, type SyncRunView } from '../runs/run-views.js';
import { currentSettingsRow } from '../settings/settings-service.js';
import { liveJobsInFlight } from './live-runs.js';
import { outboxSummary } from './outbox.js';

/** Live sync as the runs page and GET /api/sync/live show it. */
export interface LiveSyncStatus {
  /** The setting. */
  liveSync: boolean;
  /** Live Sync does nothing while the integration is disabled. */
  integrationEnabled: boolean;
  /** Changes captured and not yet queued. */
  pendingChanges: number;
  /** When the oldest of them was made. */
  oldestPendingAt: string | null;
  /** Live jobs queued or running. */
  jobsInFlight: number;
  /** The newest live run: taking jobs now, or the last one. */
  latestRun: SyncRunView | null;
}

export async function liveSyncStatus(db: DataSource, now: Date = new Date()): Promise<LiveSyncStatus> {
  const [settings, outbox, jobsInFlight, [latest]] = await Promise.all([
    currentSettingsRow(db),
    outboxSummary(db),
    liveJobsInFlight(db),
    db.query(`SELECT id FROM sync_run WHERE trigger = 'live' ORDER BY created_at DESC LIMIT 1`) as Promise<Array<{ id: string }>>,
  ]);
  return {
    liveSync: settings.liveSync,
    integrationEnabled: settings.integrationEnabled,
    pendingChanges: outbox.pending,
    oldestPendingAt: outbox.oldestAt?.toISOString() ?? null,
    jobsInFlight,
    latestRun: latest ? await runView(db, latest.id, now) : null,
  };
}

/** The outbox at scrape time (GET /metrics): what waits, and for how long. */
export async function addLiveSyncGauges(registry: Registry, db: DataSource, now: Date): Promise<void> {
  const [outbox, jobsInFlight] = await Promise.all([outboxSummary(db), liveJobsInFlight(db)]);
  new Gauge({ name: 'sai_live_sync_pending_changes', help: 'Live sync: MIS changes captured and not yet queued.', registers: [registry] }).set(outbox.pending);
  new Gauge({ name: 'sai_live_sync_oldest_pending_seconds', help: 'Live sync: age of the oldest change not yet queued (0: none waits).', registers: [registry] }).set(
    outbox.oldestAt ? Math.max(0, (now.getTime() - outbox.oldestAt.getTime()) / 1000) : 0,
  );
  new Gauge({ name: 'sai_live_sync_jobs_in_flight', help: 'Live sync: live jobs queued or running.', registers: [registry] }).set(jobsInFlight);
}
