import { SeededRandom } from './random.js';

/** What can go wrong, on purpose, between a client and the simulator. Shares are 0..1. */
export interface FaultSettings {
  /** Added to every answer of the API. */
  latencyMs: number;
  /** Plus up to this much more, uniformly. */
  latencyJitterMs: number;
  /** Answered 500 `internal` before anything is changed. */
  errorRate: number;
  /** Done, then the answer is held for `holdMs` (longer than a client waits): the change happened but the caller never hears. */
  timeoutRate: number;
  holdMs: number;
  /** Answered 429 on top of the real rate limit, with `retryAfterSeconds`. */
  rateLimitRate: number;
  retryAfterSeconds: number;
  /** Done, then answered with valid JSON that breaks the contract. */
  malformedRate: number;
  /** Epoch ms: every request is answered 503 `unavailable` until then; null: no outage. */
  outageUntil: number | null;
  /** The operationIds the shares apply to; null: every operation. Latency and outages apply to all. */
  operations: string[] | null;
}

export const NO_FAULTS: Readonly<FaultSettings> = Object.freeze({
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  holdMs: 60_000,
  rateLimitRate: 0,
  retryAfterSeconds: 1,
  malformedRate: 0,
  outageUntil: null,
  operations: null,
});

/** The faults one request meets. */
export interface FaultDecision {
  latencyMs: number;
  error: boolean;
  timeout: boolean;
  rateLimited: boolean;
  malformed: boolean;
}

const SHARES = ['errorRate', 'timeoutRate', 'rateLimitRate', 'malformedRate'] as const;
const DURATIONS = ['latencyMs', 'latencyJitterMs', 'holdMs', 'retryAfterSeconds'] as const;

/**
 * `current` with `patch` applied, or an error naming each bad setting. `outageUntil`
 * may be given as epoch ms or an ISO timestamp (the control route's JSON).
 */
export function applyFaults(current: FaultSettings, patch: Record<string, unknown>): FaultSettings {
  const next: FaultSettings = { ...current };
  const problems: string[] = [];
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if ((SHARES as readonly string[]).includes(name)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) problems.push(`${name} must be a share from 0 to 1`);
      else next[name as (typeof SHARES)[number]] = value;
    } else if ((DURATIONS as readonly string[]).includes(name)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) problems.push(`${name} must be a number of 0 or more`);
      else next[name as (typeof DURATIONS)[number]] = value;
    } else if (name === 'outageUntil') {
      const at = value === null ? null : typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (at !== null && Number.isNaN(at)) problems.push('outageUntil must be null, epoch milliseconds or an ISO timestamp');
      else next.outageUntil = at;
    } else if (name === 'operations') {
      if (value !== null && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
        problems.push('operations must be null or a list of operationIds');
      } else next.operations = value as string[] | null;
    } else {
      problems.push(`${name} is not a fault setting`);
    }
  }
  if (problems.length > 0) throw new RangeError(`Invalid fault settings: ${problems.join('; ')}`);
  return next;
}

/**
 * The faults for the next request. Every request draws the same numbers whatever the
 * settings, so one seed gives one sequence of faults.
 */
export function decideFaults(settings: FaultSettings, random: SeededRandom, operationId: string): FaultDecision {
  const draws = [random.next(), random.next(), random.next(), random.next(), random.next()] as const;
  const applies = settings.operations === null || settings.operations.includes(operationId);
  return {
    latencyMs: settings.latencyMs + Math.floor(draws[0] * settings.latencyJitterMs),
    rateLimited: applies && draws[1] < settings.rateLimitRate,
    error: applies && draws[2] < settings.errorRate,
    timeout: applies && draws[3] < settings.timeoutRate,
    malformed: applies && draws[4] < settings.malformedRate,
  };
}

/**
 * A body that is valid JSON but breaks the contract, built from the real one: a list's
 * first item loses its shape, an object's first property gets the wrong type.
 */
export function malform(body: unknown): unknown {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    if (Array.isArray(record.items)) return { ...record, items: [{ unexpected: true }, ...record.items.slice(1)] };
    const [first] = Object.keys(record);
    if (first !== undefined) return { ...record, [first]: { malformed: true } };
  }
  return { malformed: true };
}
