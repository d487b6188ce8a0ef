import type { DataSource, EntityManager } from 'typeorm';
import type { IntegrationSettings } from '../../entities/index.js';
import { currentSettingsRow } from './settings-service.js';

/**
 * Integration Enabled is off (SPEC.md §4): nothing that would talk to Smart Assessor is
 * accepted. The admin API answers 409 with this message.
 */
export class IntegrationDisabledError extends Error {
  constructor(readonly refused: string) {
    super(`The integration is disabled (Settings: Integration Enabled is off), so ${refused} is refused; switch it on first`);
    this.name = 'IntegrationDisabledError';
  }
}

/** Throws IntegrationDisabledError for `refused` (e.g. "enrolment") while these settings have the integration off. */
export function refuseWhileDisabled(settings: Pick<IntegrationSettings, 'integrationEnabled'>, refused: string): void {
  if (!settings.integrationEnabled) throw new IntegrationDisabledError(refused);
}

/** refuseWhileDisabled against the settings as they are now: every request that queues work for Smart Assessor asks first. */
export async function requireIntegrationEnabled(executor: DataSource | EntityManager, refused: string): Promise<void> {
  refuseWhileDisabled(await currentSettingsRow(executor), refused);
}
