import { DataSource, type EntityManager } from 'typeorm';
import type { IntegrationSettings, RunSettings } from '../../entities/index.js';
import { queryPrepared } from '../db/prepared-statement.js';
import { readBatchFor } from '../db/read-batch.js';
import { currentSettingsRow, settingsView } from './settings-service.js';

export type { RunSettings } from '../../entities/index.js';

/**
 * The settings row as a run records it: what the settings API shows of it (never a
 * secret, nor whether one is set), but for the last synchronisation, which is no setting, and with when it was saved.
 */
export function runSettingsOf(row: IntegrationSettings): RunSettings {
  const { passwordSet, clientKeySet, notificationWebhookUrlSet, lastSynchronisedAt, ...settings } = settingsView(row);
  return { ...settings, savedAt: row.updatedAt.toISOString() };
}

/** The settings as they are now, as a run records them. */
export async function currentRunSettings(executor: DataSource | EntityManager): Promise<RunSettings> {
  return runSettingsOf(await currentSettingsRow(executor));
}

/**
 * The settings run `runId` recorded when it started, with `dryRun` when it is a dry run;
 * for a run that recorded none (it started before runs did), the settings as they are
 * now. From the DataSource the read goes with the jobs' other reads (ReadBatch).
 */
export async function recordedRunSettings(executor: DataSource | EntityManager, runId: string): Promise<RunSettings> {
  const statement = { name: 'sai-run-settings', text: 'SELECT settings, dry_run FROM sync_run WHERE id = $1', values: [runId] };
  const rows = (
    executor instanceof DataSource ? await readBatchFor(executor).read(statement) : await queryPrepared(executor, statement.name, statement.text, statement.values)
  ) as Array<{ settings: RunSettings | null; dry_run: boolean }>;
  const settings = rows[0]?.settings ?? (await currentRunSettings(executor));
  return rows[0]?.dry_run ? { ...settings, dryRun: true } : settings;
}
