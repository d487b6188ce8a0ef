import type { LiveBenchResult, LivePhase } from './live-bench.js';
import { percentile } from './live-latency.js';

const whole = (value: number): string => Math.round(value).toLocaleString('en-GB');
const seconds = (ms: number | null): string => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

function latencyLine(phase: LivePhase): string {
  const latencies = phase.delivery.latenciesMs;
  return `p50 ${seconds(percentile(latencies, 0.5))}, p95 ${seconds(percentile(latencies, 0.95))}, max ${seconds(percentile(latencies, 1))}`;
}

function deliveryLine(phase: LivePhase): string {
  const { delivery } = phase;
  const missing = delivery.edits - delivery.delivered;
  return [
    `${whole(delivery.writes)} Smart Assessor email writes for ${whole(delivery.edits)} edits of ${whole(phase.learners)} learners`,
    `${whole(delivery.edits - delivery.writes)} edits coalesced`,
    `${whole(delivery.repeated)} sent twice (goal: none)`,
    missing === 0 ? 'every edit delivered' : `${whole(missing)} edits never delivered`,
  ].join('; ');
}

/** The live bench's figures as a person reads them, each goal beside its figure. */
export function formatLiveBenchResult(result: LiveBenchResult): string {
  const { options, steady, importLanding } = result;
  const limit = options.rateLimitPerMinute === null ? 'no rate limit' : `a rate limit of ${whole(options.rateLimitPerMinute)} requests a minute`;
  const rows: Array<[string, string]> = [
    ['live sync', `${whole(result.enrolled)} enrolled learners, ${limit}, ${options.workerProcesses} worker process(es); set up in ${result.setupSeconds.toFixed(1)} s`],
  ];
  if (steady) {
    rows.push(
      ['steady edits', `${options.editsPerSecond} email edits a second for ${options.editSeconds} s, each a SQL UPDATE from another connection`],
      ['  delivered', deliveryLine(steady)],
      ['  commit → write', `${latencyLine(steady)} (goal, no rate limit, 50 edits a second: p50 under 5 s, p95 under 30 s)`],
      ['  Smart Assessor', `${whole(steady.smartAssessorCalls)} calls (${whole(steady.rateLimited429s)} answered 429)`],
    );
  }
  rows.push(
    ['import landing', `every learner's email changed by one import, committed in ${importLanding.importSeconds.toFixed(1)} s`],
    ['  delivered', deliveryLine(importLanding)],
    ['  commit → write', `${latencyLine(importLanding)}; the last in Smart Assessor ${importLanding.seconds.toFixed(1)} s after the commit`],
    [
      '  Smart Assessor',
      `${whole(importLanding.smartAssessorCalls)} calls (${(importLanding.smartAssessorCalls / Math.max(1, importLanding.learners)).toFixed(2)} per learner, ${whole(importLanding.rateLimited429s)} answered 429)`,
    ],
  );
  if (importLanding.budgetSeconds !== null) {
    rows.push([
      '  budget',
      `those calls take at least ${importLanding.budgetSeconds.toFixed(1)} s at 95% of the limit; all were in Smart Assessor after ${importLanding.seconds.toFixed(1)} s (${((importLanding.seconds / importLanding.budgetSeconds) * 100).toFixed(0)}% of that; goal: as soon as the budget allows)`,
    ]);
  }
  rows.push([
    '  Update Learner',
    importLanding.updateLearnerSeconds === null
      ? 'n/a'
      : `requested as the first live write came in, finished ${importLanding.updateLearnerSeconds.toFixed(1)} s later (goal: ahead of the live backlog)`,
  ]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
