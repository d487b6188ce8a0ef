import type { DataSource } from 'typeorm';
import { SyncEvent, type EventOutcome, type FieldChange } from '../../../entities/index.js';
import type { PageOf, Paging } from '../http/validation.js';

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

/** A learner's sync events, newest first (sync_event_learner_history_idx). */
export async function learnerHistory(db: DataSource, learnerId: number, paging: Paging): Promise<PageOf<SyncEventView>> {
  const [events, totalItems] = await db.getRepository(SyncEvent).findAndCount({
    where: { learnerId },
    order: { at: 'DESC', id: 'DESC' },
    skip: (paging.page - 1) * paging.pageSize,
    take: paging.pageSize,
  });
  return { items: events.map(syncEventView), page: paging.page, pageSize: paging.pageSize, totalItems };
}
