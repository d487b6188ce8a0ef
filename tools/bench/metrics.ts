import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Job times in buckets that grow by 5% each, from 0.1 ms: memory stays constant
 * however many jobs are timed (a benchmark must not measure its own sampling), and a
 * percentile is right to within the bucket's 5%.
 */
export class Histogram {
  static readonly BASE = 0.1;
  static readonly GROWTH = 1.05;
  static readonly BUCKETS = 400;
  readonly counts: number[];
  count = 0;

  constructor(counts?: number[]) {
    this.counts = counts ? [...counts] : new Array<number>(Histogram.BUCKETS).fill(0);
    this.count = this.counts.reduce((sum, value) => sum + value, 0);
  }

  record(ms: number): void {
    const bucket = ms <= Histogram.BASE ? 0 : Math.min(Histogram.BUCKETS - 1, Math.ceil(Math.log(ms / Histogram.BASE) / Math.log(Histogram.GROWTH)));
    this.counts[bucket] += 1;
    this.count += 1;
  }

  add(other: Histogram): void {
    other.counts.forEach((value, index) => (this.counts[index] += value));
    this.count += other.count;
  }

  /** The upper edge of the bucket holding the `share` (0..1) quantile; null when nothing was recorded. */
  quantile(share: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(share * this.count));
    let seen = 0;
    for (const [index, value] of this.counts.entries()) {
      seen += value;
      if (seen >= rank) return Histogram.BASE * Histogram.GROWTH ** index;
    }
    return Histogram.BASE * Histogram.GROWTH ** (Histogram.BUCKETS - 1);
  }
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Peak resident memory of a process in bytes (VmHWM), read from /proc; null when the process is gone or /proc is not there. */
export function peakMemoryBytes(pid: number | 'self' = 'self'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Linux reports process CPU time in clock ticks; 100 a second on every platform Node runs on (USER_HZ). */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user and system) a process has used, in seconds; null when the process is gone or /proc is not there. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after it are counted from its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * Counts every query this process sends to PostgreSQL (TypeORM's included: it drives the
 * same pg module), BEGIN and COMMIT too: each is a round trip the pipeline pays for. A
 * statement batch (src/db/statement-batch.ts) is one round trip of several statements;
 * `statements` counts them all.
 */
export function countDatabaseQueries(): { readonly count: number; readonly statements: number } {
  const counter = { count: 0, statements: 0 };
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown; __counted?: boolean };
  if (prototype.__counted) throw new Error('database queries are already being counted in this process');
  const original = prototype.query;
  prototype.query = function countedQuery(this: unknown, ...args: unknown[]) {
    counter.count += 1;
    const batch = (args[0] as { statements?: unknown } | undefined)?.statements;
    counter.statements += Array.isArray(batch) ? batch.length : 1;
    return original.apply(this, args);
  };
  prototype.__counted = true;
  return counter;
}

/**
 * Deadlocks PostgreSQL has detected in the database of `db` (pg_stat_database). A backend
 * reports its own count when it has been idle a second or when it exits, so a figure
 * over a run is read once the run's connections are closed.
 */
export async function deadlocksDetected(db: DataSource): Promise<number> {
  const [row] = (await db.query(`SELECT pg_stat_clear_snapshot(), deadlocks::int AS deadlocks FROM pg_stat_database WHERE datname = current_database()`)) as Array<{
    deadlocks: number;
  }>;
  return row.deadlocks;
}
