import type { DataSource } from 'typeorm';
import { Gatherer, togetherOrEachAlone, type Settleable } from '../db/gatherer.js';
import { perDataSource } from '../db/per-data-source.js';
import { commitOutcome, commitOutcomes, isStatementCommit, type MisWrite, type OutcomeCommit, type OutcomeRecord, type RecordedOutcome, type StatementCommit } from './outcomes.js';

/**
 * Group commit of job outcomes. Every finished job ends with one transaction in
 * PostgreSQL (its MIS writes and its sync event), and at hundreds of jobs a second the
 * fixed cost of each — a round trip, a commit that waits for the WAL to reach disk, the
 * start-up of the outcome statement — was most of what PostgreSQL did. A process's jobs
 * that finish within a few milliseconds of each other are therefore committed together
 * (commitOutcomes: their writes, in learner order, then one statement that records every
 * outcome, as one transaction in one round trip). Each job still waits for its own commit
 * before BullMQ hears it is done, so nothing is acknowledged that is not on record.
 *
 * All or nothing, like the job's own transaction: if anything in a group fails (a write
 * refused, a subject whose first record a racing job won), the group is rolled back and
 * each job is committed on its own, as it would have been without grouping, so one job's
 * failure is its own and no other's. The group's order is the lock order of every
 * outcome transaction (see outcomes.ts): learner, queue, subject.
 */

export interface OutcomeGroupOptions {
  /** The most jobs committed together. */
  maxJobs?: number;
  /** How long the first job of a group waits for others to join it. */
  windowMs?: number;
}

const DEFAULT_MAX_JOBS = 32;
/** A few milliseconds: next to a job's Smart Assessor calls it is nothing, and at load a group fills sooner. */
const DEFAULT_WINDOW_MS = 4;

interface Waiting extends Settleable, StatementCommit {
  resolve(recorded: RecordedOutcome): void;
}

/** What one sync event is recorded under: two jobs with the same key cannot be in one group (the second would find no row yet). */
function subjectKey(record: OutcomeRecord): string {
  return [record.runId ?? '', record.queue, record.subject.type, record.subject.ref].join('\u0000');
}

/** The order a group's jobs commit in: by learner (learnerless subjects last), then queue and subject, as their rows are locked. */
function commitOrder(a: OutcomeRecord, b: OutcomeRecord): number {
  const learner = (a.subject.learnerId ?? Number.MAX_SAFE_INTEGER) - (b.subject.learnerId ?? Number.MAX_SAFE_INTEGER);
  if (learner !== 0) return learner;
  const [keyA, keyB] = [subjectKey(a), subjectKey(b)];
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}

/**
 * The next group from the waiting jobs, oldest first: at most `max`, no subject twice
 * (a second record of a subject waits for the next group, after the first is
 * committed), in commit order so that concurrent groups lock rows in one order.
 */
export function takeGroup<T extends { record: OutcomeRecord }>(waiting: readonly T[], max: number): { batch: T[]; rest: T[] } {
  const group: T[] = [];
  const rest: T[] = [];
  const keys = new Set<string>();
  for (const each of waiting) {
    const key = subjectKey(each.record);
    if (group.length >= max || keys.has(key)) {
      rest.push(each);
      continue;
    }
    keys.add(key);
    group.push(each);
  }
  group.sort((a, b) => commitOrder(a.record, b.record));
  return { batch: group, rest };
}

/** Commits jobs' writes and outcomes in groups; one per process and database (outcomeGroupFor). */
export class OutcomeGroup {
  private readonly gatherer: Gatherer<Waiting>;

  constructor(
    private readonly db: DataSource,
    options: OutcomeGroupOptions = {},
  ) {
    this.gatherer = new Gatherer((group) => this.commitGroup(group), { maxItems: options.maxJobs ?? DEFAULT_MAX_JOBS, windowMs: options.windowMs ?? DEFAULT_WINDOW_MS }, takeGroup);
  }

  /**
   * Commits the job's writes and its outcome, with other jobs' or alone; answers once
   * they are committed. A failure is recorded on its own at once: it is rare, and its
   * error text is the learner's. So is a job with a write that reads as it goes: it
   * needs a transaction of its own.
   */
  commit(record: OutcomeRecord, writes: readonly MisWrite[] = []): Promise<RecordedOutcome> {
    const commit: OutcomeCommit = { record, writes };
    if (record.outcome === 'failed' || record.error !== null || !isStatementCommit(commit)) return commitOutcome(this.db, record, writes);
    return new Promise<RecordedOutcome>((resolve, reject) => this.gatherer.add({ ...commit, resolve, reject }));
  }

  /** The group as one transaction; rolled back as a whole, each job is committed on its own, where its own failure is its own. */
  private commitGroup(group: readonly Waiting[]): Promise<void> {
    return togetherOrEachAlone(
      group,
      async (jobs) => {
        const recorded = await commitOutcomes(this.db, jobs);
        jobs.forEach((each, index) => each.resolve(recorded[index]));
      },
      async (each) => each.resolve(await commitOutcome(this.db, each.record, each.writes)),
    );
  }
}

/** The process's outcome group for this database. */
export const outcomeGroupFor = perDataSource((db) => new OutcomeGroup(db));
