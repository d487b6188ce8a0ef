import type { DataSource } from 'typeorm';
import type { Config } from '../../src/config/environment.js';
import { dropDatabase, ensureDatabaseExists, openDatabase } from '../../src/db/data-source.js';
import { pruneHistory, type PruneBatch, type PruneReport } from '../../src/history/prune-history.js';
import { retentionPolicy } from '../../src/history/retention.js';
import { commitOutcome } from '../../src/runs/outcomes.js';

/**
 * `sai bench --prune-year --learners N`: what the history retention costs. A database of
 * its own is given a year of daily runs shaped like the bench's (per learner the five
 * per-learner jobs, an officer job per ten learners and an organisation job per twenty;
 * most outcomes unchanged), then the daily prune is timed twice at the product's
 * settings: the first pass after a year (every run older than 35 days loses its
 * unchanged and skipped outcomes: the most one pass ever does) and the next day's pass
 * (one run's worth: what it does every day). While the first pass runs, the statement
 * that records a job's outcome runs beside it, ten at a time, as workers would, for a
 * learner's run (the prune waits while a whole-provider run is going, not for those);
 * the same is measured alone just before, so the two show what the prune costs work
 * going on beside it.
 */

export interface PruneYearOptions {
  learners: number;
}

interface ProbeFigures {
  statements: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

const DAYS = 365;
const PROBE_CONCURRENCY = 10;
const PROBE_ALONE_MS = 5_000;
/** Outcome mix of a quiet night: most jobs find nothing to do. */
const OUTCOME_SQL = `CASE WHEN i % 100 < 80 THEN 'unchanged' WHEN i % 100 < 90 THEN 'skipped' WHEN i % 100 < 99 THEN 'changed' ELSE 'failed' END`;

function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;
}

function benchDatabaseUrl(config: Config): string {
  const url = new URL(config.DATABASE_URL);
  url.pathname = '/sai_bench_prune';
  return url.toString();
}

/** One day's run and its events, written set-wise. */
async function writeDay(db: DataSource, learners: number, finishedAt: Date): Promise<number> {
  const officers = Math.ceil(learners / 10);
  const organisations = Math.ceil(learners / 20);
  const total = learners * 5 + officers + organisations;
  const [run] = (await db.query(
    `INSERT INTO sync_run (trigger, state, as_of_date, created_at, started_at, finished_at, fan_out_complete, learners, jobs_total, jobs_completed, jobs_failed)
     VALUES ('schedule', 'completed', $1::date, $2, $2, $3, true, $4, $5, $5, 0) RETURNING id`,
    [finishedAt.toISOString().slice(0, 10), new Date(finishedAt.getTime() - 600_000), finishedAt, learners, total],
  )) as Array<{ id: string }>;
  await db.query(
    `INSERT INTO sync_event (at, run_id, job_id, queue, subject_type, subject_ref, outcome, changes, error)
     SELECT $2, $1::uuid, $1::text || ':' || q || ':' || s.ref, q, s.type, s.ref, ${OUTCOME_SQL},
       CASE WHEN i % 100 BETWEEN 90 AND 98 THEN '[{"record":"learner","field":"mobile","from":"07700900001","to":"07700900002","direction":"push"}]'::jsonb ELSE '[]'::jsonb END,
       CASE WHEN i % 100 = 99 THEN 'Smart Assessor answered 500 for updateLearner' ELSE NULL END
     FROM (
       SELECT 'learner' AS type, 'L' || lpad(n::text, 6, '0') AS ref, q, row_number() OVER () AS i
         FROM generate_series(1, $3::int) n, unnest(ARRAY['qualification-progress', 'reviews', 'otj', 'demographics', 'status']) q
       UNION ALL SELECT 'officer', 'OFF' || n, 'officers', n FROM generate_series(1, $4::int) n
       UNION ALL SELECT 'organisation', 'ORG' || n, 'organisations', n FROM generate_series(1, $5::int) n
     ) AS s (type, ref, q, i)`,
    [run!.id, finishedAt, learners, officers, organisations],
  );
  return total;
}

/** Records outcomes for a run going on, PROBE_CONCURRENCY at a time, until `until` says stop. */
async function probeOutcomes(db: DataSource, runId: string, until: () => boolean): Promise<ProbeFigures> {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PROBE_CONCURRENCY }, async () => {
      while (!until()) {
        const n = (next += 1);
        const at = performance.now();
        await commitOutcome(db, {
          runId,
          jobId: `probe-${n}`,
          queue: 'otj',
          subject: { type: 'learner', ref: `P${n}`, learnerId: null },
          outcome: 'unchanged',
          changes: [],
          error: null,
          touchLearner: false,
        });
        times.push(performance.now() - at);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { statements: times.length, perSecond: times.length / seconds, p50Ms: percentile(times, 0.5), p95Ms: percentile(times, 0.95), maxMs: times[times.length - 1] ?? 0 };
}

async function timedPrune(db: DataSource, config: Config, now: Date): Promise<{ report: PruneReport; seconds: number; batches: PruneBatch[] }> {
  const batches: PruneBatch[] = [];
  const started = performance.now();
  const report = await pruneHistory(db, { policy: retentionPolicy(config), batchSize: config.HISTORY_PRUNE_BATCH, now, onBatch: (batch) => batches.push(batch) });
  return { report, seconds: (performance.now() - started) / 1000, batches };
}

function describePrune(name: string, pruned: { report: PruneReport; seconds: number; batches: PruneBatch[] }): string[] {
  const removed = pruned.report.unchanged + pruned.report.changes;
  const times = pruned.batches.map((batch) => batch.ms).sort((a, b) => a - b);
  return [
    `${name}: ${removed.toLocaleString('en-GB')} events removed from ${pruned.report.runs} runs in ${pruned.seconds.toFixed(1)} s (${Math.round(removed / Math.max(pruned.seconds, 0.001)).toLocaleString('en-GB')} a second, resting included)`,
    `  ${pruned.batches.length} statements (one batch each): p50 ${percentile(times, 0.5).toFixed(1)} ms, p95 ${percentile(times, 0.95).toFixed(1)} ms, max ${(times[times.length - 1] ?? 0).toFixed(1)} ms`,
  ];
}

function describeProbe(name: string, probe: ProbeFigures): string {
  return `${name}: ${probe.statements.toLocaleString('en-GB')} outcomes, ${probe.perSecond.toFixed(0)} a second, p50 ${probe.p50Ms.toFixed(1)} ms, p95 ${probe.p95Ms.toFixed(1)} ms, max ${probe.maxMs.toFixed(1)} ms`;
}

export async function runPruneYearBench(config: Config, options: PruneYearOptions, print: (line: string) => void): Promise<void> {
  const url = benchDatabaseUrl(config);
  print(`A year of daily runs for ${options.learners.toLocaleString('en-GB')} learners (database sai_bench_prune)...`);
  await dropDatabase(url);
  await ensureDatabaseExists(url);
  const db = await openDatabase({ url, poolSize: PROBE_CONCURRENCY + 2, applicationName: 'sai-bench-prune' });
  try {
    const dayMs = 86_400_000;
    const today = new Date();
    const firstDay = new Date(today.getTime() - DAYS * dayMs);
    let events = 0;
    const filling = performance.now();
    for (let day = 0; day < DAYS; day += 1) events += await writeDay(db, options.learners, new Date(firstDay.getTime() + day * dayMs + 2 * 3_600_000));
    await db.query('VACUUM ANALYZE sync_event');
    await db.query('VACUUM ANALYZE sync_run');
    const [{ size }] = (await db.query(`SELECT pg_size_pretty(pg_total_relation_size('sync_event')) AS size`)) as Array<{ size: string }>;
    print(`  ${events.toLocaleString('en-GB')} sync events (${size} with indexes) written in ${((performance.now() - filling) / 1000).toFixed(1)} s`);
    print(
      `  retention: changes ${config.HISTORY_KEEP_CHANGES_DAYS} days, unchanged ${config.HISTORY_KEEP_UNCHANGED_DAYS} days; batches of ${config.HISTORY_PRUNE_BATCH} events, resting as long as each took`,
    );

    // A learner's run: the prune gives way to whole-provider runs (it would wait for this probe), not to these.
    const [active] = (await db.query(`INSERT INTO sync_run (trigger, state, as_of_date, started_at) VALUES ('learner', 'running', CURRENT_DATE, now()) RETURNING id`)) as Array<{
      id: string;
    }>;
    const aloneUntil = performance.now() + PROBE_ALONE_MS;
    const alone = await probeOutcomes(db, active!.id, () => performance.now() > aloneUntil);
    let pruning = true;
    const [first, during] = await Promise.all([
      timedPrune(db, config, today).finally(() => {
        pruning = false;
      }),
      probeOutcomes(db, active!.id, () => !pruning),
    ]);
    await writeDay(db, options.learners, new Date(today.getTime() + 2 * 3_600_000));
    const daily = await timedPrune(db, config, new Date(today.getTime() + dayMs));

    print('');
    for (const line of [
      ...describePrune('First prune after a year', first),
      ...describePrune("A day's prune after that", daily),
      describeProbe('Recording outcomes alone', alone),
      describeProbe("Recording outcomes during the first prune (a learner's run)", during),
    ])
      print(line);
  } finally {
    await db.destroy();
    await dropDatabase(url);
  }
}
