import type { BenchResult, ProcessMemory } from './run-bench.js';

const whole = (value: number): string => Math.round(value).toLocaleString('en-GB');
const fixed = (value: number, digits = 1): string => value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const megabytes = (bytes: number | null): string => (bytes === null ? 'n/a' : `${whole(bytes / 2 ** 20)} MB`);
const ms = (value: number | null): string => (value === null ? 'n/a' : `${fixed(value, value < 10 ? 1 : 0)} ms`);

function memoryLine(memory: ProcessMemory[]): string {
  return memory.map((process) => `${process.name} ${megabytes(process.peakBytes)}`).join(', ');
}

/** The benchmark's figures as a person reads them; every goal is stated beside its figure. */
export function formatBenchResult(result: BenchResult): string {
  const { options } = result;
  const rows: Array<[string, string]> = [
    ['learners', whole(result.learners)],
    ['jobs', `${whole(result.jobs.total)} (${whole(result.jobs.completed)} completed, ${whole(result.jobs.failed)} failed)`],
    [
      '  by queue',
      Object.entries(result.jobs.byQueue)
        .map(([queue, jobs]) => `${queue} ${whole(jobs)}`)
        .join(', '),
    ],
    ['run time', `${fixed(result.seconds)} s`],
    ['learners per second', fixed(result.learnersPerSecond)],
    ['jobs per second', fixed(result.jobsPerSecond)],
    [
      'Smart Assessor calls',
      `${fixed(result.smartAssessorCalls / result.learners, 2)} per learner (${whole(result.smartAssessorCalls)}; ${whole(result.rateLimited429s)} answered 429)`,
    ],
    [
      'database queries',
      `${fixed(result.databaseStatements / result.learners, 2)} statements per learner in ${fixed(result.databaseQueries / result.learners, 2)} round trips (${whole(result.databaseStatements)} in ${whole(result.databaseQueries)}, workers and scheduler)`,
    ],
    ['job time p50 / p95', `${ms(result.jobTimeMs.p50)} / ${ms(result.jobTimeMs.p95)}`],
    ['peak memory', memoryLine(result.memory)],
    ['CPU per job', result.cpu.map((part) => `${part.name} ${fixed((part.seconds * 1000) / result.jobs.total, 2)} ms`).join(', ')],
    ['deadlocks', `${whole(result.deadlocks)} detected by PostgreSQL in sai_bench during the run (goal: none)`],
    [
      'BullMQ alone',
      `${fixed(result.baseline.jobsPerSecond)} jobs per second, the median of ${result.baseline.passes.length} passes (${result.baseline.passes.map((pass) => fixed(pass)).join(', ')}) of ${whole(result.baseline.jobs)} no-op jobs; ${memoryLine(result.baseline.memory)}`,
    ],
    ['ratio', `${fixed(result.ratio, 3)} of BullMQ alone (goal at 10,000 learners, no limit, no latency: at least 0.10)`],
  ];
  if (result.budgetUsed !== null && options.rateLimitPerMinute !== null) {
    rows.push([
      'rate-limit budget',
      `${fixed(result.smartAssessorCalls / result.seconds, 2)} calls per second of ${fixed(options.rateLimitPerMinute / 60, 2)} allowed = ${fixed(result.budgetUsed * 100)}% used (goal: at least 90%, a handful of 429s at most)`,
    ]);
  }
  const dry = result.dryRun;
  if (dry) {
    rows.push(
      ['dry run, beside it', `the same day first as a dry run (Smart Assessor read, nothing written); real run's figures above`],
      ['  run time', `${fixed(dry.seconds)} s (real run ${fixed(result.seconds)} s)`],
      ['  jobs per second', `${fixed(dry.jobsPerSecond)} (real run ${fixed(result.jobsPerSecond)}), ${whole(dry.jobs)} jobs`],
      ['  ratio', `${fixed(dry.ratio, 3)} of BullMQ alone (real run ${fixed(result.ratio, 3)})`],
      ['  Smart Assessor calls', `${fixed(dry.smartAssessorCalls / result.learners, 2)} per learner (real run ${fixed(result.smartAssessorCalls / result.learners, 2)})`],
      ['  Smart Assessor writes', `${whole(dry.smartAssessorWrites)} (goal: none; the real run sent ${whole(dry.realRunWrites)})`],
      ['  changes recorded', `${whole(dry.changes.dry)} would-be (the real run then made ${whole(dry.changes.real)})`],
      ['  job time p50 / p95', `${ms(dry.jobTimeMs.p50)} / ${ms(dry.jobTimeMs.p95)} (real run ${ms(result.jobTimeMs.p50)} / ${ms(result.jobTimeMs.p95)})`],
      ['  deadlocks', whole(dry.deadlocks)],
    );
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  const setting = [
    `${whole(options.learners)} learners`,
    options.latencyMs > 0 ? `${options.latencyMs} ms added latency` : 'no added latency',
    options.rateLimitPerMinute === null ? 'no rate limit' : `rate limit ${whole(options.rateLimitPerMinute)}/min`,
    `${options.workerProcesses} worker process${options.workerProcesses === 1 ? '' : 'es'} × ${options.concurrency} jobs per queue`,
    `seed ${options.seed}`,
  ].join(', ');
  return [`Benchmark: ${setting} (set-up ${fixed(result.setupSeconds)} s)`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}
