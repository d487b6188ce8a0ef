import { loadConfig } from '../../src/config/environment.js';
import { logger } from '../../src/logging/logger.js';
import { formatBenchResult } from '../../tools/bench/report.js';
import { runPruneYearBench } from '../../tools/bench/prune-year.js';
import { formatOnboardingBenchResult, runOnboardingBench } from '../../tools/bench/onboarding-bench.js';
import { runBench, type BenchOptions } from '../../tools/bench/run-bench.js';
import { runLiveBench } from '../../tools/bench/live-bench.js';
import { formatLiveBenchResult } from '../../tools/bench/live-report.js';
import { parseCommandLine, wholeFlag } from './command-line.js';

const USAGE = `usage: sai bench --learners N [options]
  --learners N       enrolled learners to generate (required)
  --latency-ms L     latency the simulator adds to every answer (default 0)
  --rate-limit R     the site's requests per minute (default: none)
  --workers W        worker processes (default 1)
  --concurrency C    jobs at once per queue in each worker process (default WORKER_CONCURRENCY)
  --seed S           generator and simulator seed (default 1)
  --dry-run          a dry run of the same day first, measured the same way, printed
                     beside the real run's figures
  --live             instead: live sync, from an MIS commit to the Smart Assessor write
                     (steady email edits, then an import of every learner landing)
  --edit-rate E      with --live: steady edits a second (default 50; 0 skips them)
  --edit-seconds D   with --live: how long the steady edits last (default 30)
  --prune-year       instead: a year of daily runs' sync events for N learners (database
                     sai_bench_prune), then the history retention's prune timed, with the
                     outcome statement measured beside it and alone
  --onboarding       instead: N unlinked learners, 9 in 10 already in Smart Assessor; the
                     match timed (its Smart Assessor calls), every unique proposal
                     accepted, then the rest enrolled in bulk (learners per minute);
                     --rate-limit defaults to 1200 here
Runs one full daily synchronisation against a simulator in its own process, in the
database sai_bench (dropped and made again) and a queue prefix of its own on REDIS_URL,
then the same number of no-op BullMQ jobs on the same Redis, and prints the figures.`;

/** The onboarding benchmark's site limit unless told: the issue asks for bulk enrolment under a 1,200/min budget. */
const ONBOARDING_RATE_LIMIT = 1_200;

/** `sai bench`: not a test; it measures, prints, and exits 0 unless it could not measure. */
export async function run(args: string[]): Promise<number> {
  const config = loadConfig();
  const values = parseCommandLine(
    args,
    {
      learners: { type: 'string' },
      'latency-ms': { type: 'string' },
      'rate-limit': { type: 'string' },
      workers: { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      'prune-year': { type: 'boolean' },
      onboarding: { type: 'boolean' },
      live: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'edit-rate': { type: 'string' },
      'edit-seconds': { type: 'string' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  const problems: string[] = [];
  const whole = (flag: string, fallback: number | null, minimum: number): number | null => wholeFlag(values, flag, minimum, problems) ?? fallback;
  const learners = whole('learners', null, 1);
  if (learners === null && typeof values.learners !== 'string') problems.push('--learners is required');
  const options: BenchOptions = {
    learners: learners ?? 0,
    latencyMs: whole('latency-ms', 0, 0) ?? 0,
    rateLimitPerMinute: whole('rate-limit', null, 1),
    workerProcesses: whole('workers', 1, 1) ?? 1,
    concurrency: whole('concurrency', config.WORKER_CONCURRENCY, 1) ?? config.WORKER_CONCURRENCY,
    seed: whole('seed', 1, 0) ?? 1,
    dryRun: values['dry-run'] === true,
  };
  const live = { ...options, editsPerSecond: whole('edit-rate', 50, 0) ?? 50, editSeconds: whole('edit-seconds', 30, 0) ?? 30 };
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}\n`);
    return 2;
  }
  // The import and the runner log at info; the bench's own lines say what is happening.
  if (!process.env.LOG_LEVEL) logger.level = 'warn';
  if (values.onboarding) {
    const onboarding = { ...options, rateLimitPerMinute: options.rateLimitPerMinute ?? ONBOARDING_RATE_LIMIT };
    const result = await runOnboardingBench(config, onboarding, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`${formatOnboardingBenchResult(result)}\n`);
    return 0;
  }
  if (values.live) {
    const result = await runLiveBench(config, live, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`${formatLiveBenchResult(result)}\n`);
    return 0;
  }
  if (values['prune-year']) {
    await runPruneYearBench(config, { learners: options.learners }, (line) => process.stdout.write(`${line}\n`));
    return 0;
  }
  const result = await runBench(config, options, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`${formatBenchResult(result)}\n`);
  return 0;
}
