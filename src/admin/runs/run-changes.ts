import type { DataSource } from 'typeorm';
import { DIRECTIONS, EVENT_OUTCOMES, type Direction, type EventOutcome, type FieldChange, type SubjectType } from '../../../entities/index.js';
import { QUEUE_NAMES, type QueueName } from '../../../queues/definitions.js';
import { csvLines } from '../../csv.js';
import type { PageOf, Paging } from '../http/request-parsing.js';

/**
 * A run's sync events, to browse (GET /api/sync/runs/{runId}/changes) and to download as
 * CSV: for a dry run, what it would have changed. Filtered by outcome and queue, and by
 * the field and direction of the changes; an event shown under a field or direction
 * filter shows only its changes that match.
 */

export interface RunChangesFilter {
  outcome?: EventOutcome;
  queue?: QueueName;
  field?: string;
  direction?: Direction;
}

export const RUN_CHANGE_FILTERS = { outcome: EVENT_OUTCOMES, queue: QUEUE_NAMES, direction: DIRECTIONS } as const;

/** contracts/admin-api.md `SyncEvent`, with whom it is about. */
export interface RunChangeView {
  at: string;
  runId: string;
  queue: string;
  subjectType: SubjectType;
  subjectRef: string;
  outcome: EventOutcome;
  changes: FieldChange[];
  error: string | null;
}

interface EventRow {
  id: string;
  at: Date;
  queue: string;
  subject_type: SubjectType;
  subject_ref: string;
  outcome: EventOutcome;
  changes: FieldChange[];
  error: string | null;
}

/** The WHERE of the run's events under `filter`, from parameter $1 (the run) on. */
function eventsWhere(runId: string, filter: RunChangesFilter): { where: string; values: unknown[] } {
  const values: unknown[] = [runId];
  const clauses = ['run_id = $1'];
  if (filter.outcome) clauses.push(`outcome = $${values.push(filter.outcome)}`);
  if (filter.queue) clauses.push(`queue = $${values.push(filter.queue)}`);
  const wanted = { ...(filter.field ? { field: filter.field } : {}), ...(filter.direction ? { direction: filter.direction } : {}) };
  if (Object.keys(wanted).length > 0) clauses.push(`changes @> $${values.push(JSON.stringify([wanted]))}::jsonb`);
  return { where: clauses.join(' AND '), values };
}

function matching(changes: FieldChange[], filter: RunChangesFilter): FieldChange[] {
  return changes.filter((change) => (!filter.field || change.field === filter.field) && (!filter.direction || change.direction === filter.direction));
}

function changeView(runId: string, row: EventRow, filter: RunChangesFilter): RunChangeView {
  return {
    at: row.at.toISOString(),
    runId,
    queue: row.queue,
    subjectType: row.subject_type,
    subjectRef: row.subject_ref,
    outcome: row.outcome,
    changes: matching(row.changes, filter),
    error: row.error,
  };
}

const EVENT_COLUMNS = 'id, at, queue, subject_type, subject_ref, outcome, changes, error';

/** A page of the run's events under `filter`, in the order they were recorded. */
export async function runChanges(db: DataSource, runId: string, filter: RunChangesFilter, paging: Paging): Promise<PageOf<RunChangeView>> {
  const { where, values } = eventsWhere(runId, filter);
  const [counted, rows] = await Promise.all([
    db.query(`SELECT count(*)::int AS total FROM sync_event WHERE ${where}`, values) as Promise<Array<{ total: number }>>,
    db.query(`SELECT ${EVENT_COLUMNS} FROM sync_event WHERE ${where} ORDER BY id LIMIT $${values.length + 1} OFFSET $${values.length + 2}`, [
      ...values,
      paging.pageSize,
      (paging.page - 1) * paging.pageSize,
    ]) as Promise<EventRow[]>,
  ]);
  return { items: rows.map((row) => changeView(runId, row, filter)), page: paging.page, pageSize: paging.pageSize, totalItems: counted[0]!.total };
}

const CSV_HEADER = ['at', 'queue', 'subjectType', 'subjectRef', 'outcome', 'record', 'field', 'from', 'to', 'direction', 'error'] as const;
/** Events read at a time for the CSV: a large run's download never holds its events all at once in one result. */
const CSV_BATCH = 2_000;

function cellOf(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean);
}

/** Every event of the run under `filter` as CSV, one line per change (an event without changes, e.g. a failure, is one line). */
export async function runChangesCsv(db: DataSource, runId: string, filter: RunChangesFilter): Promise<string> {
  const { where, values } = eventsWhere(runId, filter);
  const lines: Array<ReadonlyArray<string | number | boolean>> = [CSV_HEADER];
  let after = '0';
  for (;;) {
    const rows = (await db.query(`SELECT ${EVENT_COLUMNS} FROM sync_event WHERE ${where} AND id > $${values.length + 1} ORDER BY id LIMIT ${CSV_BATCH}`, [
      ...values,
      after,
    ])) as EventRow[];
    for (const row of rows) {
      const view = changeView(runId, row, filter);
      const event = [view.at, view.queue, view.subjectType, view.subjectRef, view.outcome];
      const changes: Array<FieldChange | null> = view.changes.length > 0 ? view.changes : [null];
      for (const change of changes) {
        lines.push([...event, ...[change?.record, change?.field, change?.from, change?.to, change?.direction, view.error].map(cellOf)]);
      }
    }
    if (rows.length < CSV_BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
  return csvLines(lines);
}
