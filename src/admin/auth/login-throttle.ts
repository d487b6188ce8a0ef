import type { RedisClient } from '../../../queues/connection.js';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginThrottleOptions {
  /** Failed log-ins allowed per username from one address within `windowSeconds`. */
  attempts?: number;
  /** Failed log-ins allowed per username from all addresses together (guesses spread over many addresses). */
  usernameAttempts?: number;
  /** Failed log-ins allowed from one address for all usernames together (one address trying many usernames). */
  addressAttempts?: number;
  windowSeconds?: number;
  /** How long a count stays locked once it has used its attempts. */
  blockSeconds?: number;
  /** Redis key prefix; several deployments (or test runs) can share one Redis. */
  keyPrefix?: string;
}

/** A log-in may not be tried now; try again after this long. */
export class LoginLockedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many failed log-ins');
    this.name = 'LoginLockedError';
  }
}

/** One attempt, already counted as a failure: a right password gives the count back. */
export interface LoginAttempt {
  /** This attempt used a count's last allowed try: if it fails too, the answer is 429. */
  readonly lastAllowed: boolean;
  readonly retryAfterSeconds: number;
  succeeded(): Promise<void>;
}

interface Count {
  limiter: RateLimiterRedis;
  key: string;
}

/**
 * Log-in attempts counted in Redis (every admin process shares the counts) per username
 * at one address, per username over all addresses and per address over all usernames.
 * An attempt is counted before its password is checked, in one atomic step per count, so
 * parallel guesses get no more tries than sequential ones; a right password gives the
 * attempt back (and clears the username's count at that address). An attempt that a
 * locked count refuses gives back what it took from the others: only checked passwords count.
 */
export class LoginThrottle {
  private readonly pair: RateLimiterRedis;
  private readonly username: RateLimiterRedis;
  private readonly address: RateLimiterRedis;

  constructor(redis: RedisClient, options: LoginThrottleOptions = {}) {
    const keyPrefix = options.keyPrefix ?? 'sai:admin-login';
    const limiter = (suffix: string, points: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${keyPrefix}${suffix}`,
        points,
        duration: options.windowSeconds ?? 15 * 60,
        blockDuration: options.blockSeconds ?? 15 * 60,
      });
    this.pair = limiter('', options.attempts ?? 5);
    this.username = limiter(':username', options.usernameAttempts ?? 20);
    this.address = limiter(':address', options.addressAttempts ?? 50);
  }

  /** Counts the attempt, or throws LoginLockedError (counting nothing) when any count is used up. */
  async attempt(username: string, ip: string): Promise<LoginAttempt> {
    const name = username.trim().toLowerCase();
    const counts: Count[] = [
      { limiter: this.pair, key: `${name}|${ip}` },
      { limiter: this.username, key: name },
      { limiter: this.address, key: ip },
    ];
    const outcomes = await Promise.allSettled(counts.map(({ limiter, key }) => limiter.consume(key)));
    const taken = counts.filter((_, index) => outcomes[index]!.status === 'fulfilled');
    const refusals = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    if (refusals.length > 0) {
      await Promise.all(taken.map(({ limiter, key }) => limiter.reward(key)));
      const locked = refusals.filter((refusal): refusal is RateLimiterRes => refusal instanceof RateLimiterRes);
      if (locked.length < refusals.length) throw refusals.find((refusal) => !(refusal instanceof RateLimiterRes));
      throw new LoginLockedError(Math.max(...locked.map(seconds)));
    }
    const states = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<RateLimiterRes>).value);
    const spent = states.filter((state) => state.remainingPoints === 0);
    return {
      lastAllowed: spent.length > 0,
      retryAfterSeconds: Math.max(1, ...spent.map(seconds)),
      succeeded: async () => {
        await Promise.all([this.pair.delete(counts[0]!.key), this.username.reward(counts[1]!.key), this.address.reward(counts[2]!.key)]);
      },
    };
  }
}

function seconds(state: RateLimiterRes): number {
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}
