import type { RedisClient } from '../../queues/connection.js';
import { AggregatorRegistry, Registry, type MetricObjectWithValues, type MetricType, type MetricValue } from 'prom-client';
import type { Logger } from '../logging/logger.js';
import { ProcessMetrics } from './process-metrics.js';

/**
 * The deployment's totals of every process's counters and histograms, in one Redis hash
 * beside the queues. Each process adds what changed since its last flush (HINCRBYFLOAT,
 * one pipeline every few seconds), so the totals only ever grow: a worker that restarts
 * does not take its counts with it, and a scrape sees one series per label set however
 * many processes counted. A process that dies loses at most its last few seconds of counts.
 */

/** Every process flushes this often, and once more as it stops. */
export const METRICS_FLUSH_MS = 5_000;

export function sharedMetricsKey(queuePrefix: string): string {
  return `${queuePrefix}:metrics`;
}

/** A hash field: which metric, which of its series (a histogram has buckets, a sum and a count) and labels. */
interface SeriesKey {
  metric: string;
  series: string;
  labels: MetricValue<string>['labels'];
}

function seriesField(metric: MetricObjectWithValues<MetricValue<string>>, value: MetricValue<string> & { metricName?: string }): string {
  const key: SeriesKey = { metric: metric.name, series: value.metricName ?? metric.name, labels: value.labels };
  return JSON.stringify(key);
}

/** Adds a process's counts to the shared totals. */
export class MetricsFlusher {
  private readonly flushed = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    /** The process's counters this flusher adds to the totals. */
    readonly metrics: ProcessMetrics,
    private readonly logger?: Logger,
  ) {}

  /** Flushes every `everyMs` until stop(). */
  start(everyMs = METRICS_FLUSH_MS): this {
    this.timer = setInterval(() => {
      this.flush().catch((error: unknown) => this.logger?.warn('metrics could not be added to the shared totals; they will be next time', { error }));
    }, everyMs);
    this.timer.unref();
    return this;
  }

  /** What changed since the last flush, in one pipeline; a flush already under way is waited for instead of racing it. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.flushChanges().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Stops the timer and flushes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async flushChanges(): Promise<void> {
    const changed: Array<[string, number, number]> = [];
    for (const metric of await this.metrics.registry.getMetricsAsJSON()) {
      for (const value of metric.values as Array<MetricValue<string> & { metricName?: string }>) {
        const field = seriesField(metric as MetricObjectWithValues<MetricValue<string>>, value);
        const delta = value.value - (this.flushed.get(field) ?? 0);
        if (delta !== 0) changed.push([field, delta, value.value]);
      }
    }
    if (changed.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [field, delta] of changed) pipeline.hincrbyfloat(this.key, field, delta);
    const answers = (await pipeline.exec()) ?? [];
    const failed = answers.find(([error]) => error);
    if (failed) throw failed[0];
    // Only once Redis has them: a failed flush is sent again, whole, next time.
    for (const [field, , total] of changed) this.flushed.set(field, total);
  }
}

/** A metric as getMetricsAsJSON gives it, which is what AggregatorRegistry.aggregate takes. */
interface MetricJson {
  name: string;
  help: string;
  type: MetricType;
  aggregator: 'sum';
  values: Array<MetricValue<string> & { metricName?: string }>;
}

/** Histogram series in the order the exposition format expects: per label set, buckets by bound, then sum and count. */
function seriesOrder(value: MetricValue<string> & { metricName?: string }): [string, number, number] {
  const { le, ...labels } = value.labels as Record<string, string | number>;
  const suffix = value.metricName?.endsWith('_bucket') ? 0 : value.metricName?.endsWith('_sum') ? 1 : 2;
  const bound = le === undefined ? 0 : le === '+Inf' ? Infinity : Number(le);
  return [JSON.stringify(labels), suffix, bound];
}

function compareSeries(a: MetricValue<string>, b: MetricValue<string>): number {
  const [labelsA, suffixA, boundA] = seriesOrder(a);
  const [labelsB, suffixB, boundB] = seriesOrder(b);
  return labelsA.localeCompare(labelsB) || suffixA - suffixB || boundA - boundB;
}

/**
 * The deployment's totals as a registry prom-client can render (and merge with others).
 * Help and type come from this version's definitions; a series of a metric it does not
 * define (left by another version) is left out.
 */
export async function readSharedMetrics(redis: RedisClient, key: string): Promise<Registry> {
  const fields = await redis.hgetall(key);
  const definitions = new ProcessMetrics().registry;
  const byMetric = new Map<string, MetricJson>();
  for (const [field, total] of Object.entries(fields)) {
    let series: SeriesKey;
    try {
      series = JSON.parse(field) as SeriesKey;
    } catch {
      continue;
    }
    let metric = byMetric.get(series.metric);
    if (!metric) {
      const definition = definitions.getSingleMetric(series.metric) as { help: string; type: MetricType } | undefined;
      if (!definition) continue;
      metric = { name: series.metric, help: definition.help, type: definition.type, aggregator: 'sum', values: [] };
      byMetric.set(series.metric, metric);
    }
    metric.values.push({ value: Number(total), labels: series.labels, ...(series.series === series.metric ? {} : { metricName: series.series }) });
  }
  for (const metric of byMetric.values()) metric.values.sort(compareSeries);
  // One "process" to aggregate: prom-client builds a registry that renders what it is given.
  return AggregatorRegistry.aggregate([[...byMetric.values()]]);
}
