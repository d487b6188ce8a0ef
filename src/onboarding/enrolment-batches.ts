import type { DataSource } from 'typeorm';
import { enqueueBatchFeeder, type OnboardingQueue } from '../../queues/onboarding.js';
import { isUuid } from '../../queues/job-ids.js';
import { ValidationFailedError } from '../failure-kinds.js';
import { learnerRecord } from '../sync/index.js';
import { requireIntegrationEnabled } from '../settings/integration-switch.js';

/** No such batch (the admin API answers 404). */
export class BatchNotFoundError extends Error {
  constructor(readonly batchId: string) {
    super(`There is no bulk enrolment "${batchId}"`);
    this.name = 'BatchNotFoundError';
  }
}

/** `allUnenrolled` found nobody to enrol (the admin API answers 409). */
export class NothingToEnrolError extends Error {
  constructor() {
    super('No learner is Live, in learning and without a Smart Assessor ID: there is nobody to enrol');
    this.name = 'NothingToEnrolError';
  }
}

export type BulkEnrolmentRequest = { learnerIdents: readonly string[] } | { allUnenrolled: true };

export interface BatchFailure {
  learnerIdent: string;
  error: string;
}

/** GET /api/enrolments/{batchId} (contracts/admin-api.md), with when it began and ended. */
export interface BatchView {
  batchId: string;
  /** running until every learner is enrolled or failed. */
  state: 'running' | 'finished';
  createdAt: string;
  finishedAt: string | null;
  total: number;
  enrolled: number;
  failed: number;
  /** Not yet enrolled or failed: waiting their turn, or in the enrolment queue (`inQueue` of them). */
  waiting: number;
  inQueue: number;
  failures: BatchFailure[];
}

/**
 * POST /api/enrolments: a bulk enrolment of the learners named, or of every Live, in
 * learning learner without a Smart Assessor ID, queued as a batch whose feeder (an
 * onboarding job) passes them to the normal enrolment job a few at a time. Refused while
 * the integration is disabled; an unknown or already enrolled learner named in the list
 * refuses the whole request, naming each. Nothing is sent to Smart Assessor here.
 */
export async function requestBulkEnrolment(db: DataSource, queue: OnboardingQueue, request: BulkEnrolmentRequest): Promise<{ batchId: string; learners: number }> {
  await requireIntegrationEnabled(db, 'bulk enrolment');
  const learnerIds = 'allUnenrolled' in request ? await unenrolledLearners(db) : await namedLearners(db, request.learnerIdents);
  if (learnerIds.length === 0) throw new NothingToEnrolError();
  const batchId = await db.transaction(async (manager) => {
    const [batch] = (await manager.query(`INSERT INTO enrolment_batch DEFAULT VALUES RETURNING id`)) as Array<{ id: string }>;
    await manager.query(
      `INSERT INTO enrolment_batch_learner (batch_id, learner_id, position)
       SELECT $1, v.learner_id, v.position FROM unnest($2::int[]) WITH ORDINALITY AS v(learner_id, position)`,
      [batch.id, learnerIds],
    );
    return batch.id;
  });
  // Should this add be lost (Redis away), the batch is unfinished in PostgreSQL: the keeper queues its feeder.
  await enqueueBatchFeeder(queue, batchId);
  return { batchId, learners: learnerIds.length };
}

/** Live, in learning (an aim without an actual end date), no Smart Assessor ID: in Learner Ident order. */
async function unenrolledLearners(db: DataSource): Promise<number[]> {
  const rows = (await db.query(
    `SELECT l.id FROM learner l
     WHERE l.system_status = 'Live' AND coalesce(btrim(l.smart_assessor_id), '') = ''
       AND EXISTS (SELECT 1 FROM learning_aim a WHERE a.learner_id = l.id AND a.actual_end_date IS NULL)
     ORDER BY l.learner_ident`,
  )) as Array<{ id: number }>;
  return rows.map((row) => row.id);
}

/** The named learners in the order given (each once); every unknown or enrolled one is named in the refusal. */
async function namedLearners(db: DataSource, idents: readonly string[]): Promise<number[]> {
  const rows = (await db.query(`SELECT id, learner_ident, smart_assessor_id FROM learner WHERE learner_ident = ANY($1::varchar[])`, [[...new Set(idents)]])) as Array<{
    id: number;
    learner_ident: string;
    smart_assessor_id: string | null;
  }>;
  const byIdent = new Map(rows.map((row) => [row.learner_ident, row]));
  const fields: Record<string, string> = {};
  const ids: number[] = [];
  const seen = new Set<string>();
  idents.forEach((ident, index) => {
    const row = byIdent.get(ident);
    if (!row) fields[`learnerIdents[${index}]`] = `is not the Learner Ident of any learner`;
    else if (row.smart_assessor_id?.trim()) fields[`learnerIdents[${index}]`] = `${learnerRecord(ident)} is already enrolled (Smart Assessor ID ${row.smart_assessor_id.trim()})`;
    else if (!seen.has(ident)) ids.push(row.id);
    seen.add(ident);
  });
  const problems = Object.entries(fields);
  if (problems.length > 0) {
    throw new ValidationFailedError(`Bulk enrolment refused: ${problems.map(([field, reason]) => `${field} ${reason}`).join('; ')}`, fields);
  }
  return ids;
}

type BatchSummary = Omit<BatchView, 'failures'>;

interface BatchRow {
  id: string;
  created_at: Date;
  finished_at: Date | null;
}

/** GET /api/enrolments/{batchId}: its counts and every failure, from PostgreSQL alone. */
export async function batchView(db: DataSource, batchId: string): Promise<BatchView> {
  if (!isUuid(batchId)) throw new BatchNotFoundError(batchId);
  const [batch] = (await db.query(`SELECT id, created_at, finished_at FROM enrolment_batch WHERE id = $1`, [batchId])) as BatchRow[];
  if (!batch) throw new BatchNotFoundError(batchId);
  const [summary, failures] = await Promise.all([
    batchSummary(db, batch),
    db.query(
      `SELECT l.learner_ident AS "learnerIdent", b.error FROM enrolment_batch_learner b JOIN learner l ON l.id = b.learner_id
       WHERE b.batch_id = $1 AND b.state = 'failed' ORDER BY b.position`,
      [batchId],
    ) as Promise<BatchFailure[]>,
  ]);
  return { ...summary, failures };
}

/** GET /api/enrolments: the batches, newest first, each with its counts (its failures are on its own page). */
export async function listBatches(
  db: DataSource,
  paging: { page: number; pageSize: number },
): Promise<{ items: BatchSummary[]; page: number; pageSize: number; totalItems: number }> {
  const [rows, [{ total }]] = await Promise.all([
    db.query(`SELECT id, created_at, finished_at FROM enrolment_batch ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`, [
      paging.pageSize,
      (paging.page - 1) * paging.pageSize,
    ]) as Promise<BatchRow[]>,
    db.query(`SELECT count(*)::int AS total FROM enrolment_batch`) as Promise<Array<{ total: number }>>,
  ]);
  return { items: await Promise.all(rows.map((row) => batchSummary(db, row))), page: paging.page, pageSize: paging.pageSize, totalItems: total };
}

async function batchSummary(db: DataSource, batch: BatchRow): Promise<BatchSummary> {
  const counts = (await db.query(`SELECT state, count(*)::int AS n FROM enrolment_batch_learner WHERE batch_id = $1 GROUP BY state`, [batch.id])) as Array<{
    state: string;
    n: number;
  }>;
  const count = (state: string) => counts.find((row) => row.state === state)?.n ?? 0;
  return {
    batchId: batch.id,
    state: batch.finished_at ? 'finished' : 'running',
    createdAt: batch.created_at.toISOString(),
    finishedAt: batch.finished_at?.toISOString() ?? null,
    total: counts.reduce((sum, row) => sum + row.n, 0),
    enrolled: count('enrolled'),
    failed: count('failed'),
    waiting: count('waiting') + count('queued'),
    inQueue: count('queued'),
  };
}
