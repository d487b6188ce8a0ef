/**
 * Sync runs: starting them, one learner's "Update Learner In Smart Assessor", their
 * progress for the admin API, and the bookkeeping the workers and the scheduler share.
 */
export { ActiveRunError, LearnerNotFoundError, NotEnrolledError } from './run-refusals.js';
export { startRun, startScheduledRun, markRunFailed, settleRun, type WholeProviderTrigger, type ScheduledRunDecision } from './run-lifecycle.js';
export { requestLearnerSync } from './learner-sync.js';
export { runView, listRuns, etaSeconds, progressLine, type SyncRunView, type RunsPage, type RunProgress } from './run-views.js';
export { fanOutRun, DEFAULT_PAGE_SIZE, type FanOutDeps } from './fan-out.js';
export { reconcileRuns, type ProgressMemory, type ReconcileDeps, type RunRepair } from './reconcile.js';
export { commitOutcome, recordAndSettle, recordCovered, subjectOf, learnerErrorText, type MisWrite, type OutcomeRecord } from './outcomes.js';
export { ELIGIBLE_LEARNER_SQL, ELIGIBLE_LEARNERS_PAGE_SQL, eligibleLearnersPage, type EligibleLearner } from './run-subjects.js';
