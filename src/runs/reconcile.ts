import type { DataSource } from 'typeorm';
import type { Producers, RunSubject } from '../../queues/producers.js';
import type { Logger } from '../logging/logger.js';
import { recordedRunSettings } from '../settings/run-settings.js';
import { DEFAULT_PAGE_SIZE } from './fan-out.js';
import { queueLearnerRunJob } from './learner-sync.js';
import { eventSubject, recordAndSettle, recordCovered } from './outcomes.js';
import { finishLearnerRunFanOut, settleRun, writeOffMissingJobs } from './run-lifecycle.js';
import { oneLearnerSubjects, wholeProviderSubjects, withoutOutcome, type SubjectPage } from './run-subjects.js';

/** What the reconciler saw of each run's progress last time, to tell a run that moves from one that is stuck. */
export interface ProgressMemory {
  /** Remembers `done` for the run; true when it equals what was remembered before. */
  unchangedSince(runId: string, done: number): Promise<boolean>;
  forget(runId: string): Promise<void>;
}

export interface ReconcileDeps {
  db: DataSource;
  producers: Producers;
  logger: Logger;
  progress: ProgressMemory;
  pageSize?: number;
}

export interface RunRepair {
  runId: string;
  requeued: number;
  pending: number;
  failuresRecorded: number;
  closed: boolean;
}

interface ActiveRun {
  id: string;
  trigger: 'schedule' | 'manual' | 'learner' | 'live';
  fan_out_complete: boolean;
  as_of_date: string;
  learner_id: number | null;
  done: number;
  jobs_total: number;
  dry_run: boolean;
}

async function* runSubjectPages(deps: ReconcileDeps, run: ActiveRun): AsyncGenerator<SubjectPage> {
  const settings = await recordedRunSettings(deps.db, run.id);
  if (run.trigger === 'learner') {
    if (run.learner_id !== null) yield { subjects: await oneLearnerSubjects(deps.db, run.learner_id, settings), learners: 1 };
    return;
  }
  yield* wholeProviderSubjects(deps.db, run.as_of_date, settings, deps.pageSize ?? DEFAULT_PAGE_SIZE);
}

/**
 * Walks the run's job set again (from PostgreSQL, at the run's as-of date) and, for each
 * subject without an outcome, looks in Redis: a job gone (Redis lost it) is queued again
 * under its own id; a job failed without an outcome (it stalled too often) gets its failure
 * recorded. When nothing is left anywhere, the subjects that no longer belong to the run
 * are written off so the run can finish.
 */
async function repairRun(deps: ReconcileDeps, run: ActiveRun): Promise<RunRepair> {
  const { db, producers } = deps;
  const repair: RunRepair = { runId: run.id, requeued: 0, pending: 0, failuresRecorded: 0, closed: false };
  for await (const page of runSubjectPages(deps, run)) {
    const todo = await withoutOutcome(db, run.id, page.subjects);
    const presence = await producers.jobPresence(run.id, todo);
    const absent: RunSubject[] = [];
    for (const [index, subject] of todo.entries()) {
      const found = presence[index];
      if (found.state === 'absent') absent.push(subject);
      else if (found.state === 'pending') repair.pending += 1;
      else {
        await recordAndSettle(db, {
          runId: run.id,
          jobId: null,
          queue: subject.kind.queue,
          subject: eventSubject(subject),
          outcome: 'failed',
          changes: [],
          error: found.reason,
          // A dry run leaves the learner's sync state as it was.
          touchLearner: !run.dry_run,
        });
        repair.failuresRecorded += 1;
      }
    }
    if (run.trigger === 'learner') {
      for (const subject of absent) await queueLearnerRunJob(db, producers, run.id, subject);
      repair.requeued += absent.length;
    } else {
      const covered = await producers.addRunJobs(run.id, absent, { dryRun: run.dry_run });
      await recordCovered(db, run.id, covered);
      repair.requeued += absent.length - covered.length;
    }
  }
  if (run.trigger === 'learner') await finishLearnerRunFanOut(db, run.id);
  if (repair.requeued === 0 && repair.pending === 0) repair.closed = await writeOffMissingJobs(db, run.id);
  return repair;
}

/**
 * One pass of the reconciler over the active runs. Each has its counter shards folded
 * (so sync_run's own columns stay current) and is completed if it is done. A
 * whole-provider run still being fanned out gets its fan-out job back if Redis lost it;
 * a run whose outcomes have stopped coming since the last pass is repaired (repairRun).
 * A run that moves is left alone, so a healthy run costs two short statements a pass.
 */
export async function reconcileRuns(deps: ReconcileDeps): Promise<RunRepair[]> {
  const { db, producers, logger } = deps;
  const active = (await db.query(`SELECT id FROM sync_run WHERE state IN ('queued', 'running') ORDER BY created_at`)) as Array<{ id: string }>;
  const repairs: RunRepair[] = [];
  for (const { id } of active) {
    if (await settleRun(db, id)) {
      await deps.progress.forget(id);
      continue;
    }
    const [run] = (await db.query(
      `SELECT id, trigger, fan_out_complete, as_of_date::text AS as_of_date, learner_id, jobs_completed + jobs_failed AS done, jobs_total, dry_run
       FROM sync_run WHERE id = $1 AND state IN ('queued', 'running')`,
      [id],
    )) as ActiveRun[];
    // A live run has no fan-out and no fixed job set: the live relay repairs it (src/live/repair.ts).
    if (!run || run.trigger === 'live') continue;
    if (run.trigger !== 'learner' && !run.fan_out_complete) {
      await producers.enqueueFanOut(run.id);
      continue;
    }
    if (run.fan_out_complete) {
      if (!(await deps.progress.unchangedSince(run.id, run.done))) continue;
      // As many jobs pending as the run lacks outcomes: none can be missing yet (a Smart Assessor outage holds them in backoff).
      if ((await producers.pendingJobCount()) >= run.jobs_total - run.done) continue;
    }
    const repair = await repairRun(deps, run);
    repairs.push(repair);
    if (repair.requeued > 0 || repair.failuresRecorded > 0 || repair.closed) logger.warn('run repaired', { ...repair });
    if (repair.closed) await deps.progress.forget(run.id);
  }
  return repairs;
}
