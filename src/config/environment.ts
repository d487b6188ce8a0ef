import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy, validateSync } from 'class-validator';
import { parseRedisUrl, queueKeyPrefix } from '../../queues/connection.js';

/** What is wrong with a REDIS_URL (parseRedisUrl's reason), or null. */
function redisUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a Redis URL';
  try {
    parseRedisUrl(value);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
import { trustProxyProblem } from './trust-proxy.js';

/**
 * The process environment as the product reads it. Every variable is declared here,
 * with its default, so that `loadConfig` can name each one that is wrong.
 */
export class Environment {
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/smart_assessor';

  /** One server, a Sentinel set or a Cluster: the forms are in queues/connection.ts and the README. */
  @ValidateBy({
    name: 'isRedisUrl',
    validator: { validate: (value) => redisUrlProblem(value) === null, defaultMessage: (args) => redisUrlProblem(args?.value) ?? '' },
  })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * Prefix of every BullMQ key, so several deployments (or test runs) can share one Redis.
   * On a Cluster it is a hash tag ("{sai}"): loadConfig wraps one without.
   */
  @Matches(/^[A-Za-z0-9_.:{}-]+$/, { message: 'may hold letters, digits and _ . : - { } only' })
  QUEUE_PREFIX = 'sai';

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: 'must be a whole number' })
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  ADMIN_API_TOKEN?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  ADMIN_USERNAME?: string;

  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  ADMIN_PASSWORD?: string;

  /**
   * Which proxies' X-Forwarded-For and X-Forwarded-Proto the admin believes (see
   * trust-proxy.ts): unset or false, none; a number of hops; or their addresses.
   */
  @IsOptional()
  @ValidateBy({ name: 'trustProxy', validator: { validate: (value) => trustProxyProblem(value) === null, defaultMessage: (args) => trustProxyProblem(args?.value) ?? '' } })
  TRUST_PROXY?: string;

  /** An admin's log-in ends this many hours after it began, however busy. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(24 * 7)
  ADMIN_SESSION_MAX_HOURS = 12;

  /** ... and after this many minutes without a request. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(24 * 60)
  ADMIN_SESSION_IDLE_MINUTES = 30;

  /** 32 bytes as 64 hex digits or base64; unset: a key is generated once and kept in SECRETS_DIR. */
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, { message: 'must be 32 bytes as 64 hex digits or base64' })
  SETTINGS_ENCRYPTION_KEY?: string;

  @IsString()
  SECRETS_DIR = '.secrets';

  /** Unset: `start` runs the built-in simulator and points the integration at it. */
  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'must be an http(s):// URL' })
  SMART_ASSESSOR_BASE_URL?: string;

  @IsIn(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'])
  LOG_LEVEL = 'info';

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(500)
  WORKER_CONCURRENCY = 10;

  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: 'must be a whole number' })
  @Min(0)
  @Max(65535)
  SIMULATOR_PORT = 4010;

  @IsString()
  @MinLength(1)
  SIMULATOR_USERNAME = 'api.user@simulator.local';

  @IsString()
  @MinLength(1)
  SIMULATOR_PASSWORD = 'simulator-password';

  @IsString()
  @MinLength(1)
  SIMULATOR_CLIENT_KEY = 'simulator-client-key';

  /** Days a finished run's changes and failures are kept (the audit trail), then pruned. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: 'must be a whole number of days' })
  @Min(1)
  @Max(36_500)
  HISTORY_KEEP_CHANGES_DAYS = 730;

  /** Days a finished run's unchanged and skipped outcomes are kept, then pruned. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: 'must be a whole number of days' })
  @Min(1)
  @Max(36_500)
  HISTORY_KEEP_UNCHANGED_DAYS = 35;

  /** Sync events looked at per prune statement: each is a short transaction of its own. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: 'must be a whole number' })
  @Min(100)
  @Max(100_000)
  HISTORY_PRUNE_BATCH = 2_000;

  /** A whole-provider run not finished this many minutes after it started is notified as overdue. */
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(5)
  @Max(10_080)
  RUN_OVERDUE_AFTER_MINUTES = 480;

  /** The admin's address as its users reach it, for the run links in notifications; unset: http://127.0.0.1:PORT. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+[^\s?#]*$/, { message: 'must be an http(s):// URL without a query' })
  ADMIN_PUBLIC_URL?: string;
}

export type Config = Readonly<Environment>;

export class ConfigError extends Error {
  constructor(readonly problems: Record<string, string>) {
    super(
      'Invalid configuration:\n' +
        Object.entries(problems)
          .map(([name, reason]) => `  ${name}: ${reason}`)
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Reads the environment once; unset or empty variables take their defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const declared = Object.keys(new Environment());
  const optional = ['ADMIN_API_TOKEN', 'ADMIN_USERNAME', 'ADMIN_PASSWORD', 'SETTINGS_ENCRYPTION_KEY', 'SMART_ASSESSOR_BASE_URL', 'TRUST_PROXY', 'ADMIN_PUBLIC_URL'];
  const given: Record<string, string> = {};
  for (const name of [...declared, ...optional]) {
    const value = env[name];
    if (value !== undefined && value !== '') given[name] = value;
  }
  const config = plainToInstance(Environment, given, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: false });
  const problems: Record<string, string> = {};
  for (const error of errors) {
    const value = given[error.property];
    const shown = isSecretName(error.property) || value === undefined ? '' : ` (got "${withoutPassword(value)}")`;
    problems[error.property] = Object.values(error.constraints ?? {}).join('; ') + shown;
  }
  if (!problems.HISTORY_KEEP_UNCHANGED_DAYS && !problems.HISTORY_KEEP_CHANGES_DAYS && config.HISTORY_KEEP_UNCHANGED_DAYS > config.HISTORY_KEEP_CHANGES_DAYS) {
    problems.HISTORY_KEEP_UNCHANGED_DAYS = `must not be more than HISTORY_KEEP_CHANGES_DAYS (${config.HISTORY_KEEP_CHANGES_DAYS}) (got "${config.HISTORY_KEEP_UNCHANGED_DAYS}")`;
  }
  if (Object.keys(problems).length > 0) throw new ConfigError(problems);
  config.QUEUE_PREFIX = queueKeyPrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  return Object.freeze(config);
}

export function isSecretName(name: string): boolean {
  return /PASSWORD|TOKEN|KEY|SECRET/i.test(name);
}

/** A URL's password replaced by "***", so a bad URL can be shown. */
function withoutPassword(value: string): string {
  return value.replace(/^([a-z0-9+.-]+:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}
