import type { WorkerTuning } from '../../queues/worker-tuning.js';
import type { FeedPace } from '../../src/onboarding/feed-rules.js';

/** What the bench and its pipeline processes say to each other over the IPC channel. */

export type BenchRole = 'workers' | 'scheduler' | 'noop';

export interface BenchProcessSpec {
  role: BenchRole;
  /** Jobs at once per queue in this process. */
  concurrency: number;
  tuning?: WorkerTuning;
  /** Scheduler only: how often the reconciler looks. */
  reconcileEveryMs?: number;
  /** Workers only: how long a Smart Assessor request may take (default the client's). */
  smartAssessorTimeoutMs?: number;
  /** Workers only: the onboarding worker's pace and timing (workers/onboarding.ts), the product's by default. */
  onboarding?: { pace?: FeedPace; stepMs?: number; keepEveryMs?: number };
}

export type BenchMessage =
  | { type: 'ready' }
  | {
      type: 'report';
      role: BenchRole;
      queries: number;
      /** SQL statements in those round trips (a statement batch carries several). */
      statements: number;
      jobs: number;
      failedJobs: number;
      jobTimes: number[];
      peakMemoryBytes: number | null;
    };

/** The environment variable that carries a process's spec, as JSON. */
export const BENCH_SPEC_VARIABLE = 'SAI_BENCH_PROCESS';
