import { Router } from 'express';
import type { RedisClient } from '../../../queues/connection.js';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Producers } from '../../../queues/producers.js';
import { liveGauges } from '../../metrics/live-gauges.js';
import { readSharedMetrics, type MetricsFlusher } from '../../metrics/shared-metrics.js';
import { principalOf } from '../auth/authenticate.js';
import { UnauthorizedError } from '../http/http-errors.js';

export interface MetricsRoutesOptions {
  db: DataSource;
  redis: RedisClient;
  producers: Producers;
  /** The Redis hash of the deployment's counters (sharedMetricsKey). */
  sharedKey: string;
  /** This process's own counters, flushed before a scrape reads the totals. */
  flusher?: MetricsFlusher;
  now: () => Date;
}

/**
 * GET /metrics in Prometheus' text format, for the bearer token only (a scraper, not a
 * browser): every process's counters summed through Redis, and the runs and queues as
 * they are now.
 */
export function metricsRoutes(options: MetricsRoutesOptions): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    if (principalOf(res)?.kind !== 'api-token') throw new UnauthorizedError('GET /metrics needs Authorization: Bearer <ADMIN_API_TOKEN>');
    await options.flusher?.flush();
    const [shared, live] = await Promise.all([readSharedMetrics(options.redis, options.sharedKey), liveGauges(options.db, options.producers, options.now())]);
    const merged = Registry.merge([shared, live]);
    res.set('Content-Type', merged.contentType);
    res.set('Cache-Control', 'no-store');
    res.send(await merged.metrics());
  });
  return router;
}
