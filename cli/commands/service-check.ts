import pg from 'pg';
import { connectRedis, redisOptionsFromUrl } from '../../queues/connection.js';
import type { Config } from '../../src/config/environment.js';
import { StartupError } from '../../src/failure-kinds.js';

/** How long a command waits for PostgreSQL and Redis to answer before it says which does not. */
export const SERVICE_CHECK_MS = 3_000;
/** Between tries: a service that is still starting (`docker compose up -d` a moment ago) gets a few. */
const RETRY_EVERY_MS = 250;

export interface ServiceNeeds {
  /** The command creates a missing database (it owns the schema): a server without it is fine. */
  createsDatabase: boolean;
  /** The command uses Redis (all but `migrate` and `import`). */
  redis: boolean;
}

/** A URL as it may be shown: its password replaced by ****. */
export function maskedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return '(a URL that cannot be read)';
  }
}

/** What a try found: the service answers, or why not and whether trying again may help. */
type Probe = { ok: true } | { ok: false; reason: string; final: boolean; fix?: string };

const TRANSIENT_PG_CODES = new Set(['57P03', '53300']); // starting up; too many connections

async function probePostgres(url: string, needs: ServiceNeeds, timeoutMs: number): Promise<Probe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: Math.max(100, timeoutMs), application_name: 'sai-start-check' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '3D000') {
      if (needs.createsDatabase) return { ok: true };
      return { ok: false, final: true, reason: 'the database does not exist', fix: 'run `sai migrate` (or `sai start`) first, or set DATABASE_URL to the right database' };
    }
    if (code === '28P01' || code === '28000') {
      return { ok: false, final: true, reason: `it refused the log-in: ${(error as Error).message}`, fix: 'correct the user and password in DATABASE_URL' };
    }
    return { ok: false, final: code !== undefined && /^[0-9A-Z]{5}$/.test(code) && !TRANSIENT_PG_CODES.has(code), reason: shortReason(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeRedis(url: string, timeoutMs: number): Promise<Probe> {
  // One connection attempt, no reconnecting and no queued commands: ioredis would otherwise retry for ever.
  const redis = connectRedis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    // ioredis' own connect timeout leaves its timer running after a refusal, holding the process open; the race below bounds the try.
    connectTimeout: 0,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  // connect() rejects with "Connection is closed"; the reason (ECONNREFUSED, a DNS failure…) comes as an error event.
  let cause: unknown;
  redis.on('error', (error: unknown) => {
    cause ??= error;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), Math.max(100, timeoutMs));
  });
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), timeout]);
    return { ok: true };
  } catch (error) {
    const message = (error as Error).message;
    if (/NOAUTH|WRONGPASS|invalid password/i.test(message)) {
      return { ok: false, final: true, reason: `it refused the log-in: ${message}`, fix: 'correct the password in REDIS_URL' };
    }
    return { ok: false, final: false, reason: shortReason(cause ?? error) };
  } finally {
    clearTimeout(timer);
    // On a connection already ended, disconnect() would wait 2 s for a close that has happened.
    if (redis.status !== 'end') redis.disconnect();
  }
}

function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const text = message.trim() === '' ? (code ?? 'no answer') : message;
  return text.split('\n')[0]!;
}

/** Tries `probe` until it answers, fails for good, or the deadline passes. */
async function untilDeadline(probe: (timeoutMs: number) => Promise<Probe>, deadline: number): Promise<Probe> {
  for (;;) {
    const result = await probe(deadline - Date.now());
    if (result.ok || result.final || Date.now() + RETRY_EVERY_MS >= deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
  }
}

/**
 * Makes sure PostgreSQL (and Redis, when the command uses it) answer within a few
 * seconds, both tried at once; otherwise throws one StartupError whose message is one
 * line naming each service that does not answer, its URL (password masked), why, and what
 * to do. Without this a command met a Redis that was down with ioredis' reconnecting for
 * ever, printing the same ECONNREFUSED trace again and again.
 */
export async function checkServices(config: Pick<Config, 'DATABASE_URL' | 'REDIS_URL'>, needs: ServiceNeeds, withinMs = SERVICE_CHECK_MS): Promise<void> {
  const deadline = Date.now() + withinMs;
  const [postgres, redis] = await Promise.all([
    untilDeadline((ms) => probePostgres(config.DATABASE_URL, needs, ms), deadline),
    needs.redis ? untilDeadline((ms) => probeRedis(config.REDIS_URL, ms), deadline) : Promise.resolve<Probe>({ ok: true }),
  ]);
  const failing = [
    { name: 'PostgreSQL', variable: 'DATABASE_URL', url: config.DATABASE_URL, probe: postgres },
    { name: 'Redis', variable: 'REDIS_URL', url: config.REDIS_URL, probe: redis },
  ].flatMap((service) => (service.probe.ok ? [] : [{ ...service, probe: service.probe }]));
  if (failing.length === 0) return;

  const seconds = `${Math.round(withinMs / 1000)} s`;
  const parts = failing.map(({ name, url, probe }) =>
    probe.final ? `${name} at ${maskedUrl(url)} answered but ${probe.reason}` : `${name} does not answer at ${maskedUrl(url)} (${probe.reason}; tried for ${seconds})`,
  );
  const fixes = failing.map(({ probe }) => probe.fix).filter((fix): fix is string => fix !== undefined);
  const unreachable = failing.filter(({ probe }) => !probe.fix);
  if (unreachable.length > 0) {
    const variables = unreachable.map(({ variable }) => variable).join(' / ');
    const [them, they] = unreachable.length === 1 ? ['it', 'it runs'] : ['them', 'they run'];
    fixes.push(`start ${them} (\`docker compose up -d\` starts PostgreSQL and Redis on the default ports) or set ${variables} to where ${they}`);
  }
  throw new StartupError(`Cannot start: ${parts.join('; ')}. ${capitalised(fixes.join('; '))}.`);
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
