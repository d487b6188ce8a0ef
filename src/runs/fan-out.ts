import type { DataSource } from 'typeorm';
import type { Producers } from '../../queues/producers.js';
import type { Logger } from '../logging/logger.js';
import { recordedRunSettings } from '../settings/run-settings.js';
import { recordCovered } from './outcomes.js';
import { finishFanOut, growRun, startFanOut } from './run-lifecycle.js';
import { wholeProviderSubjects, withoutOutcome } from './run-subjects.js';

export interface FanOutDeps {
  db: DataSource;
  producers: Producers;
  logger: Logger;
  /** Learners (or officers, organisations) per page; each page becomes one addBulk per queue. */
  pageSize?: number;
}

/**
 * A page's jobs are built and sent at once, so the page bounds what the fan-out holds:
 * small enough to keep the scheduler's peak down, large enough to keep its round trips
 * few (README, Benchmark, says how 250 was chosen).
 */
export const DEFAULT_PAGE_SIZE = 250;

/**
 * Adds every job of a whole-provider run, a page at a time; the settings the run recorded
 * decide its job set. Safe to run again from the start (a stalled fan-out job, the
 * reconciler): subjects that already have an outcome are skipped and job ids are fixed
 * per run and subject, so nothing is done twice. The run's size is written as it grows
 * and fixed at the end.
 */
export async function fanOutRun({ db, producers, logger, pageSize = DEFAULT_PAGE_SIZE }: FanOutDeps, runId: string): Promise<void> {
  const asOfDate = await startFanOut(db, runId);
  if (asOfDate === null) return;
  const settings = await recordedRunSettings(db, runId);
  const log = logger.child({ runId });
  const started = performance.now();
  let learners = 0;
  let jobs = 0;
  const pages = wholeProviderSubjects(db, asOfDate, settings, pageSize);
  // The next page is read from PostgreSQL while this one is added to Redis. Should this
  // page fail, the read ahead may fail too with nobody awaiting it: that must not crash.
  const readAhead = () => {
    const read = pages.next();
    read.catch(() => undefined);
    return read;
  };
  let next = readAhead();
  for (;;) {
    const { value: page, done } = await next;
    if (done) break;
    next = readAhead();
    const todo = await withoutOutcome(db, runId, page.subjects);
    const covered = await producers.addRunJobs(runId, todo, { dryRun: settings.dryRun === true });
    await recordCovered(db, runId, covered);
    learners += page.learners;
    jobs += page.subjects.length;
    await growRun(db, runId, learners, jobs);
  }
  await finishFanOut(db, runId, learners, jobs);
  log.info(settings.dryRun ? 'dry run fanned out' : 'run fanned out', { learners, jobs, dryRun: settings.dryRun === true, ms: Math.round(performance.now() - started) });
}
