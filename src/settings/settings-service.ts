import type { DataSource, EntityManager } from 'typeorm';
import { IntegrationSettings, SESSION_TYPES, type DemographicsMode, type SessionType } from '../../entities/index.js';
import { PermanentError, ValidationFailedError } from '../failure-kinds.js';
import { SecretBoxError, type SecretBox } from './secret-box.js';
import { mappedReviewTypeCodes, newAddressProblems, settingsPatchProblems, type SettingsPatch } from './settings-patch.js';

export type { SettingsPatch } from './settings-patch.js';

/** What the integration needs to reach Smart Assessor, secrets decrypted: never log or return it. */
export interface SmartAssessorConnection {
  baseUrl: string;
  username: string;
  password: string;
  clientKey: string;
}

/** SPEC.md §2 as the admin API shows it: the secrets only as "is one set". */
export interface SettingsView {
  integrationEnabled: boolean;
  baseUrl: string | null;
  username: string | null;
  passwordSet: boolean;
  clientKeySet: boolean;
  sendLearnerWelcomeEmail: boolean;
  setStudentIdToLrn: boolean;
  updateRiskFromSmartCoach: boolean;
  learnerDemographicsMode: DemographicsMode;
  officerDemographicsMode: DemographicsMode;
  organisationDemographicsMode: DemographicsMode;
  updateLearnerGender: boolean;
  secondAssessorRole: string | null;
  pushChangesToLearnerEmployer: boolean;
  /** Every Smart Assessor session type, with its review type code or null (ignored). */
  reviewTypeMappings: Record<SessionType, string | null>;
  dailySchedule: string;
  timezone: string;
  /** SPEC.md §6: MIS changes go to Smart Assessor within minutes, not only at night. */
  liveSync: boolean;
  lastSynchronisedAt: string | null;
  /** The webhook itself is write-only, like the password. */
  notificationWebhookUrlSet: boolean;
}

const SETTINGS_ROW = 1;

async function ensureSettingsRow(executor: DataSource | EntityManager): Promise<void> {
  await executor.query('INSERT INTO integration_settings (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [SETTINGS_ROW]);
}

/** The one settings row as it is now, made with its defaults if there is none yet. */
export async function currentSettingsRow(executor: DataSource | EntityManager): Promise<IntegrationSettings> {
  const repository = executor.getRepository(IntegrationSettings);
  const row = await repository.findOneBy({ id: SETTINGS_ROW });
  if (row) return row;
  await ensureSettingsRow(executor);
  return repository.findOneByOrFail({ id: SETTINGS_ROW });
}

export function settingsView(row: IntegrationSettings): SettingsView {
  const mappings = Object.fromEntries(SESSION_TYPES.map((type) => [type, row.reviewTypeMappings?.[type] ?? null])) as SettingsView['reviewTypeMappings'];
  return {
    integrationEnabled: row.integrationEnabled,
    baseUrl: row.baseUrl,
    username: row.username,
    passwordSet: row.passwordEncrypted !== null,
    clientKeySet: row.clientKeyEncrypted !== null,
    sendLearnerWelcomeEmail: row.sendLearnerWelcomeEmail,
    setStudentIdToLrn: row.setStudentIdToLrn,
    updateRiskFromSmartCoach: row.updateRiskFromSmartCoach,
    learnerDemographicsMode: row.learnerDemographicsMode,
    officerDemographicsMode: row.officerDemographicsMode,
    organisationDemographicsMode: row.organisationDemographicsMode,
    updateLearnerGender: row.updateLearnerGender,
    secondAssessorRole: row.secondAssessorRole,
    pushChangesToLearnerEmployer: row.pushChangesToLearnerEmployer,
    reviewTypeMappings: mappings,
    dailySchedule: row.dailySchedule,
    timezone: row.timezone,
    liveSync: row.liveSync,
    lastSynchronisedAt: row.lastSynchronisedAt ? row.lastSynchronisedAt.toISOString() : null,
    notificationWebhookUrlSet: row.notificationWebhookUrlEncrypted !== null,
  };
}

/** The one settings row (SPEC.md §2): read, shown, validated and written here, secrets sealed. */
export class SettingsService {
  constructor(
    private readonly db: DataSource,
    private readonly secrets: SecretBox,
    private readonly defaults: Partial<SmartAssessorConnection> = {},
  ) {}

  async get(manager: EntityManager = this.db.manager): Promise<IntegrationSettings> {
    return currentSettingsRow(manager);
  }

  async view(): Promise<SettingsView> {
    return settingsView(await this.get());
  }

  /**
   * Validates the whole patch first (every bad field named), then writes only the keys it
   * carries. With `manager` the write joins the caller's transaction (the import).
   */
  async update(patch: unknown, manager?: EntityManager): Promise<SettingsView> {
    if (manager) return this.updateWithin(patch, manager);
    return this.db.transaction((transaction) => this.updateWithin(patch, transaction));
  }

  /** The settings first (`row`, or the row as it is now), then the constructor's defaults (the built-in simulator under `start`). */
  async connection(row?: IntegrationSettings): Promise<SmartAssessorConnection> {
    row ??= await this.get();
    const connection: Partial<SmartAssessorConnection> = {
      baseUrl: row.baseUrl ?? this.defaults.baseUrl,
      username: row.username ?? this.defaults.username,
      password: row.passwordEncrypted !== null ? this.open(row.passwordEncrypted, 'Smart Assessor password') : this.defaults.password,
      clientKey: row.clientKeyEncrypted !== null ? this.open(row.clientKeyEncrypted, 'Smart Assessor client key') : this.defaults.clientKey,
    };
    const labels: Record<keyof SmartAssessorConnection, string> = { baseUrl: 'base URL', username: 'username', password: 'password', clientKey: 'client key' };
    const missing = (Object.keys(labels) as Array<keyof SmartAssessorConnection>).filter((key) => !connection[key]);
    if (missing.length > 0) {
      throw new PermanentError(`The Smart Assessor connection is not configured: no ${missing.map((key) => labels[key]).join(', ')} (set them in Settings)`);
    }
    return connection as SmartAssessorConnection;
  }

  /** The run alerts' webhook, decrypted (never log or return it); null when none is set. */
  async notificationWebhookUrl(): Promise<string | null> {
    const row = await this.get();
    return row.notificationWebhookUrlEncrypted === null ? null : this.open(row.notificationWebhookUrlEncrypted, 'notification webhook URL');
  }

  private async updateWithin(patch: unknown, manager: EntityManager): Promise<SettingsView> {
    const problems = settingsPatchProblems(patch);
    if (Object.keys(problems).length === 0) {
      if ((patch as SettingsPatch).baseUrl !== undefined) Object.assign(problems, newAddressProblems(patch as SettingsPatch, (await this.get(manager)).baseUrl));
      Object.assign(problems, await unknownReviewTypeCodes(patch as SettingsPatch, manager));
    }
    if (Object.keys(problems).length > 0) {
      const listed = Object.entries(problems).map(([path, reason]) => `${path || 'settings'}: ${reason}`);
      throw new ValidationFailedError(`Settings refused: ${listed.join('; ')}`, problems);
    }
    await this.write(patch as SettingsPatch, manager);
    return settingsView(await this.get(manager));
  }

  private async write(patch: SettingsPatch, manager: EntityManager): Promise<void> {
    const { password, clientKey, notificationWebhookUrl, reviewTypeMappings, ...plain } = patch;
    const values: Record<string, unknown> = { ...plain };
    if (password !== undefined) values.passwordEncrypted = password === null ? null : this.secrets.encrypt(password);
    if (clientKey !== undefined) values.clientKeyEncrypted = clientKey === null ? null : this.secrets.encrypt(clientKey);
    if (notificationWebhookUrl !== undefined) {
      values.notificationWebhookUrlEncrypted = notificationWebhookUrl === null ? null : this.secrets.encrypt(notificationWebhookUrl);
    }
    // Merged in SQL so two admins mapping different session types at once both keep theirs.
    if (reviewTypeMappings !== undefined) values.reviewTypeMappings = () => 'jsonb_strip_nulls(review_type_mappings || CAST(:mappings AS jsonb))';
    if (Object.keys(values).length === 0) return;
    await this.ensureRow(manager);
    await manager
      .createQueryBuilder()
      .update(IntegrationSettings)
      .set(values)
      .where('id = :id', { id: SETTINGS_ROW })
      .setParameter('mappings', JSON.stringify(reviewTypeMappings ?? {}))
      .execute();
  }

  private async ensureRow(manager: EntityManager): Promise<void> {
    await ensureSettingsRow(manager);
  }

  private open(sealed: string, label: string): string {
    try {
      return this.secrets.decrypt(sealed);
    } catch (error) {
      if (error instanceof SecretBoxError) throw new PermanentError(`The stored ${label} cannot be read: ${error.message}`);
      throw error;
    }
  }
}

async function unknownReviewTypeCodes(patch: SettingsPatch, manager: EntityManager): Promise<Record<string, string>> {
  const mapped = mappedReviewTypeCodes(patch);
  if (mapped.length === 0) return {};
  const rows: Array<{ code: string }> = await manager.query('SELECT code FROM review_type WHERE code = ANY($1::varchar[])', [mapped.map((entry) => entry.code)]);
  const known = new Set(rows.map((row) => row.code));
  return Object.fromEntries(mapped.filter((entry) => !known.has(entry.code)).map((entry) => [entry.path, `no review type "${entry.code}"`]));
}
