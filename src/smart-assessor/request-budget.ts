import type { RedisClient } from '../../queues/connection.js';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RedisScript } from '../redis/script.js';
import { SmartAssessorError } from './smart-assessor-error.js';

/**
 * Smart Assessor allows a site N requests a minute across every caller. Every client of
 * the deployment spends from one budget kept in Redis, so workers in any number of
 * processes stay under the limit together, and a 429 pauses all of them at once.
 *
 * The budget is a share of the site's limit (95% by default), spread over the 60
 * seconds of each clock minute: second i may spend `pointsInSecond(budget, i)`, and the
 * seconds of a minute add up to the budget exactly. Spreading keeps the requests of any
 * 60-second stretch near the budget whichever way the server cuts its windows; aligning
 * to the clock minute makes it exact for a server that counts per clock minute.
 */

export const DEFAULT_BUDGET_SHARE = 0.95;
export const DEFAULT_MAX_BUDGET_WAIT_MS = 10_000;

export interface RequestBudgetOptions {
  /** Shared by every client of the deployment; absent: this process only. */
  redis?: RedisClient;
  /** Names the site's budget in Redis; every client of one site must use the same key. */
  key: string;
  /** The site's limit; absent: learnt from the server's X-RateLimit-Limit. */
  requestsPerMinute?: number;
  /** The share of the site's limit to spend (0..1]. */
  share?: number;
  /** The longest a call waits for budget before it throws rate-limited instead. */
  maxWaitMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** How many requests a site's limit allows this deployment per minute. */
export function budgetPerMinute(limitPerMinute: number, share = DEFAULT_BUDGET_SHARE): number {
  return Math.max(1, Math.floor(limitPerMinute * share));
}

/** The requests second `second` (0..59) of a clock minute may spend; the 60 seconds add up to `perMinute`. */
export function pointsInSecond(perMinute: number, second: number): number {
  return Math.floor((perMinute * (second + 1)) / 60) - Math.floor((perMinute * second) / 60);
}

/** Milliseconds from `now` until the start of the next second that has budget. */
export function msUntilNextBudgetedSecond(perMinute: number, now: number): number {
  const thisSecond = Math.floor(now / 1000);
  for (let ahead = 1; ahead <= 60; ahead += 1) {
    if (pointsInSecond(perMinute, (thisSecond + ahead) % 60) > 0) return (thisSecond + ahead) * 1000 - now;
  }
  return 60_000;
}

/** A Retry-After header as milliseconds: whole seconds or an HTTP date; a missing or odd one as one second. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number {
  if (header === undefined || header.trim() === '') return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
}

export class RequestBudget {
  private readonly localLimiters = new Map<number, RateLimiterMemory>();
  private readonly share: number;
  private readonly maxWaitMs: number;
  private readonly fixedLimit: boolean;
  private limitPerMinute: number | undefined;
  private localPauseUntil = 0;
  private readonly now: () => number;

  constructor(private readonly options: RequestBudgetOptions) {
    this.share = options.share ?? DEFAULT_BUDGET_SHARE;
    if (!(this.share > 0 && this.share <= 1)) throw new Error(`The request budget share must be in (0, 1], got ${this.share}`);
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_BUDGET_WAIT_MS;
    this.fixedLimit = options.requestsPerMinute !== undefined;
    this.limitPerMinute = options.requestsPerMinute;
    this.now = options.now ?? Date.now;
  }

  /** The site's limit as the last answer stated it; ignored when the limit was configured. */
  learnLimit(limitPerMinute: number): void {
    if (this.fixedLimit || !Number.isInteger(limitPerMinute) || limitPerMinute < 1) return;
    this.limitPerMinute = limitPerMinute;
  }

  get perMinute(): number | undefined {
    return this.limitPerMinute === undefined ? undefined : budgetPerMinute(this.limitPerMinute, this.share);
  }

  /**
   * Takes one request from the budget, waiting for the next budgeted second while the
   * wait is short; throws rate-limited (with the wait) when a shared pause is on or the
   * wait would pass `maxWaitMs`, so a worker can pause its queue instead of holding a slot.
   */
  async spend(operation: string): Promise<void> {
    const started = this.now();
    for (;;) {
      const perMinute = this.perMinute;
      if (perMinute === undefined) {
        await this.throwIfPaused(operation);
        return;
      }
      const now = this.now();
      const second = Math.floor(now / 1000);
      const allowed = pointsInSecond(perMinute, second % 60);
      if (allowed > 0) {
        if (await this.take(operation, allowed, second)) return;
      } else {
        await this.throwIfPaused(operation);
      }
      const wait = msUntilNextBudgetedSecond(perMinute, now);
      if (now - started + wait > this.maxWaitMs) {
        throw new SmartAssessorError('rate-limited', `The Smart Assessor request budget is spent; ${operation} waits ${wait} ms`, {
          operation,
          retryAfterMs: wait,
        });
      }
      await delay(wait);
    }
  }

  /** Every client of the site holds off for `ms` (the server answered 429). */
  async pause(ms: number): Promise<void> {
    const until = this.now() + ms;
    this.localPauseUntil = Math.max(this.localPauseUntil, until);
    if (ms <= 0 || !this.options.redis) return;
    // Keep the later of two pauses: a short Retry-After must not cut a longer one short.
    await this.options.redis.eval(EXTEND_PAUSE, 1, this.pauseKey, String(ms)).catch((error: Error) => {
      throw unreadable(error);
    });
  }

  /** Milliseconds left of a pause set by any client of the site; 0 when there is none. */
  async pausedForMs(): Promise<number> {
    const local = Math.max(0, this.localPauseUntil - this.now());
    if (!this.options.redis) return local;
    const shared = await this.options.redis.pttl(this.pauseKey).catch((error: Error) => {
      throw unreadable(error);
    });
    return Math.max(local, shared > 0 ? shared : 0);
  }

  private get pauseKey(): string {
    return `${this.options.key}:pause`;
  }

  private async throwIfPaused(operation: string): Promise<void> {
    const remaining = await this.pausedForMs();
    if (remaining > 0) throw paused(operation, remaining);
  }

  /**
   * Takes one of the `allowed` requests of `second` unless a pause is on: answers false
   * when the second is spent, throws rate-limited while paused. With Redis, one script
   * looks at the shared pause and spends, so a request costs one round trip, not two.
   */
  private async take(operation: string, allowed: number, second: number): Promise<boolean> {
    const redis = this.options.redis;
    if (!redis) {
      await this.throwIfPaused(operation);
      return this.takeLocal(allowed, second);
    }
    // A pause this client heard of itself holds even if Redis lost it (throws, with the longer wait of the two).
    if (this.localPauseUntil > this.now()) await this.throwIfPaused(operation);
    const [pausedMs, spent] = (await SPEND.run(redis, [this.pauseKey, `${this.secondKeyPrefix}:${second}`], [SECOND_KEY_TTL_SECONDS]).catch((error: Error) => {
      throw unreadable(error);
    })) as [number, number];
    if (pausedMs > 0) throw paused(operation, pausedMs);
    return spent <= allowed;
  }

  private async takeLocal(allowed: number, second: number): Promise<boolean> {
    try {
      await this.localLimiter(allowed).consume(String(second));
      return true;
    } catch (error) {
      if (error instanceof RateLimiterRes) return false;
      throw unreadable(error as Error);
    }
  }

  private get secondKeyPrefix(): string {
    return `${this.options.key}:second`;
  }

  /** Without Redis (one process): one limiter per points-per-second value (a budget has at most two). */
  private localLimiter(points: number): RateLimiterMemory {
    let limiter = this.localLimiters.get(points);
    if (!limiter) {
      limiter = new RateLimiterMemory({ keyPrefix: this.secondKeyPrefix, points, duration: SECOND_KEY_TTL_SECONDS });
      this.localLimiters.set(points, limiter);
    }
    return limiter;
  }
}

/** How long a second's count is kept: a couple of seconds, so clocks a little apart still meet in it. */
const SECOND_KEY_TTL_SECONDS = 2;

/**
 * The shared pause's time left, or else one request spent from the second's count:
 * answers {pause ms, requests spent in the second}. The count is kept as rate-limiter-
 * flexible kept it (same key, INCRBY, expiry), so clients of both kinds share one budget.
 */
const SPEND = new RedisScript(`
local paused = redis.call('pttl', KEYS[1])
if paused > 0 then return {paused, 0} end
redis.call('set', KEYS[2], 0, 'EX', ARGV[1], 'NX')
local spent = redis.call('incrby', KEYS[2], 1)
if redis.call('ttl', KEYS[2]) == -1 then redis.call('expire', KEYS[2], ARGV[1]) end
return {0, spent}
`);

function paused(operation: string, remaining: number): SmartAssessorError {
  return new SmartAssessorError('rate-limited', `Smart Assessor asked every caller to wait; ${operation} was not sent (${remaining} ms left)`, {
    operation,
    retryAfterMs: remaining,
  });
}

const EXTEND_PAUSE = `
local left = redis.call('pttl', KEYS[1])
if left < tonumber(ARGV[1]) then
  redis.call('set', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
`;

/** Redis is down or slow: the call is tried again later rather than sent outside the budget. */
function unreadable(error: Error): SmartAssessorError {
  return new SmartAssessorError('transient', `The shared Smart Assessor request budget could not be read: ${error.message}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
