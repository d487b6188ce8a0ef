/** Sync events as the admin API pages them: a learner's history, and an officer's or organisation's. */
import { IsNull, Raw, type DataSource, type FindOptionsWhere } from 'typeorm';
import { SyncEvent, type EventOutcome, type FieldChange } from '../../../entities/index.js';
import type { PageOf, Paging } from '../http/request-parsing.js';

/** contracts/admin-api.md `SyncEvent`. */
export interface SyncEventView {
  at: string;
  runId: string | null;
  queue: string;
  outcome: EventOutcome;
  changes: FieldChange[];
  error: string | null;
}

function syncEventView(event: SyncEvent): SyncEventView {
  return {
    at: event.at.toISOString(),
    runId: event.runId,
    queue: event.queue,
    outcome: event.outcome,
    changes: event.changes,
    error: event.error,
  };
}

/**
 * A record's history is what was done to it: a dry run's events (what it would have done)
 * are the dry run's, browsed with it, never mixed in here.
 */
const NOT_A_DRY_RUN = Raw((runId) => `(${runId} IS NULL OR ${runId} NOT IN (SELECT id FROM sync_run WHERE dry_run))`);

/** The events `where` picks, newest first, a page at a time. */
async function historyPage(db: DataSource, where: FindOptionsWhere<SyncEvent>, paging: Paging): Promise<PageOf<SyncEventView>> {
  const [events, totalItems] = await db.getRepository(SyncEvent).findAndCount({
    where: { ...where, runId: NOT_A_DRY_RUN },
    order: { at: 'DESC', id: 'DESC' },
    skip: (paging.page - 1) * paging.pageSize,
    take: paging.pageSize,
  });
  return { items: events.map(syncEventView), page: paging.page, pageSize: paging.pageSize, totalItems };
}

/** A learner's sync events, newest first (sync_event_learner_history_idx). */
export function learnerHistory(db: DataSource, learnerId: number, paging: Paging): Promise<PageOf<SyncEventView>> {
  return historyPage(db, { learnerId }, paging);
}

/** An officer's or organisation's own sync events (their details jobs), newest first (sync_event_record_history_idx). */
export function recordHistory(db: DataSource, record: { type: 'officer' | 'organisation'; ref: string }, paging: Paging): Promise<PageOf<SyncEventView>> {
  return historyPage(db, { subjectType: record.type, subjectRef: record.ref, learnerId: IsNull() }, paging);
}
