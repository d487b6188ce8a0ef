import type { Config } from '../config/environment.js';

/**
 * How long sync events are kept. Changes and failures are the audit trail (what was
 * sent where, what went wrong), kept for years; unchanged and skipped outcomes only say
 * that a job ran, and are most of the rows (100,000 learners write about 700,000 a night).
 * A run's own row, with its counts, is kept whatever its events' age.
 */
export interface RetentionPolicy {
  keepChangesDays: number;
  keepUnchangedDays: number;
}

/** What is left of a run's events: all of them, the changes and failures only, or none. */
export type EventsKept = 'all' | 'changes' | 'none';

/** Outcomes that go after the shorter time. */
export const SHORT_LIVED_OUTCOMES = ['unchanged', 'skipped'] as const;
export const EVERY_OUTCOME = ['changed', 'failed', ...SHORT_LIVED_OUTCOMES] as const;

const DAY_MS = 86_400_000;

export function retentionPolicy(config: Pick<Config, 'HISTORY_KEEP_CHANGES_DAYS' | 'HISTORY_KEEP_UNCHANGED_DAYS'>): RetentionPolicy {
  return { keepChangesDays: config.HISTORY_KEEP_CHANGES_DAYS, keepUnchangedDays: config.HISTORY_KEEP_UNCHANGED_DAYS };
}

/** Events recorded (for runs: runs finished) before these instants have outlived their kind's time. */
export function retentionCutoffs(policy: RetentionPolicy, now: Date): { unchangedBefore: Date; changesBefore: Date } {
  return {
    unchangedBefore: new Date(now.getTime() - policy.keepUnchangedDays * DAY_MS),
    changesBefore: new Date(now.getTime() - policy.keepChangesDays * DAY_MS),
  };
}

/** What a run that finished at `finishedAt` keeps at `now`. A run still going keeps everything. */
export function eventsKeptFor(finishedAt: Date | null, policy: RetentionPolicy, now: Date): EventsKept {
  if (finishedAt === null) return 'all';
  const { unchangedBefore, changesBefore } = retentionCutoffs(policy, now);
  if (finishedAt < changesBefore) return 'none';
  if (finishedAt < unchangedBefore) return 'changes';
  return 'all';
}

/** The outcomes to remove to bring a run from what it keeps to what it should keep. */
export function outcomesToRemove(kept: EventsKept, due: EventsKept): readonly string[] {
  if (due === 'none' && kept !== 'none') return EVERY_OUTCOME;
  if (due === 'changes' && kept === 'all') return SHORT_LIVED_OUTCOMES;
  return [];
}
