import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import type { EventOutcome, FieldChange, SyncSubject } from '../../entities/index.js';
import type { PayloadSubject, QueueName } from '../../queues/definitions.js';
import type { CoveredSubject, RunSubject } from '../../queues/producers.js';
import { queryPrepared } from '../db/prepared-statement.js';
import { runAsOneTransaction, type SqlStatement } from '../db/statement-batch.js';
import { settleRun } from './run-lifecycle.js';

/**
 * Recording a job's outcome: its sync event, the run's counts and the learner's
 * lastSyncedAt / lastError, committed with the job's MIS writes. There is one way to do it
 * for any number of jobs — a job committed alone is a group of one (OutcomeGroup gathers
 * the jobs that finish together) — so the rules below exist once, in SQL:
 *
 * - A subject keeps one sync event per run: a repeat of its job appends its changes and
 *   keeps the strongest outcome (STRENGTH); a retry that succeeds after a recorded
 *   failure wins, and one that finds nothing more to change does not hide that the run
 *   changed something.
 * - Only a subject's first terminal outcome is counted, and a failure later overturned by
 *   a success moves from failed to completed. The counts go to one of the run's counter
 *   shards (see the sync-run-counters migration), so concurrent commits rarely wait on
 *   each other; settleRun folds them into the run.
 * - A success sets the learner's lastSyncedAt (at most once a minute: a learner's jobs of
 *   one run finish close together, so most commits write no learner row) and clears the
 *   learner's last error if its own queue set it; a failure sets the last error. A
 *   subject left to another job (touchLearner false) leaves the learner alone.
 * - Every transaction that commits outcomes takes its row locks in one order, so worker
 *   processes committing groups that share learners never deadlock: first the learner
 *   rows, by id (those it writes for and those it touches); then the rows its writes
 *   change (a learner's aims and reviews, officers, organisations, in the group's order:
 *   learner, queue, subject); then its sync events in that order; then one counter
 *   shard. (The foreign-key locks the sync events take on their learner and run
 *   conflict with none of these.) Only the learners a commit changes are locked, rows it
 *   would have locked anyway, earlier: locking every learner of a group up front would
 *   order them too, but a row lock beside the sync events' foreign-key locks on the same
 *   learner becomes a multixact, which costs CPU in the worker and in PostgreSQL
 *   (README, Benchmark).
 * - If a subject's first record is lost to a racing job (both inserted; one waited for
 *   the other's commit), the statement fails, the transaction rolls back and is tried
 *   once more, when it finds the row.
 */

export interface OutcomeRecord {
  runId: string | null;
  jobId: string | null;
  queue: QueueName;
  subject: SyncSubject;
  outcome: EventOutcome;
  changes: FieldChange[];
  error: string | null;
  /** False when the subject was left to another job: this one did not synchronise the learner. */
  touchLearner: boolean;
}

export interface RecordedOutcome {
  /**
   * The run should be settled (settleRun) once this record is committed: it may be the
   * run's last outcome, or it changed a run already over (its counts are folded again).
   */
  settleRun: boolean;
}

/**
 * A job's change to the MIS, committed with its outcome. A statement needs no answer to
 * go on, so the statements of many jobs go with their outcomes in one round trip (see
 * OutcomeGroup); a function reads as it goes (and may refuse), so a commit that has one
 * runs in a transaction of its own. Either way the learner rows are locked first.
 */
export type MisWrite = SqlStatement | ((manager: EntityManager) => Promise<void>);

/** One job's commit: its outcome and the MIS writes that go with it. */
export interface OutcomeCommit {
  record: OutcomeRecord;
  writes: readonly MisWrite[];
}

/** A commit whose writes are all statements: it can go with others in one round trip. */
export interface StatementCommit extends OutcomeCommit {
  writes: readonly SqlStatement[];
}

export function isStatement(write: MisWrite): write is SqlStatement {
  return typeof write !== 'function';
}

export function isStatementCommit(commit: OutcomeCommit): commit is StatementCommit {
  return commit.writes.every(isStatement);
}

/** Outcomes from weakest to strongest. */
const STRENGTH = `ARRAY['failed', 'skipped', 'unchanged', 'changed']::varchar[]`;

/** sync_run_counter has this many shards per run (its check constraint agrees). */
const COUNTER_SHARDS = 16;

/**
 * More than the outcome statements that can be in flight at once across the deployment:
 * a statement cannot see the counts of those committing beside it, so each one this
 * close to the end settles the run after its commit, and the last of them completes it.
 */
const SETTLE_MARGIN = 1_000;

/** Marks the error by which an outcome statement says it lost a subject's first record to another job. */
const LOST_FIRST_RECORD = 'sai: the sync event was first recorded by another job';

/** The text kept as the learner's last error: it names the queue, so that queue's next success clears it and no other. */
export function learnerErrorText(queue: QueueName, reason: string): string {
  return `${queue}: ${reason}`;
}

/**
 * The learners a commit is about (from parameter $p on, one element per record: learner
 * id, writes, touch, the pattern of the queue's own error, failed, the failure's text),
 * one row per learner: whether the commit writes for them, the error patterns its
 * successes clear, and the failure it sets.
 */
function wantedLearnersCte(p: number): string {
  const at = (offset: number) => `$${p + offset}`;
  return `wanted AS (
  SELECT learner_id, bool_or(writes) AS writes,
    array_agg(error_pattern) FILTER (WHERE touch AND NOT failed) AS patterns,
    (array_agg(failure) FILTER (WHERE touch AND failed))[1] AS failure,
    bool_or(touch AND failed) AS failed
  FROM unnest(${at(0)}::int[], ${at(1)}::boolean[], ${at(2)}::boolean[], ${at(3)}::text[], ${at(4)}::boolean[], ${at(5)}::text[])
    AS t(learner_id, writes, touch, error_pattern, failed, failure)
  GROUP BY learner_id
)`;
}

/** A learner the commit touches: a failure sets the error; a success moves lastSyncedAt (at most once a minute) or clears its queue's error. */
const TOUCHES_LEARNER = `(w.failed
  OR (w.patterns IS NOT NULL AND (l.last_error LIKE ANY (w.patterns) OR l.last_synced_at IS NULL OR l.last_synced_at < now() - interval '1 minute')))`;

/**
 * A commit with writes, or about several learners, starts with this: the learners it
 * writes for or touches locked in id order, before its writes lock anything else. Only
 * locked: they are touched by the outcome statement, a later statement, which sees the
 * versions locked here. (Locking and updating a row in one statement is not safe under
 * contention: the update reads the version its snapshot saw, which a racing commit may
 * have replaced after the lock followed it to the new one, and then queues for the old
 * version behind the transactions waiting for its own lock.)
 */
const LOCK_LEARNERS_SQL = `WITH ${wantedLearnersCte(1)}
SELECT l.id FROM learner l JOIN wanted w ON w.learner_id = l.id
WHERE w.writes OR ${TOUCHES_LEARNER}
ORDER BY l.id
FOR NO KEY UPDATE OF l`;

/** The tail of an insert into sync_run_counter AS c: adds to the shard's counts when it has some. */
const ADD_TO_COUNTER_SHARD = `ON CONFLICT (run_id, shard) DO UPDATE SET
    jobs_completed = c.jobs_completed + excluded.jobs_completed,
    jobs_failed = c.jobs_failed + excluded.jobs_failed,
    changes = c.changes + excluded.changes
  RETURNING c.run_id`;

/** How many of a job's changes (a jsonb array) the run counts: a kept value changed nothing. */
function countedChanges(changes: string): string {
  return `(SELECT count(*) FROM jsonb_array_elements(${changes}) c WHERE c->>'direction' <> 'kept')::int`;
}

/**
 * The outcome statement, for any number of records ($1–$9, one array element each; no
 * subject twice): the learners ($11–$16) are touched before anything else (the sync
 * events wait on `touched`; one learner needs no order, several were locked in order by
 * LOCK_LEARNERS_SQL); each record's event is locked or inserted, its transition from the
 * previous outcome decides the counts, and they go to counter shard $10 (one shard, so
 * the commit's last lock is one row). If any subject's first record was lost to a
 * racing job, the statement fails (a cast of a text that is not a number; the text
 * depends on the row, so the planner cannot evaluate it ahead) and the commit is rolled
 * back. Answers a row per record, in input order.
 */
const RECORD_OUTCOMES_SQL = `
WITH ${wantedLearnersCte(11)}, touched AS (
  UPDATE learner l SET
    last_synced_at = CASE WHEN w.patterns IS NOT NULL THEN now() ELSE l.last_synced_at END,
    last_error = CASE WHEN w.failed THEN w.failure WHEN l.last_error LIKE ANY (w.patterns) THEN NULL ELSE l.last_error END
  FROM wanted w
  WHERE l.id = w.learner_id AND ${TOUCHES_LEARNER}
  RETURNING l.id
), input AS (
  SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::int[], $7::varchar[], $8::jsonb[], $9::text[])
    WITH ORDINALITY AS i(run_id, job_id, queue, subject_type, subject_ref, learner_id, outcome, changes, error, n)
), existing AS (
  SELECT i.n, x.id, x.outcome
  FROM input i CROSS JOIN LATERAL (
    SELECT e.id, e.outcome FROM sync_event e
    WHERE e.run_id = i.run_id AND e.queue = i.queue AND e.subject_type = i.subject_type AND e.subject_ref = i.subject_ref
    FOR UPDATE
  ) x
  WHERE (SELECT count(*) FROM touched) >= 0
), updated AS (
  UPDATE sync_event e SET
    at = now(),
    job_id = i.job_id,
    outcome = CASE WHEN array_position(${STRENGTH}, i.outcome) > array_position(${STRENGTH}, e.outcome) THEN i.outcome ELSE e.outcome END,
    error = CASE WHEN array_position(${STRENGTH}, i.outcome) >= array_position(${STRENGTH}, e.outcome) THEN i.error ELSE e.error END,
    changes = e.changes || i.changes
  FROM existing x JOIN input i ON i.n = x.n
  WHERE e.id = x.id
  RETURNING x.n, x.outcome AS before, e.outcome AS after
), inserted AS (
  INSERT INTO sync_event (run_id, job_id, queue, subject_type, subject_ref, learner_id, outcome, changes, error)
  SELECT i.run_id, i.job_id, i.queue, i.subject_type, i.subject_ref, i.learner_id, i.outcome, i.changes, i.error
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
    CASE WHEN t.after = 'failed' AND t.before IS NULL THEN 1 WHEN t.after <> 'failed' AND t.before = 'failed' THEN -1 ELSE 0 END AS failed,
    CASE WHEN t.n IS NOT NULL THEN ${countedChanges('i.changes')} ELSE 0 END AS changes
  FROM input i LEFT JOIN transition t ON t.n = i.n
), counter AS (
  INSERT INTO sync_run_counter AS c (run_id, shard, jobs_completed, jobs_failed, changes)
  SELECT run_id, $10::int, sum(completed), sum(failed), sum(changes)
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

interface RecordRow {
  applied: number;
  state: string | null;
  fan_out_complete: boolean | null;
  jobs_total: number | null;
  done_seen: number | null;
}

function recordedOutcome(row: RecordRow): RecordedOutcome {
  if (row.state === null) return { settleRun: false };
  const nearTheEnd = row.fan_out_complete === true && (row.done_seen ?? 0) >= (row.jobs_total ?? 0) - SETTLE_MARGIN;
  return { settleRun: row.state !== 'running' || nearTheEnd };
}

/** The learner parameters of LOCK_LEARNERS_SQL and of the outcome statement: the commits about a learner that write for it or touch it. */
function learnerParameters(commits: readonly OutcomeCommit[]): unknown[][] {
  const concerned = commits.filter(({ record, writes }) => record.subject.learnerId !== null && (writes.length > 0 || record.touchLearner));
  return [
    concerned.map(({ record }) => record.subject.learnerId),
    concerned.map(({ writes }) => writes.length > 0),
    concerned.map(({ record }) => record.touchLearner),
    concerned.map(({ record }) => learnerErrorText(record.queue, '%')),
    concerned.map(({ record }) => record.outcome === 'failed'),
    concerned.map(({ record }) => (record.error === null ? null : learnerErrorText(record.queue, record.error))),
  ];
}

/** Prepared once per connection: every lookup in it is by a key that one index serves. */
function recordOutcomesStatement(records: readonly OutcomeRecord[], learners: unknown[][]): SqlStatement {
  return {
    name: 'sai-record-outcomes',
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
      records.map((record) => record.error),
      Math.floor(Math.random() * COUNTER_SHARDS),
      ...learners,
    ],
  };
}

/** LOCK_LEARNERS_SQL when the commit needs it: with writes (they lock rows of their own), or about several learners. */
function lockLearners(commits: readonly OutcomeCommit[], learners: unknown[][]): SqlStatement[] {
  const writes = commits.some((commit) => commit.writes.length > 0);
  if (learners[0].length === 0 || (!writes && new Set(learners[0]).size < 2)) return [];
  return [{ name: 'sai-lock-learners', text: LOCK_LEARNERS_SQL, values: learners }];
}

/**
 * The statements that commit `commits` (in the order given: commit order, see
 * OutcomeGroup) as one transaction: the learners locked when need be, the writes, then
 * the outcome statement.
 */
function outcomeStatements(commits: readonly StatementCommit[]): SqlStatement[] {
  const learners = learnerParameters(commits);
  return [
    ...lockLearners(commits, learners),
    ...commits.flatMap((commit) => commit.writes),
    recordOutcomesStatement(
      commits.map(({ record }) => record),
      learners,
    ),
  ];
}

/**
 * Commits the jobs' writes and outcomes as one transaction in one round trip
 * (runAsOneTransaction); answers each one's RecordedOutcome, in order. All or nothing:
 * any failure (a write refused, a first record lost) rolls the whole back and is thrown.
 * The caller settles the runs that ask for it, after the commit.
 */
export async function commitOutcomes(db: DataSource, commits: readonly StatementCommit[]): Promise<RecordedOutcome[]> {
  const answers = await runAsOneTransaction(db, outcomeStatements(commits));
  return (answers[answers.length - 1] as RecordRow[]).map(recordedOutcome);
}

/** A commit with a write that reads as it goes: a transaction of its own, with the same statements around the writes. */
async function commitInTransaction(db: DataSource, { record, writes }: OutcomeCommit): Promise<RecordedOutcome> {
  return db.transaction(async (manager) => {
    const learners = learnerParameters([{ record, writes }]);
    for (const lock of lockLearners([{ record, writes }], learners)) await queryPrepared(manager, lock.name!, lock.text, [...lock.values]);
    for (const write of writes) {
      if (isStatement(write)) await manager.query(write.text, [...write.values]);
      else await write(manager);
    }
    const outcome = recordOutcomesStatement([record], learners);
    const [row] = (await queryPrepared(manager, outcome.name!, outcome.text, [...outcome.values])) as RecordRow[];
    return recordedOutcome(row);
  });
}

function lostFirstRecord(error: unknown): boolean {
  return error instanceof QueryFailedError && error.message.includes(LOST_FIRST_RECORD);
}

/**
 * One job's writes and outcome, committed on its own (a group of one): in one round trip
 * when its writes are statements, else in a transaction of its own. A first record lost
 * to a racing job rolls the whole back; the second try finds the row. The caller settles
 * the run if it is asked to.
 */
export async function commitOutcome(db: DataSource, record: OutcomeRecord, writes: readonly MisWrite[] = []): Promise<RecordedOutcome> {
  const commit: OutcomeCommit = { record, writes };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      return isStatementCommit(commit) ? (await commitOutcomes(db, [commit]))[0] : await commitInTransaction(db, commit);
    } catch (error) {
      if (!lostFirstRecord(error)) throw error;
    }
  }
  throw new Error(`The outcome of ${record.queue} for ${record.subject.ref} could not be recorded`);
}

/** commitOutcome without writes, then settleRun when it asks for it. */
export async function recordAndSettle(db: DataSource, record: OutcomeRecord): Promise<void> {
  const { settleRun: settle } = await commitOutcome(db, record);
  if (settle && record.runId) await settleRun(db, record.runId);
}

/** A run job's subject as its sync event names it. */
export function eventSubject(subject: RunSubject): SyncSubject {
  return { type: subject.kind.subjectType, ref: subject.ref, learnerId: subject.learnerId };
}

/** The subject's ref for an event, when only the payload's id is known (a failure before the processor said whom). */
export async function subjectOf(executor: DataSource | EntityManager, subject: PayloadSubject): Promise<SyncSubject> {
  const table = { learner: 'learner', officer: 'officer', organisation: 'organisation' }[subject.type];
  const refColumn = subject.type === 'learner' ? 'learner_ident' : 'ref';
  const [row] = (await executor.query(`SELECT ${refColumn} AS ref FROM ${table} WHERE id = $1`, [subject.id])) as Array<{ ref: string }>;
  return {
    type: subject.type,
    ref: row?.ref ?? `${subject.type} #${subject.id}`,
    learnerId: subject.type === 'learner' && row ? subject.id : null,
  };
}

/** A subject of run `runId` that another job does instead: done in this run, as skipped, saying which job and why. */
export async function recordNotRunHere(db: DataSource, runId: string, jobId: string | null, subject: RunSubject, why: string): Promise<void> {
  await recordAndSettle(db, {
    runId,
    jobId,
    queue: subject.kind.queue,
    subject: eventSubject(subject),
    outcome: 'skipped',
    changes: [],
    error: `not run by this run: ${why}`,
    touchLearner: false,
  });
}

/** Subjects a run left to another run's pending job: done here, as skipped, with a note of which job does them. */
export async function recordCovered(db: DataSource, runId: string, covered: readonly CoveredSubject[]): Promise<void> {
  for (const { subject, coveringJobId } of covered) await recordNotRunHere(db, runId, null, subject, `job ${coveringJobId} was already queued for ${subject.ref}`);
}
