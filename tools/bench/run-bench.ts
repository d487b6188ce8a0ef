import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { connectRedis, isCluster, producerConnection, workerConnection, type RedisClient } from '../../queues/connection.js';
import { QUEUE_NAMES, type QueueName } from '../../queues/definitions.js';
import { createProducers } from '../../queues/producers.js';
import { JOB_NAMES } from '../../queues/definitions.js';
import { closeQueues, createQueues } from '../../queues/pipeline-queues.js';
import type { Config } from '../../src/config/environment.js';
import { dropDatabase, ensureDatabaseExists, openDatabase } from '../../src/db/data-source.js';
import { snapshotKey } from '../../src/daily/learner-snapshot.js';
import { ukToday } from '../demo/calendar.js';
import { startRun } from '../../src/runs/index.js';
import { SecretBox, parseEncryptionKey } from '../../src/settings/secret-box.js';
import type { SettingsPatch } from '../../src/settings/settings-patch.js';
import { SettingsService } from '../../src/settings/settings-service.js';
import type { SeedDocument } from '../simulator/seed.js';
import type { SimulatorCounters } from '../simulator/store.js';
import { createSmartAssessorClient } from '../../src/smart-assessor/client.js';
import { control, startBenchChild, startSimulatorChild, type BenchChild, type BenchReport, type SimulatorChild } from './child-processes.js';
import { enrolGeneratedProvider } from './enrolled-provider.js';
import { cpuSeconds, deadlocksDetected, Histogram, median, peakMemoryBytes } from './metrics.js';
import { freePort } from './ports.js';

export interface BenchOptions {
  learners: number;
  /** Added by the simulator to every answer. */
  latencyMs: number;
  /** The site's requests per minute; null: no limit to speak of. */
  rateLimitPerMinute: number | null;
  /** Worker processes. */
  workerProcesses: number;
  /** Jobs at once per queue in each worker process. */
  concurrency: number;
  seed: number;
  /** First a dry run of the same day, measured the same way, then the real run: both are printed. */
  dryRun?: boolean;
}

/** A dry run's figures, printed beside the real run's that follows it on the same day's data. */
export interface DryRunFigures {
  seconds: number;
  jobs: number;
  jobsPerSecond: number;
  learnersPerSecond: number;
  smartAssessorCalls: number;
  /** Writes the simulator received during the dry run (goal: none). */
  smartAssessorWrites: number;
  /** Writes it received during the real run that followed. */
  realRunWrites: number;
  /** Field changes recorded: what the dry run would change, and what the real run then changed. */
  changes: { dry: number; real: number };
  jobTimeMs: { p50: number | null; p95: number | null };
  deadlocks: number;
  ratio: number;
}

export interface ProcessMemory {
  name: string;
  peakBytes: number | null;
}

export interface BenchResult {
  options: BenchOptions;
  setupSeconds: number;
  learners: number;
  jobs: { total: number; completed: number; failed: number; byQueue: Record<string, number> };
  seconds: number;
  learnersPerSecond: number;
  jobsPerSecond: number;
  smartAssessorCalls: number;
  rateLimited429s: number;
  databaseQueries: number;
  databaseStatements: number;
  jobTimeMs: { p50: number | null; p95: number | null };
  memory: ProcessMemory[];
  /** CPU seconds each part spent during the run (PostgreSQL: the backends serving the bench's pipeline processes). */
  cpu: Array<{ name: string; seconds: number }>;
  /** Deadlocks PostgreSQL detected in the bench database during the run (pg_stat_database). */
  deadlocks: number;
  /** The median pass's jobs per second (and its seconds), and every pass's. */
  baseline: { jobs: number; seconds: number; jobsPerSecond: number; passes: number[]; memory: ProcessMemory[] };
  /** Run jobs per second ÷ BullMQ-alone jobs per second. */
  ratio: number;
  /** Calls per second ÷ the limit per second; null without a limit. */
  budgetUsed: number | null;
  /** With --dry-run: the dry run's figures. */
  dryRun?: DryRunFigures;
}

/** The contract's operations that write (a dry run sends none). */
const WRITE_OPERATIONS = [
  'createEmployer',
  'updateEmployer',
  'createAssessor',
  'updateAssessor',
  'createLearner',
  'updateLearner',
  'enrolLearnerOnCourse',
  'updateLearnerCourse',
  'setLearnerPlannedOtj',
];

function writesOf(counters: SimulatorCounters): number {
  return WRITE_OPERATIONS.reduce((sum, operation) => sum + (counters.byOperation[operation] ?? 0), 0);
}

async function changesOf(db: DataSource, runId: string): Promise<number> {
  const [row] = (await db.query(`SELECT changes FROM sync_run WHERE id = $1`, [runId])) as Array<{ changes: number }>;
  return row.changes;
}

function jobTimesOf(reports: readonly BenchReport[]): { p50: number | null; p95: number | null } {
  const jobTimes = new Histogram();
  for (const report of reports) if (report.role === 'workers') jobTimes.add(new Histogram(report.jobTimes));
  return { p50: jobTimes.quantile(0.5), p95: jobTimes.quantile(0.95) };
}

/** A provider that keeps both sides' details in step: every demographics job compares, and pushes what differs. */
export const BENCH_SETTINGS: SettingsPatch = {
  learnerDemographicsMode: 'Push',
  officerDemographicsMode: 'Push',
  organisationDemographicsMode: 'Push',
  updateRiskFromSmartCoach: true,
};

/** Without a rate limit the simulator is given one no run can reach, so the budget costs nothing but its bookkeeping. */
export const NO_LIMIT_PER_MINUTE = 1_000_000_000;
const SEED_LEARNERS_PER_REQUEST = 2_000;
const BASELINE_JOBS_PER_ADD = 1_000;
const BASELINE_PASSES = 3;
const CPU_READ_EVERY_MS = 2_000;
/** A run that records no outcome for this long is stuck: the bench says so rather than wait forever. */
const STUCK_AFTER_MS = 5 * 60_000;
/** How long the pipeline's PostgreSQL backends may take to go once their processes have stopped. */
const BACKENDS_CLOSE_WITHIN_MS = 10_000;

export const since = (started: number): number => (performance.now() - started) / 1000;

/** Polls `check` until it holds; `quietForMs` says how long nothing has moved, and past STUCK_AFTER_MS the wait fails. */
export async function waitUntil(what: string, check: () => Promise<boolean>, everyMs: number, quietForMs: () => number): Promise<void> {
  for (;;) {
    if (await check()) return;
    const quietMs = quietForMs();
    if (quietMs > STUCK_AFTER_MS) throw new Error(`Gave up waiting for ${what}: nothing moved for ${Math.round(quietMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** CPU seconds used so far by each process, keyed by pid (a process gone since is left out). */
function cpuByPid(pids: Iterable<number>): Map<number, number> {
  const seen = new Map<number, number>();
  for (const pid of pids) {
    const seconds = cpuSeconds(pid);
    if (seconds !== null) seen.set(pid, seconds);
  }
  return seen;
}

/** The PostgreSQL backends serving the pipeline's processes (they run on this machine, so /proc has them). */
async function pipelineBackends(db: DataSource): Promise<number[]> {
  const rows = (await db.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'sai-bench-%' AND pid <> pg_backend_pid()`,
  )) as Array<{
    pid: number;
  }>;
  return rows.map((row) => row.pid);
}

export function benchDatabaseUrl(config: Config): string {
  const url = new URL(config.DATABASE_URL);
  url.pathname = '/sai_bench';
  return url.toString();
}

/** Removes the keys matching `pattern` (a SCAN pattern): on a Cluster, each master's, a key at a time (keys of different slots go apart). */
export async function removeKeys(redis: RedisClient, pattern: string): Promise<void> {
  for (const node of isCluster(redis) ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await node.pipeline(keys.map((key) => ['unlink', key])).exec();
    } while (cursor !== '0');
  }
}

/** Seeds the simulator child over its control route, a slice of learners per request. */
export async function seedRemote(simulator: SimulatorChild, document: SeedDocument): Promise<void> {
  await control(simulator, 'POST', 'seed', { employers: document.employers, assessors: document.assessors });
  const learners = document.learners ?? [];
  for (let start = 0; start < learners.length; start += SEED_LEARNERS_PER_REQUEST) {
    await control(simulator, 'POST', 'seed', { learners: learners.slice(start, start + SEED_LEARNERS_PER_REQUEST) });
  }
}

async function pendingJobs(queues: ReturnType<typeof createQueues>): Promise<number> {
  let pending = 0;
  for (const name of QUEUE_NAMES) {
    const counts = await queues[name].getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    pending += Object.values(counts).reduce((sum, count) => sum + count, 0);
  }
  return pending;
}

/** One pass of no-op jobs: added a page at a time as the fan-out adds them; seconds until the last is done. */
async function runBaselinePass(queues: ReturnType<typeof createQueues>, byQueue: Record<string, number>, pass: number): Promise<number> {
  const started = performance.now();
  for (const [queue, count] of Object.entries(byQueue) as Array<[QueueName, number]>) {
    const name = JOB_NAMES[queue][0];
    for (let first = 0; first < count; first += BASELINE_JOBS_PER_ADD) {
      const page = Array.from({ length: Math.min(BASELINE_JOBS_PER_ADD, count - first) }, (_, offset) => ({
        name,
        data: { runId: 'baseline', learnerId: first + offset + 1 },
        opts: { jobId: `baseline.${pass}.${name}.${first + offset + 1}` },
      }));
      await (queues[queue] as unknown as { addBulk(jobs: unknown[]): Promise<unknown> }).addBulk(page);
    }
  }
  let lastPending = Number.POSITIVE_INFINITY;
  let movedAt = Date.now();
  await waitUntil(
    'the no-op jobs to finish',
    async () => {
      const pending = await pendingJobs(queues);
      if (pending !== lastPending) movedAt = Date.now();
      lastPending = pending;
      return pending === 0;
    },
    50,
    () => Date.now() - movedAt,
  );
  return since(started);
}

/**
 * BullMQ alone: the same number of jobs, spread over the same queues as the run's,
 * through processes of the same shape whose processor does nothing. A pass takes
 * seconds where the run takes minutes, so one pass caught a slow moment of the machine
 * (on shared two-core VMs: 2,500 to 8,900 jobs/s for the same 42,696 jobs); the median
 * of BASELINE_PASSES passes is the figure, and each pass is printed.
 */
async function measureBaseline(byQueue: Record<string, number>, env: NodeJS.ProcessEnv, options: BenchOptions, redisUrl: string, prefix: string): Promise<BenchResult['baseline']> {
  const childEnv = { ...env, QUEUE_PREFIX: prefix };
  const children: BenchChild[] = [];
  const queues = createQueues({ connection: workerConnection(redisUrl), prefix });
  try {
    for (let index = 0; index < options.workerProcesses; index += 1) {
      children.push(await startBenchChild({ role: 'noop', concurrency: options.concurrency }, childEnv));
    }
    const total = Object.values(byQueue).reduce((sum, count) => sum + count, 0);
    const passes: number[] = [];
    for (let pass = 1; pass <= BASELINE_PASSES; pass += 1) passes.push(total / (await runBaselinePass(queues, byQueue, pass)));
    const reports = await Promise.all(children.splice(0).map((child) => child.stop()));
    const jobsPerSecond = median(passes);
    return {
      jobs: total,
      seconds: total / jobsPerSecond,
      jobsPerSecond,
      passes,
      memory: reports.map((report, index) => ({ name: `no-op worker ${index + 1}`, peakBytes: report.peakMemoryBytes })),
    };
  } finally {
    for (const child of children) child.kill();
    await closeQueues(queues);
  }
}

export interface BenchWorld {
  config: Config;
  options: BenchOptions;
  db: DataSource;
  simulator: SimulatorChild;
  /** The environment of every pipeline process: the bench database, Redis, queue prefix and settings key. */
  env: NodeJS.ProcessEnv;
  prefix: string;
  print(line: string): void;
}

/** The generated provider in the MIS, enrolled in the simulator, with one simulated day of activity there. */
export async function prepareProvider(world: BenchWorld, encryptionKey: string, today: string): Promise<number> {
  const { config, options, db, simulator } = world;
  const connection = {
    baseUrl: simulator.baseUrl,
    username: config.SIMULATOR_USERNAME,
    password: config.SIMULATOR_PASSWORD,
    clientKey: config.SIMULATOR_CLIENT_KEY,
  };
  const catalogueClient = createSmartAssessorClient({ ...connection, requestsPerMinute: options.rateLimitPerMinute ?? NO_LIMIT_PER_MINUTE });
  const courses = await catalogueClient.listCourses().finally(() => catalogueClient.close());
  const provider = await enrolGeneratedProvider({
    db,
    settingsService: new SettingsService(db, new SecretBox(parseEncryptionKey(encryptionKey))),
    connection,
    courses,
    seedSmartAssessor: (document) => seedRemote(simulator, document),
    learners: options.learners,
    seed: options.seed,
    today,
    settings: BENCH_SETTINGS,
  });
  await control(simulator, 'POST', 'advance-day', { days: 1 });
  return provider.enrolled.length;
}

interface RunMeasure {
  runId: string;
  seconds: number;
  counters: SimulatorCounters;
  simulatorPeakBytes: number | null;
  reports: BenchReport[];
  cpu: Map<string, number>;
  deadlocks: number;
}

/**
 * One daily run through a scheduler process and the worker processes, timed from its
 * start to its last outcome, with each process's CPU over exactly that span.
 */
async function measureRun(world: BenchWorld, children: BenchChild[], started: (runId: string) => void, dryRun = false): Promise<RunMeasure> {
  const { options, db, simulator, env, prefix } = world;
  const producers = createProducers({ connection: workerConnection(world.config.REDIS_URL), prefix });
  try {
    children.push(await startBenchChild({ role: 'scheduler', concurrency: 1 }, env));
    for (let index = 0; index < options.workerProcesses; index += 1) {
      children.push(await startBenchChild({ role: 'workers', concurrency: options.concurrency }, env));
    }
    await control(simulator, 'DELETE', 'counters');
    const processes = new Map<number, string>([[simulator.process.pid!, 'simulator']]);
    for (const child of children) processes.set(child.process.pid!, child.role);
    const cpuBefore = cpuByPid([...processes.keys(), ...(await pipelineBackends(db))]);
    const deadlocksBefore = await deadlocksDetected(db);

    world.print(dryRun ? 'Dry run of the daily synchronisation (Smart Assessor read, nothing written)...' : 'Running the daily synchronisation...');
    const startedAt = performance.now();
    const { runId } = await startRun(db, producers, 'manual', { dryRun });
    started(runId);
    let lastDone = -1;
    let movedAt = Date.now();
    // Backends come and go with the pools: each is read while the run goes, so one that closes still counts.
    const cpuLastSeen = new Map(cpuBefore);
    let cpuReadAt = 0;
    await waitUntil(
      `run ${runId} to finish`,
      async () => {
        if (Date.now() - cpuReadAt > CPU_READ_EVERY_MS) {
          for (const [pid, seconds] of cpuByPid([...processes.keys(), ...(await pipelineBackends(db))])) cpuLastSeen.set(pid, seconds);
          cpuReadAt = Date.now();
        }
        const [progress] = (await db.query(`SELECT state, jobs_completed + jobs_failed AS done FROM sync_run WHERE id = $1`, [runId])) as Array<{
          state: string;
          done: number;
        }>;
        if (progress.done !== lastDone) movedAt = Date.now();
        lastDone = progress.done;
        if (progress.state === 'failed') throw new Error(`Run ${runId} failed`);
        return progress.state === 'completed';
      },
      50,
      () => Date.now() - movedAt,
    );
    const seconds = since(startedAt);

    for (const [pid, seconds] of cpuByPid([...processes.keys(), ...(await pipelineBackends(db))])) cpuLastSeen.set(pid, seconds);
    const cpu = new Map<string, number>();
    for (const [pid, total] of cpuLastSeen) {
      const name = processes.get(pid) ?? 'postgres';
      cpu.set(name, (cpu.get(name) ?? 0) + total - (cpuBefore.get(pid) ?? 0));
    }
    const counters = await control<SimulatorCounters>(simulator, 'GET', 'counters');
    const simulatorPeakBytes = peakMemoryBytes(simulator.process.pid!);
    const reports: BenchReport[] = [];
    for (const child of children.splice(0)) reports.push(await child.stop());
    // Each backend reports its deadlocks by the time it exits: the count is read once the pipeline's are gone.
    const closedBy = Date.now() + BACKENDS_CLOSE_WITHIN_MS;
    while ((await pipelineBackends(db)).length > 0 && Date.now() < closedBy) await new Promise((resolve) => setTimeout(resolve, 50));
    const deadlocks = (await deadlocksDetected(db)) - deadlocksBefore;
    return { runId, seconds, counters, simulatorPeakBytes, reports, cpu, deadlocks };
  } finally {
    await producers.close();
  }
}

/** What a bench's processes share: its database, queue prefix, settings key and "today", and the environment carrying them. */
export interface BenchPlace {
  databaseUrl: string;
  prefix: string;
  encryptionKey: string;
  today: string;
  env: NodeJS.ProcessEnv;
}

/** `name` starts the queue prefix's own part: `bench`, or a bench of another kind's. */
export function benchPlace(config: Config, name = 'bench'): BenchPlace {
  const databaseUrl = benchDatabaseUrl(config);
  const prefix = `${config.QUEUE_PREFIX}-${name}-${process.pid}`;
  const encryptionKey = randomBytes(32).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: config.REDIS_URL,
    QUEUE_PREFIX: prefix,
    SETTINGS_ENCRYPTION_KEY: encryptionKey,
    LOG_LEVEL: 'warn',
  };
  return { databaseUrl, prefix, encryptionKey, today: ukToday(), env };
}

export async function runBench(config: Config, options: BenchOptions, print: (line: string) => void): Promise<BenchResult> {
  const setupStarted = performance.now();
  const { databaseUrl, prefix, encryptionKey, today, env } = benchPlace(config);

  const redis = connectRedis(producerConnection(config.REDIS_URL));
  let db: DataSource | undefined;
  let simulator: SimulatorChild | undefined;
  const runIds: string[] = [];
  const children: BenchChild[] = [];
  try {
    print(`Preparing ${options.learners.toLocaleString('en-GB')} enrolled learners (database sai_bench, queue prefix ${prefix})...`);
    await dropDatabase(databaseUrl);
    await ensureDatabaseExists(databaseUrl);
    db = await openDatabase({ url: databaseUrl, poolSize: 4, applicationName: 'sai-bench' });
    const flags = ['--seed', String(options.seed), '--today', today, '--rate-limit', String(options.rateLimitPerMinute ?? NO_LIMIT_PER_MINUTE)];
    if (options.latencyMs > 0) flags.push('--latency-ms', String(options.latencyMs));
    simulator = await startSimulatorChild(await freePort(), flags, env);
    const world: BenchWorld = { config, options, db, simulator, env, prefix, print };

    const enrolled = await prepareProvider(world, encryptionKey, today);
    const setupSeconds = since(setupStarted);
    print(`  ready in ${setupSeconds.toFixed(1)} s: ${enrolled.toLocaleString('en-GB')} enrolled, one simulated day of activity in Smart Assessor`);

    // The dry run first: it changes nothing, so the real run after it meets the same day.
    const dry = options.dryRun ? await measureRun(world, children, (started) => runIds.push(started), true) : undefined;

    const measured = await measureRun(world, children, (started) => runIds.push(started));
    const [totals] = (await db.query(`SELECT learners, jobs_total, jobs_completed, jobs_failed FROM sync_run WHERE id = $1`, [measured.runId])) as Array<{
      learners: number;
      jobs_total: number;
      jobs_completed: number;
      jobs_failed: number;
    }>;
    const byQueueRows = (await db.query(`SELECT queue, count(*)::int AS jobs FROM sync_event WHERE run_id = $1 GROUP BY queue ORDER BY queue`, [measured.runId])) as Array<{
      queue: string;
      jobs: number;
    }>;
    const byQueue = Object.fromEntries(byQueueRows.map((row) => [row.queue, row.jobs]));

    print('Measuring BullMQ alone on the same Redis...');
    const baseline = await measureBaseline(byQueue, env, options, config.REDIS_URL, `${prefix}-noop`);

    const { seconds, counters, reports } = measured;
    const workerReports = reports.filter((report) => report.role === 'workers');
    const jobsPerSecond = totals.jobs_total / seconds;
    let dryRun: DryRunFigures | undefined;
    if (dry) {
      const [dryTotals] = (await db.query(`SELECT jobs_total FROM sync_run WHERE id = $1`, [dry.runId])) as Array<{ jobs_total: number }>;
      dryRun = {
        seconds: dry.seconds,
        jobs: dryTotals.jobs_total,
        jobsPerSecond: dryTotals.jobs_total / dry.seconds,
        learnersPerSecond: totals.learners / dry.seconds,
        smartAssessorCalls: dry.counters.requests,
        smartAssessorWrites: writesOf(dry.counters),
        realRunWrites: writesOf(counters),
        changes: { dry: await changesOf(db, dry.runId), real: await changesOf(db, measured.runId) },
        jobTimeMs: jobTimesOf(dry.reports),
        deadlocks: dry.deadlocks,
        ratio: dryTotals.jobs_total / dry.seconds / baseline.jobsPerSecond,
      };
    }
    return {
      options,
      setupSeconds,
      learners: totals.learners,
      jobs: { total: totals.jobs_total, completed: totals.jobs_completed, failed: totals.jobs_failed, byQueue },
      seconds,
      learnersPerSecond: totals.learners / seconds,
      jobsPerSecond,
      smartAssessorCalls: counters.requests,
      rateLimited429s: counters.byStatus['429'] ?? 0,
      databaseQueries: reports.reduce((sum, report) => sum + report.queries, 0),
      databaseStatements: reports.reduce((sum, report) => sum + report.statements, 0),
      jobTimeMs: jobTimesOf(reports),
      memory: [
        ...workerReports.map((report, index) => ({ name: `worker ${index + 1}`, peakBytes: report.peakMemoryBytes })),
        ...reports.filter((report) => report.role === 'scheduler').map((report) => ({ name: 'scheduler', peakBytes: report.peakMemoryBytes })),
        { name: 'simulator', peakBytes: measured.simulatorPeakBytes },
        { name: 'bench (generator, import)', peakBytes: peakMemoryBytes('self') },
      ],
      cpu: [...measured.cpu].map(([name, used]) => ({ name, seconds: used })),
      deadlocks: measured.deadlocks,
      baseline,
      ratio: jobsPerSecond / baseline.jobsPerSecond,
      budgetUsed: options.rateLimitPerMinute === null ? null : counters.requests / seconds / (options.rateLimitPerMinute / 60),
      ...(dryRun ? { dryRun } : {}),
    };
  } finally {
    for (const child of children) child.kill();
    await simulator?.stop();
    await db?.destroy();
    // The run's keys: its queues, the baseline's, and the Smart Assessor reads it shared (kept outside the queue prefix).
    await removeKeys(redis, `${prefix}:*`).catch(() => undefined);
    await removeKeys(redis, `${prefix}-noop:*`).catch(() => undefined);
    for (const runId of runIds) for (const part of ['learner', 'courses'] as const) await removeKeys(redis, snapshotKey(runId, '*', part)).catch(() => undefined);
    redis.disconnect();
  }
}
