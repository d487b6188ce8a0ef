/**
 * How a bulk enrolment is paced and how its learners' enrolment jobs are read, as pure
 * functions (batch-feeder.ts does the I/O).
 *
 * Pacing. Bulk enrolment spends the same Smart Assessor request budget as the night's
 * run (about 8 requests a learner against the run's 6), so a batch never has more than
 * `window` of its learners in the enrolment queue at once: 10 while no whole-provider
 * run is going, as many as one worker process enrols at a time, so an idle site's budget
 * is what limits it; 2 while a run is, so the run's 60-odd jobs in flight keep some 97%
 * of the requests. The window counts every batch's learners, so two batches take no
 * more than one. An admin's own Enrol still goes straight to the queue, behind at most
 * `window` learners of a batch instead of all of them.
 */

export interface FeedPace {
  /** Learners of batches in the enrolment queue at once while no whole-provider run is active. */
  window: number;
  /** The same while one is. */
  windowDuringRun: number;
}

export const DEFAULT_FEED_PACE: FeedPace = { window: 10, windowDuringRun: 2 };

/** How many more learners to queue now. */
export function learnersToQueue(pace: FeedPace, state: { runActive: boolean; inQueue: number }): number {
  return Math.max(0, (state.runActive ? pace.windowDuringRun : pace.window) - state.inQueue);
}

/** Where a learner's enrolment job stands in the enrolment queue. */
export type EnrolmentStanding =
  | { state: 'pending' }
  /** Completed: enrolled (or found enrolled) in Smart Assessor. */
  | { state: 'done' }
  /** Completed without enrolling: the integration was off when its turn came. */
  | { state: 'skipped' }
  | { state: 'failed'; reason: string }
  /** Not in Redis: removed, or lost with a Redis that restarted without persistence. */
  | { state: 'gone' };

/** What a queued learner of a batch becomes. */
export type QueuedLearnerOutcome = { state: 'queued' } | { state: 'enrolled' } | { state: 'failed'; error: string } | { state: 'waiting' };

export const SKIPPED_WHILE_DISABLED = 'not enrolled: the integration was switched off (Settings: Integration Enabled) before its turn; enrol it again once it is on';

/**
 * A job that is gone is judged by the learner: a Smart Assessor ID means the job did its
 * work before it went; none means it is queued again (enrolment is exactly once however
 * often it is asked for).
 */
export function outcomeOfQueued(standing: EnrolmentStanding, learnerHasSmartAssessorId: boolean): QueuedLearnerOutcome {
  switch (standing.state) {
    case 'pending':
      return { state: 'queued' };
    case 'done':
      return { state: 'enrolled' };
    case 'skipped':
      return { state: 'failed', error: SKIPPED_WHILE_DISABLED };
    case 'failed':
      return { state: 'failed', error: standing.reason };
    case 'gone':
      return learnerHasSmartAssessorId ? { state: 'enrolled' } : { state: 'waiting' };
  }
}
