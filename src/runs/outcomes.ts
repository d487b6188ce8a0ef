import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import type { EventOutcome, FieldChange, SyncSubject } from '../../entities/index.js';
import type { PayloadSubject, QueueName } from '../../queues/definitions.js';
import type { CoveredSubject, RunSubject } from '../../queues/producers.js';
import { queryPrepared } from '../db/prepared-statement.js';
import { runAsOneTransaction, type SqlStatement } from '../db/statement-batch.js';

type Executor = DataSource | EntityManager;

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
 * Outcomes from weakest to strongest. A repeat of a job keeps the strongest: a retry that
 * succeeds after a recorded failure wins; a repeat that finds nothing more to change does
 * not hide that the run changed something.
 */
export const STRENGTH = `ARRAY['failed', 'skipped', 'unchanged', 'changed']::varchar[]`;

/** sync_run_counter has this many shards per run (its check constraint agrees). */
export const COUNTER_SHARDS = 16;

/** The tail of an insert into sync_run_counter AS c: adds to the shard's counts when it has some. */
export const ADD_TO_COUNTER_SHARD = `ON CONFLICT (run_id, shard) DO UPDATE SET
    jobs_completed = c.jobs_completed + excluded.jobs_completed,
    jobs_failed = c.jobs_failed + excluded.jobs_failed,
    changes = c.changes + excluded.changes
  RETURNING c.run_id`;

/** How many of a job's changes (a jsonb array) the run counts: a kept value changed nothing. */
export function countedChanges(changes: string): string {
  return `(SELECT count(*) FROM jsonb_array_elements(${changes}) c WHERE c->>'direction' <> 'kept')::int`;
}

/**
 * More than the outcome statements that can be in flight at once across the deployment:
 * a statement cannot see the counts of those committing beside it, so each one this
 * close to the end settles the run after its commit, and the last of them completes it.
 */
const SETTLE_MARGIN = 1_000;

/**
 * One statement, so the runner's own record is a single round trip and atomic without a
 * transaction. The event row is locked (or inserted), and the transition from its
 * previous outcome decides the counts: only a subject's first terminal outcome counts,
 * and a failure later overturned by a success moves from failed to completed. The counts
 * go to one of the run's counter shards (see the sync-run-counters migration) keyed by
 * the subject, so concurrent jobs rarely wait on each other's commits. The rows are
 * locked in the order every outcome transaction takes them (see OutcomeGroup): the
 * learner row first (the event waits on learner_touch), then the event, then the shard.
 * A learner's jobs of one run finish close together, so lastSyncedAt is written at most
 * once a minute unless an error is set or cleared: most jobs then write no learner row.
 * The learner is touched even when the statement loses the subject's first record to a
 * racing job: it is then tried again, and a second touch within the minute changes nothing.
 */
const RECORD_OUTCOME_CTES = `
WITH learner_touch AS (
  UPDATE learner l SET
    last_synced_at = CASE WHEN $7::varchar <> 'failed' THEN now() ELSE l.last_synced_at END,
    last_error = CASE WHEN $7::varchar = 'failed' THEN $10::text WHEN l.last_error LIKE $11::text THEN NULL ELSE l.last_error END
  WHERE l.id = $6::int AND $12::boolean
    AND ($7::varchar = 'failed' OR l.last_error LIKE $11::text OR l.last_synced_at IS NULL OR l.last_synced_at < now() - interval '1 minute')
  RETURNING l.id
), existing AS (
  SELECT id, outcome FROM sync_event
  WHERE run_id = $1::uuid AND queue = $3 AND subject_type = $4 AND subject_ref = $5 AND (SELECT count(*) FROM learner_touch) >= 0
  FOR UPDATE
), updated AS (
  UPDATE sync_event e SET
    at = now(),
    job_id = $2,
    outcome = CASE WHEN array_position(${STRENGTH}, $7::varchar) > array_position(${STRENGTH}, e.outcome) THEN $7::varchar ELSE e.outcome END,
    error = CASE WHEN array_position(${STRENGTH}, $7::varchar) >= array_position(${STRENGTH}, e.outcome) THEN $9::text ELSE e.error END,
    changes = e.changes || $8::jsonb
  FROM existing x
  WHERE e.id = x.id
  RETURNING x.outcome AS before, e.outcome AS after
), inserted AS (
  INSERT INTO sync_event (run_id, job_id, queue, subject_type, subject_ref, learner_id, outcome, changes, error)
  SELECT $1::uuid, $2, $3, $4, $5, $6::int, $7::varchar, $8::jsonb, $9::text
  WHERE NOT EXISTS (SELECT 1 FROM existing)
  ON CONFLICT (run_id, queue, subject_type, subject_ref) DO NOTHING
  RETURNING NULL::varchar AS before, outcome AS after
), transition AS (
  SELECT before, after FROM updated UNION ALL SELECT before, after FROM inserted
), delta AS (
  SELECT
    count(*)::int AS applied,
    COALESCE(sum(CASE WHEN after <> 'failed' AND (before IS NULL OR before = 'failed') THEN 1 ELSE 0 END), 0)::int AS completed,
    COALESCE(sum(CASE WHEN after = 'failed' AND before IS NULL THEN 1 WHEN after <> 'failed' AND before = 'failed' THEN -1 ELSE 0 END), 0)::int AS failed
  FROM transition
), counter AS (
  INSERT INTO sync_run_counter AS c (run_id, shard, jobs_completed, jobs_failed, changes)
  SELECT $1::uuid, abs(hashtext($3 || '/' || $5)) % ${COUNTER_SHARDS}, d.completed, d.failed, ${countedChanges('$8::jsonb')}
  FROM delta d
  WHERE $1::uuid IS NOT NULL AND d.applied > 0
  ${ADD_TO_COUNTER_SHARD}
), run AS (
  SELECT r.state, r.fan_out_complete, r.jobs_total,
    r.jobs_completed + r.jobs_failed
      + COALESCE((SELECT sum(s.jobs_completed + s.jobs_failed) FROM sync_run_counter s WHERE s.run_id = r.id), 0)
      + (SELECT d.completed + d.failed FROM delta d) AS done_seen
  FROM sync_run r
  WHERE r.id = $1::uuid AND EXISTS (SELECT 1 FROM counter)
)
`;

const RECORD_OUTCOME_SQL = `${RECORD_OUTCOME_CTES}
SELECT d.applied, run.state, run.fan_out_complete, run.jobs_total, run.done_seen::int AS done_seen
FROM delta d LEFT JOIN run ON true`;

/** Marks the error by which the statement below says it lost the subject's first record to another job. */
export const LOST_FIRST_RECORD = 'sai: the sync event was first recorded by another job';

/**
 * The same statement after the job's own writes in one transaction (recordWithWrites).
 * When it loses the first record to a racing job it fails instead of answering 0, so
 * the writes are rolled back with it and the whole can be tried again: there is no
 * transaction left open in which to try the outcome alone. The failure is a cast of a
 * text that is not a number; the text depends on the row, so the planner cannot
 * evaluate it ahead.
 */
const RECORD_OUTCOME_AFTER_WRITES_SQL = `${RECORD_OUTCOME_CTES}
SELECT CASE WHEN d.applied > 0 THEN d.applied ELSE ('${LOST_FIRST_RECORD}: ' || d.applied)::int END AS applied,
  run.state, run.fan_out_complete, run.jobs_total, run.done_seen::int AS done_seen
FROM delta d LEFT JOIN run ON true`;

/** The text kept as the learner's last error: it names the queue, so that queue's next success clears it and no other. */
export function learnerErrorText(queue: QueueName, reason: string): string {
  return `${queue}: ${reason}`;
}

export interface RecordRow {
  applied: number;
  state: string | null;
  fan_out_complete: boolean | null;
  jobs_total: number | null;
  done_seen: number | null;
}

/**
 * Records one job outcome as its run's sync event, adds it to the run's counts and keeps
 * the learner's lastSyncedAt / lastError. Within a caller's transaction it leaves the
 * run to be settled after the commit (see RecordedOutcome); recordAndSettle does both.
 */
export async function recordOutcome(executor: Executor, record: OutcomeRecord): Promise<RecordedOutcome> {
  const params = outcomeParameters(record);
  // A first record for the subject racing another one loses its insert; the second try finds the row.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const [row] = (await queryPrepared(executor, 'sai-record-outcome', RECORD_OUTCOME_SQL, params)) as RecordRow[];
    if (row.applied === 0) continue;
    return recordedOutcome(row);
  }
  throw notRecorded(record);
}

/**
 * Locks the learner's row until the commit: a transaction that writes for a learner takes
 * it before its writes, as every outcome transaction takes its learner rows first (see
 * OutcomeGroup). Two jobs for one learner then also write one after the other.
 */
export function learnerLock(learnerId: number): SqlStatement {
  return { name: 'sai-lock-learner', text: `SELECT 1 FROM learner WHERE id = $1 FOR NO KEY UPDATE`, values: [learnerId] };
}

/**
 * The job's MIS writes and its outcome as one transaction in one round trip
 * (runAsOneTransaction): what a BEGIN, the learner's lock, the writes, recordOutcome and
 * a COMMIT do, for writes that need no answer before the next statement. As with
 * recordOutcome, the caller settles the run if it is asked to.
 */
export async function recordWithWrites(db: DataSource, writes: readonly SqlStatement[], record: OutcomeRecord): Promise<RecordedOutcome> {
  const outcome: SqlStatement = { name: 'sai-record-outcome-after-writes', text: RECORD_OUTCOME_AFTER_WRITES_SQL, values: outcomeParameters(record) };
  const { learnerId } = record.subject;
  const lock = learnerId !== null && writes.length > 0 ? [learnerLock(learnerId)] : [];
  // A first record for the subject racing another one rolls the whole back; the second try finds the row.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const answers = await runAsOneTransaction(db, [...lock, ...writes, outcome]);
      const [row] = answers[answers.length - 1] as RecordRow[];
      return recordedOutcome(row);
    } catch (error) {
      if (!(error instanceof QueryFailedError && error.message.includes(LOST_FIRST_RECORD))) throw error;
    }
  }
  throw notRecorded(record);
}

function outcomeParameters(record: OutcomeRecord): unknown[] {
  return [
    record.runId,
    record.jobId,
    record.queue,
    record.subject.type,
    record.subject.ref,
    record.subject.learnerId,
    record.outcome,
    JSON.stringify(record.changes),
    record.error,
    record.error === null ? null : learnerErrorText(record.queue, record.error),
    learnerErrorText(record.queue, '%'),
    record.touchLearner,
  ];
}

export function recordedOutcome(row: RecordRow): RecordedOutcome {
  if (row.state === null) return { settleRun: false };
  const nearTheEnd = row.fan_out_complete === true && (row.done_seen ?? 0) >= (row.jobs_total ?? 0) - SETTLE_MARGIN;
  return { settleRun: row.state !== 'running' || nearTheEnd };
}

function notRecorded(record: OutcomeRecord): Error {
  return new Error(`The outcome of ${record.queue} for ${record.subject.ref} could not be recorded`);
}

/** recordOutcome on its own (one statement, committed at once), then settleRun when it asks for it. */
export async function recordAndSettle(db: DataSource, record: OutcomeRecord): Promise<void> {
  const { settleRun: settle } = await recordOutcome(db, record);
  if (settle && record.runId) await settleRun(db, record.runId);
}

/**
 * Folds the run's counter shards into sync_run and completes the run when every job has
 * an outcome (state, finishedAt, and the settings' last synchronisation for a
 * whole-provider run). Deleting a shard locks it, so an outcome landing meanwhile waits
 * and then starts a new shard: nothing is counted twice or lost. Answers whether this
 * call completed the run.
 */
export async function settleRun(executor: Executor, runId: string): Promise<boolean> {
  const [row] = (await executor.query(
    `WITH drained AS (
       DELETE FROM sync_run_counter WHERE run_id = $1 RETURNING jobs_completed, jobs_failed, changes
     ), sums AS (
       SELECT COALESCE(sum(jobs_completed), 0)::int AS completed, COALESCE(sum(jobs_failed), 0)::int AS failed, COALESCE(sum(changes), 0)::int AS changes
       FROM drained
     ), run AS (
       UPDATE sync_run r SET
         jobs_completed = r.jobs_completed + s.completed,
         jobs_failed = r.jobs_failed + s.failed,
         changes = r.changes + s.changes,
         state = CASE WHEN r.state = 'running' AND r.fan_out_complete AND r.jobs_completed + s.completed + r.jobs_failed + s.failed >= r.jobs_total
           THEN 'completed' ELSE r.state END,
         finished_at = CASE WHEN r.state = 'running' AND r.fan_out_complete AND r.jobs_completed + s.completed + r.jobs_failed + s.failed >= r.jobs_total
           THEN now() ELSE r.finished_at END
       FROM sums s
       WHERE r.id = $1
       RETURNING r.trigger, r.state, r.finished_at = now() AS finished_now
     ), settings AS (
       UPDATE integration_settings s SET last_synchronised_at = now()
       FROM run WHERE s.id = 1 AND run.finished_now AND run.trigger <> 'learner'
       RETURNING s.id
     )
     SELECT COALESCE((SELECT finished_now FROM run), false) AS finished_now`,
    [runId],
  )) as Array<{ finished_now: boolean }>;
  return row.finished_now;
}

/** A run job's subject as its sync event names it. */
export function eventSubject(subject: RunSubject): SyncSubject {
  return { type: subject.kind.subjectType, ref: subject.ref, learnerId: subject.learnerId };
}

/** The subject's ref for an event, when only the payload's id is known (a failure before the processor said whom). */
export async function subjectOf(executor: Executor, subject: PayloadSubject): Promise<SyncSubject> {
  const table = { learner: 'learner', officer: 'officer', organisation: 'organisation' }[subject.type];
  const refColumn = subject.type === 'learner' ? 'learner_ident' : 'ref';
  const [row] = (await executor.query(`SELECT ${refColumn} AS ref FROM ${table} WHERE id = $1`, [subject.id])) as Array<{ ref: string }>;
  return {
    type: subject.type,
    ref: row?.ref ?? `${subject.type} #${subject.id}`,
    learnerId: subject.type === 'learner' && row ? subject.id : null,
  };
}

/** Subjects a run left to another run's pending job: done here, as skipped, with a note of which job does them. */
export async function recordCovered(db: DataSource, runId: string, covered: readonly CoveredSubject[]): Promise<void> {
  for (const { subject, coveringJobId } of covered) {
    await recordAndSettle(db, {
      runId,
      jobId: null,
      queue: subject.kind.queue,
      subject: eventSubject(subject),
      outcome: 'skipped',
      changes: [],
      error: `not run by this run: job ${coveringJobId} was already queued for ${subject.ref}`,
      touchLearner: false,
    });
  }
}
