import { createHash } from 'node:crypto';
import type { RedisClient } from '../../queues/connection.js';
import type { Logger } from '../logging/logger.js';
import { redactText } from '../logging/redact.js';
import { smartAssessorCounting, type ProcessMetrics } from '../metrics/process-metrics.js';
import type { SettingsService, SmartAssessorConnection } from '../settings/settings-service.js';
import { createSmartAssessorClient, deploymentBudgetKey, type SmartAssessorClient } from '../smart-assessor/client.js';
import { isSmartAssessorError, type SmartAssessorError } from '../smart-assessor/smart-assessor-error.js';
import { PermanentError } from '../failure-kinds.js';
import { HttpError } from './http/http-errors.js';

export interface SmartAssessorAccessOptions {
  settings: Pick<SettingsService, 'connection'>;
  /** Shares the site's request budget with the workers. */
  redis?: RedisClient;
  /** The deployment's QUEUE_PREFIX: with it the admin spends from the workers' budget, not one of its own. */
  queuePrefix: string;
  logger?: Logger;
  timeoutMs?: number;
  /** Counts the admin's Smart Assessor requests with the workers'. */
  metrics?: ProcessMetrics;
}

/**
 * The admin's way to Smart Assessor: a client for the settings as they are now, kept
 * while they stay the same (its token and connections are reused) and replaced when an
 * admin changes them.
 */
export class SmartAssessorAccess {
  private current: { fingerprint: string; client: SmartAssessorClient } | undefined;

  constructor(private readonly options: SmartAssessorAccessOptions) {}

  async client(): Promise<SmartAssessorClient> {
    const connection = await this.connection();
    const fingerprint = fingerprintOf(connection);
    if (this.current?.fingerprint !== fingerprint) {
      this.current?.client.close();
      this.current = { fingerprint, client: this.create(connection) };
    }
    return this.current.client;
  }

  /** A client of its own, so a connection test really authenticates; the caller closes it. */
  async freshClient(): Promise<SmartAssessorClient> {
    return this.create(await this.connection());
  }

  close(): void {
    this.current?.client.close();
    this.current = undefined;
  }

  private async connection(): Promise<SmartAssessorConnection> {
    try {
      return await this.options.settings.connection();
    } catch (error) {
      if (error instanceof PermanentError) throw new HttpError(409, 'not_configured', error.message);
      throw error;
    }
  }

  private create(connection: SmartAssessorConnection): SmartAssessorClient {
    return createSmartAssessorClient({
      ...connection,
      redis: this.options.redis,
      budgetKey: deploymentBudgetKey(this.options.queuePrefix, connection),
      logger: this.options.logger,
      timeoutMs: this.options.timeoutMs ?? 15_000,
      ...(this.options.metrics ? smartAssessorCounting(this.options.metrics) : {}),
    });
  }
}

function fingerprintOf(connection: SmartAssessorConnection): string {
  return createHash('sha256')
    .update(JSON.stringify([connection.baseUrl, connection.username, connection.password, connection.clientKey]))
    .digest('hex');
}

/** What an admin is told when Smart Assessor fails a look-up or test, by kind. */
export function describeSmartAssessorFailure(error: SmartAssessorError): string {
  const detail = redactText(error.message);
  switch (error.kind) {
    case 'auth':
      return `Smart Assessor refused the username, password or client key in Settings (${detail})`;
    case 'rate-limited':
      return `Smart Assessor's request limit is spent for now; try again shortly (${detail})`;
    case 'transient':
      return `Smart Assessor could not be reached or did not answer in time (${detail})`;
    default:
      return `Smart Assessor refused the request (${detail})`;
  }
}

/** Smart Assessor failures on a synchronous admin route: the caller learns which side to fix. */
export function translateSmartAssessorErrors(error: unknown): HttpError | undefined {
  if (!isSmartAssessorError(error)) return undefined;
  const message = describeSmartAssessorFailure(error);
  if (error.kind === 'rate-limited') {
    const seconds = Math.max(1, Math.ceil((error.details.retryAfterMs ?? 1000) / 1000));
    return new HttpError(503, 'smart_assessor_rate_limited', message, { 'Retry-After': String(seconds) });
  }
  if (error.kind === 'transient') return new HttpError(503, 'smart_assessor_unavailable', message);
  if (error.kind === 'auth') return new HttpError(502, 'smart_assessor_auth', message);
  return new HttpError(502, 'smart_assessor_error', message);
}
