import { Router } from 'express';
import type { RedisClient } from '../../../queues/connection.js';
import type { DataSource } from 'typeorm';

const CHECK_TIMEOUT_MS = 2_000;

/** GET /healthz, the one route without authentication: is the process, PostgreSQL and Redis alive. */
export function healthRoutes(db: DataSource, redis: RedisClient): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const [postgres, redisState] = await Promise.all([probe(() => db.query('SELECT 1')), probe(() => redis.ping())]);
    const ok = postgres === 'ok' && redisState === 'ok';
    res.set('Cache-Control', 'no-store');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', postgres, redis: redisState });
  });
  return router;
}

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'unreachable'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), deadline]);
    return 'ok';
  } catch {
    return 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}
