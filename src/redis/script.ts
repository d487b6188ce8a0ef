import { createHash } from 'node:crypto';
import type { RedisClient } from '../../queues/connection.js';

/**
 * A Lua script run by its SHA1 (EVALSHA): the script's text crosses the wire once per
 * Redis server rather than with every call. A server that does not know it (a restart,
 * SCRIPT FLUSH) answers NOSCRIPT, and the text is sent once more with EVAL, which loads it.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: RedisClient, keys: readonly string[], args: readonly (string | number)[] = []): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
