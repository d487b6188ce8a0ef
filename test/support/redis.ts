import { Redis } from 'ioredis';
import { TEST_RUN_ID } from './run-id.js';

export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let counter = 0;

/** A queue-key prefix no other test (or concurrent test run) shares. */
export function uniqueQueuePrefix(label = 'q'): string {
  counter += 1;
  return `sai-test-${TEST_RUN_ID}-${label}-${counter}`;
}

/** Removes every key this test run made (all prefixes start with the run id). */
export async function cleanTestRedis(): Promise<void> {
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${TEST_RUN_ID}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
