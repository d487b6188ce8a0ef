import type { RedisClient } from '../../../queues/connection.js';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginThrottleOptions {
  /** Failed log-ins allowed per username and address within `windowSeconds`. */
  attempts?: number;
  windowSeconds?: number;
  /** How long a username+address stays locked once it has used its attempts. */
  blockSeconds?: number;
  /** Redis key prefix; several deployments (or test runs) can share one Redis. */
  keyPrefix?: string;
}

/** Outcome of asking whether a log-in may be tried: allowed, or locked for this long. */
export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Failed log-ins counted per username and client address in Redis, so every admin
 * process shares the count: a guessing attacker is locked out after a few tries while
 * the same user from another address is not.
 */
export class LoginThrottle {
  private readonly limiter: RateLimiterRedis;
  readonly attempts: number;

  constructor(redis: RedisClient, options: LoginThrottleOptions = {}) {
    this.attempts = options.attempts ?? 5;
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: options.keyPrefix ?? 'sai:admin-login',
      points: this.attempts,
      duration: options.windowSeconds ?? 15 * 60,
      blockDuration: options.blockSeconds ?? 15 * 60,
    });
  }

  async check(username: string, ip: string): Promise<ThrottleDecision> {
    const state = await this.limiter.get(key(username, ip));
    if (state && state.consumedPoints >= this.attempts) return { allowed: false, retryAfterSeconds: seconds(state) };
    return { allowed: true };
  }

  /** Counts a failure; says whether the pair is now locked. */
  async fail(username: string, ip: string): Promise<ThrottleDecision> {
    try {
      const state = await this.limiter.consume(key(username, ip));
      return state.remainingPoints > 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: seconds(state) };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: seconds(rejection) };
      throw rejection;
    }
  }

  async succeed(username: string, ip: string): Promise<void> {
    await this.limiter.delete(key(username, ip));
  }
}

function key(username: string, ip: string): string {
  return `${username.trim().toLowerCase()}|${ip}`;
}

function seconds(state: RateLimiterRes): number {
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}
