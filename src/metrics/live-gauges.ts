import { Gauge, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { RUN_TRIGGERS } from '../../entities/index.js';
import { QUEUE_NAMES } from '../../queues/definitions.js';
import type { Producers } from '../../queues/producers.js';
import { runView } from '../runs/run-views.js';
import { activeWholeProviderRunId } from '../runs/run-lifecycle.js';
import { addLiveSyncGauges } from '../live/live-status.js';

/**
 * What is true now, read at scrape time rather than counted: the runs from PostgreSQL
 * (the system of record, so every process agrees) and the queues from Redis. A few
 * short statements per scrape, nothing on the pipeline's path.
 */

const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

interface RunRow {
  id: string;
  trigger: string;
}

async function addRunGauges(registry: Registry, db: DataSource, now: Date): Promise<void> {
  const runs = new Gauge({
    name: 'sai_sync_runs',
    help: 'Sync runs by state and trigger (every run kept; run summaries are never pruned).',
    labelNames: ['state', 'trigger'],
    registers: [registry],
  });
  const dryRuns = new Gauge({
    name: 'sai_dry_runs',
    help: 'Dry runs (Smart Assessor read, nothing written) by state; never counted in sai_sync_runs.',
    labelNames: ['state'],
    registers: [registry],
  });
  const counts = (await db.query(`SELECT state, trigger, dry_run, count(*)::int AS count FROM sync_run GROUP BY state, trigger, dry_run`)) as Array<{
    state: string;
    trigger: string;
    dry_run: boolean;
    count: number;
  }>;
  for (const row of counts) {
    if (row.dry_run) dryRuns.inc({ state: row.state }, row.count);
    else runs.set({ state: row.state, trigger: row.trigger }, row.count);
  }

  const lastDuration = new Gauge({
    name: 'sai_sync_run_last_duration_seconds',
    help: 'How long the last finished run of each trigger took, from start to finish.',
    labelNames: ['trigger', 'state'],
    registers: [registry],
  });
  const lastFinished = new Gauge({
    name: 'sai_sync_run_last_finished_timestamp_seconds',
    help: 'When the last finished run of each trigger finished (Unix time).',
    labelNames: ['trigger', 'state'],
    registers: [registry],
  });
  const lastJobs = new Gauge({
    name: 'sai_sync_run_last_jobs',
    help: "The last finished run's jobs by state (total, completed, failed, waiting), per trigger.",
    labelNames: ['trigger', 'state'],
    registers: [registry],
  });
  for (const trigger of RUN_TRIGGERS) {
    // The newest finished (real) run of the trigger, through sync_run_started_idx (newest first): runs finish in about the order they start.
    const [last] = (await db.query(`SELECT id, trigger FROM sync_run WHERE trigger = $1 AND finished_at IS NOT NULL AND NOT dry_run ORDER BY created_at DESC LIMIT 1`, [
      trigger,
    ])) as RunRow[];
    const view = last ? await runView(db, last.id, now) : null;
    if (!view?.finishedAt) continue;
    const finished = Date.parse(view.finishedAt);
    const started = view.startedAt ? Date.parse(view.startedAt) : finished;
    lastDuration.set({ trigger, state: view.state }, (finished - started) / 1000);
    lastFinished.set({ trigger, state: view.state }, finished / 1000);
    for (const [state, count] of Object.entries(view.jobs)) lastJobs.set({ trigger, state }, count);
  }

  const activeSeconds = new Gauge({
    name: 'sai_sync_run_active_seconds',
    help: 'How long the active whole-provider run (not a dry run) has been going (0: none is active).',
    registers: [registry],
  });
  const activeJobs = new Gauge({
    name: 'sai_sync_run_active_jobs',
    help: "The active whole-provider run's jobs by state (total, completed, failed, waiting).",
    labelNames: ['state'],
    registers: [registry],
  });
  const active = await activeWholeProviderRunId(db, false);
  const view = active ? await runView(db, active, now) : null;
  activeSeconds.set(view?.startedAt ? Math.max(0, (now.getTime() - Date.parse(view.startedAt)) / 1000) : 0);
  for (const [state, count] of Object.entries(view ? view.jobs : { total: 0, completed: 0, failed: 0, waiting: 0 })) activeJobs.set({ state }, count);
}

async function addQueueGauges(registry: Registry, producers: Producers, now: Date): Promise<void> {
  const depth = new Gauge({ name: 'sai_queue_jobs', help: 'Jobs in each queue by state.', labelNames: ['queue', 'state'], registers: [registry] });
  const oldest = new Gauge({
    name: 'sai_queue_oldest_waiting_seconds',
    help: 'Age of the oldest job waiting in each queue (0: none waits).',
    labelNames: ['queue'],
    registers: [registry],
  });
  const queues = [...QUEUE_NAMES.map((name) => producers.queues[name]), producers.control];
  await Promise.all(
    queues.map(async (queue) => {
      const [counts, [first]] = await Promise.all([queue.getJobCounts(...JOB_STATES), queue.getJobs(['waiting'], 0, 0, true)]);
      for (const state of JOB_STATES) depth.set({ queue: queue.name, state }, counts[state] ?? 0);
      oldest.set({ queue: queue.name }, first ? Math.max(0, (now.getTime() - first.timestamp) / 1000) : 0);
    }),
  );
}

/** The run, queue and live sync gauges as of `now`. */
export async function liveGauges(db: DataSource, producers: Producers, now: Date = new Date()): Promise<Registry> {
  const registry = new Registry();
  await Promise.all([addRunGauges(registry, db, now), addQueueGauges(registry, producers, now), addLiveSyncGauges(registry, db, now)]);
  return registry;
}
