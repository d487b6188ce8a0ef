import type { DataSource } from 'typeorm';
import { Gatherer, togetherOrEachAlone, type Settleable } from '../db/gatherer.js';
import { perDataSource } from '../db/per-data-source.js';
import { runAsOneTransaction, type SqlStatement } from '../db/statement-batch.js';
import {
  ADD_TO_COUNTER_SHARD,
  COUNTER_SHARDS,
  LOST_FIRST_RECORD,
  STRENGTH,
  countedChanges,
  learnerErrorText,
  recordOutcome,
  recordWithWrites,
  recordedOutcome,
  type OutcomeRecord,
  type RecordRow,
  type RecordedOutcome,
} from './outcomes.js';

/**
 * Group commit of job outcomes. Every finished job ends with one transaction in
 * PostgreSQL (its MIS writes and its sync event), and at hundreds of jobs a second the
 * fixed cost of each — a round trip, a commit that waits for the WAL to reach disk, the
 * start-up of the outcome statement — was most of what PostgreSQL did. A process's jobs
 * that finish within a few milliseconds of each other are therefore committed together:
 * their writes, in learner order, then one statement that records every outcome, as one
 * transaction in one round trip. Each job still waits for its own commit before BullMQ
 * hears it is done, so nothing is acknowledged that is not on record.
 *
 * All or nothing, like the job's own transaction: if anything in a group fails (a write
 * refused, a subject whose first record a racing job won), the group is rolled back and
 * each job is committed on its own, as it would have been without grouping, so one job's
 * failure is its own and no other's.
 *
 * Groups of worker processes that share learners never deadlock, because every
 * transaction that commits outcomes takes its row locks in one order: first the learner
 * rows, by id, then the rows its writes change (a learner's aims and reviews, officers,
 * organisations, in the group's order: learner, queue, subject), then its sync events in
 * the same order, then one counter shard. (The foreign-key locks the sync events take on
 * their learner and run conflict with none of these.) A group takes its learner rows in
 * one statement before its writes (LOCK_LEARNERS_SQL): those it writes for, and those
 * whose lastSyncedAt it moves, which it moves there and then. Before, the writes locked
 * their learners in id order and the outcome statement then locked the learners it
 * touched in another pass, so two processes' groups could each hold a learner the other
 * wanted, and waited out deadlock_timeout (1 s) before PostgreSQL rolled one back.
 * Locking every learner of a group up front would order them too, but costs ~10% more
 * CPU per job in the worker and in PostgreSQL (a row lock beside the sync events'
 * foreign-key locks on the same learner becomes a multixact): only the learners a group
 * changes are locked, those it writes for and those whose lastSyncedAt moves (once a
 * minute per learner), rows it would have locked anyway, earlier.
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

interface Waiting extends Settleable {
  record: OutcomeRecord;
  writes: readonly SqlStatement[];
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

/**
 * A group's first statement: locks, in id order, every learner the group writes for or
 * whose lastSyncedAt it moves, and moves those (a learner's lastSyncedAt at most once a
 * minute, unless one of the group's queues clears the learner's error of that queue).
 * Every record of a group that commits is a success and is applied, so the learners are
 * touched here rather than after the sync events, as recordOutcome does for one job.
 * The rows are locked by the ordered SELECT before the UPDATE changes them, so whatever
 * plan the UPDATE gets, it waits for no lock the SELECT did not take in order.
 */
const LOCK_LEARNERS_SQL = `
WITH wanted AS (
  SELECT learner_id, bool_or(writes) AS writes, array_agg(error_pattern) FILTER (WHERE touch) AS patterns
  FROM unnest($1::int[], $2::boolean[], $3::boolean[], $4::text[]) AS i(learner_id, writes, touch, error_pattern)
  GROUP BY learner_id
), locked AS (
  SELECT l.id, w.patterns FROM learner l JOIN wanted w ON w.learner_id = l.id
  WHERE w.writes OR (w.patterns IS NOT NULL AND (l.last_error LIKE ANY (w.patterns) OR l.last_synced_at IS NULL OR l.last_synced_at < now() - interval '1 minute'))
  ORDER BY l.id
  FOR NO KEY UPDATE OF l
)
UPDATE learner l SET
  last_synced_at = now(),
  last_error = CASE WHEN l.last_error LIKE ANY (k.patterns) THEN NULL ELSE l.last_error END
FROM locked k
WHERE l.id = k.id AND k.patterns IS NOT NULL
  AND (l.last_error LIKE ANY (k.patterns) OR l.last_synced_at IS NULL OR l.last_synced_at < now() - interval '1 minute')`;

/** LOCK_LEARNERS_SQL for the group's jobs about a learner that write or touch it; none when there are none. */
function lockLearnersStatements(jobs: readonly Waiting[]): SqlStatement[] {
  const concerned = jobs.filter(({ record, writes }) => record.subject.learnerId !== null && (writes.length > 0 || record.touchLearner));
  if (concerned.length === 0) return [];
  return [
    {
      name: 'sai-lock-group-learners',
      text: LOCK_LEARNERS_SQL,
      values: [
        concerned.map(({ record }) => record.subject.learnerId),
        concerned.map(({ writes }) => writes.length > 0),
        concerned.map(({ record }) => record.touchLearner),
        concerned.map(({ record }) => learnerErrorText(record.queue, '%')),
      ],
    },
  ];
}

/**
 * recordOutcome for many successes at once (a failure carries an error and is recorded on
 * its own). The same rules, set-wise: each input row's event is locked or inserted, its
 * transition from the previous outcome decides the counts (the learners were touched by
 * LOCK_LEARNERS_SQL), and the counts go to one counter shard per run ($9: one shard, so a
 * group holds one counter row, its last lock). If any subject's first
 * record was lost to a racing job the statement fails (see RECORD_OUTCOME_AFTER_WRITES_SQL)
 * and the group is rolled back. Answers a row per input row, in input order.
 */
const RECORD_OUTCOMES_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::int[], $7::varchar[], $8::jsonb[])
    WITH ORDINALITY AS i(run_id, job_id, queue, subject_type, subject_ref, learner_id, outcome, changes, n)
), existing AS (
  SELECT i.n, x.id, x.outcome
  FROM input i CROSS JOIN LATERAL (
    SELECT e.id, e.outcome FROM sync_event e
    WHERE e.run_id = i.run_id AND e.queue = i.queue AND e.subject_type = i.subject_type AND e.subject_ref = i.subject_ref
    FOR UPDATE
  ) x
), updated AS (
  UPDATE sync_event e SET
    at = now(),
    job_id = i.job_id,
    outcome = CASE WHEN array_position(${STRENGTH}, i.outcome) > array_position(${STRENGTH}, e.outcome) THEN i.outcome ELSE e.outcome END,
    error = CASE WHEN array_position(${STRENGTH}, i.outcome) >= array_position(${STRENGTH}, e.outcome) THEN NULL ELSE e.error END,
    changes = e.changes || i.changes
  FROM existing x JOIN input i ON i.n = x.n
  WHERE e.id = x.id
  RETURNING x.n, x.outcome AS before, e.outcome AS after
), inserted AS (
  INSERT INTO sync_event (run_id, job_id, queue, subject_type, subject_ref, learner_id, outcome, changes, error)
  SELECT i.run_id, i.job_id, i.queue, i.subject_type, i.subject_ref, i.learner_id, i.outcome, i.changes, NULL
  FROM input i
  WHERE NOT EXISTS (SELECT 1 FROM existing x WHERE x.n = i.n)
  ORDER BY i.n
  ON CONFLICT (run_id, queue, subject_type, subject_ref) DO NOTHING
  RETURNING run_id, queue, subject_type, subject_ref, outcome AS after
), transition AS (
  SELECT n, before, after FROM updated
  UNION ALL
  SELECT i.n, NULL::varchar, s.after
  FROM inserted s JOIN input i
    ON i.run_id IS NOT DISTINCT FROM s.run_id AND i.queue = s.queue AND i.subject_type = s.subject_type AND i.subject_ref = s.subject_ref
), per_row AS (
  SELECT i.n, i.run_id, t.n IS NOT NULL AS applied,
    CASE WHEN t.after <> 'failed' AND (t.before IS NULL OR t.before = 'failed') THEN 1 ELSE 0 END AS completed,
    CASE WHEN t.after <> 'failed' AND t.before = 'failed' THEN -1 ELSE 0 END AS failed,
    CASE WHEN t.n IS NOT NULL THEN ${countedChanges('i.changes')} ELSE 0 END AS changes
  FROM input i LEFT JOIN transition t ON t.n = i.n
), counter AS (
  INSERT INTO sync_run_counter AS c (run_id, shard, jobs_completed, jobs_failed, changes)
  SELECT run_id, $9::int, sum(completed), sum(failed), sum(changes)
  FROM per_row
  WHERE run_id IS NOT NULL AND applied
  GROUP BY run_id
  ORDER BY run_id
  ${ADD_TO_COUNTER_SHARD}
), run AS (
  SELECT r.id, r.state, r.fan_out_complete, r.jobs_total,
    r.jobs_completed + r.jobs_failed
      + COALESCE((SELECT sum(s.jobs_completed + s.jobs_failed) FROM sync_run_counter s WHERE s.run_id = r.id), 0)
      + (SELECT sum(p.completed + p.failed) FROM per_row p WHERE p.run_id = r.id) AS done_seen
  FROM sync_run r
  WHERE r.id IN (SELECT run_id FROM counter)
)
SELECT CASE WHEN p.applied THEN 1 ELSE ('${LOST_FIRST_RECORD}: ' || p.n)::int END AS applied,
  run.state, run.fan_out_complete, run.jobs_total, run.done_seen::int AS done_seen
FROM per_row p LEFT JOIN run ON run.id = p.run_id
ORDER BY p.n`;

/** The group's outcome statement; every record in it is a success (error null). */
function recordOutcomesStatement(records: readonly OutcomeRecord[], shard: number): SqlStatement {
  return {
    text: RECORD_OUTCOMES_SQL,
    values: [
      records.map((record) => record.runId),
      records.map((record) => record.jobId),
      records.map((record) => record.queue),
      records.map((record) => record.subject.type),
      records.map((record) => record.subject.ref),
      records.map((record) => record.subject.learnerId),
      records.map((record) => record.outcome),
      records.map((record) => JSON.stringify(record.changes)),
      shard,
    ],
  };
}

/** Commits jobs' writes and outcomes in groups; one per process and database (outcomeGroupFor). */
export class OutcomeGroup {
  private readonly gatherer: Gatherer<Waiting>;

  constructor(
    private readonly db: DataSource,
    options: OutcomeGroupOptions = {},
  ) {
    this.gatherer = new Gatherer(
      (group) => this.commitGroup(group),
      { maxItems: options.maxJobs ?? DEFAULT_MAX_JOBS, windowMs: options.windowMs ?? DEFAULT_WINDOW_MS },
      takeGroup,
    );
  }

  /**
   * Commits the job's writes and its outcome, with other jobs' or alone; answers once
   * they are committed. A failure is recorded on its own at once: it is rare, and its
   * error text is the learner's.
   */
  commit(record: OutcomeRecord, writes: readonly SqlStatement[] = []): Promise<RecordedOutcome> {
    if (record.outcome === 'failed' || record.error !== null) return this.commitAlone(record, writes);
    return new Promise<RecordedOutcome>((resolve, reject) => this.gatherer.add({ record, writes, resolve, reject }));
  }

  private commitAlone(record: OutcomeRecord, writes: readonly SqlStatement[]): Promise<RecordedOutcome> {
    return writes.length > 0 ? recordWithWrites(this.db, writes, record) : recordOutcome(this.db, record);
  }

  /** The group as one transaction; rolled back as a whole, each job is committed on its own, where its own failure is its own. */
  private commitGroup(group: readonly Waiting[]): Promise<void> {
    return togetherOrEachAlone(
      group,
      async (jobs) => {
        const statements = [
          ...lockLearnersStatements(jobs),
          ...jobs.flatMap((each) => each.writes),
          recordOutcomesStatement(jobs.map((each) => each.record), randomShard()),
        ];
        const answers = await runAsOneTransaction(this.db, statements);
        const rows = answers[answers.length - 1] as RecordRow[];
        jobs.forEach((each, index) => each.resolve(recordedOutcome(rows[index])));
      },
      async (each) => each.resolve(await this.commitAlone(each.record, each.writes)),
    );
  }
}

function randomShard(): number {
  return Math.floor(Math.random() * COUNTER_SHARDS);
}

/** The process's outcome group for this database. */
export const outcomeGroupFor = perDataSource((db) => new OutcomeGroup(db));
