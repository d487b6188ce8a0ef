import type { DataSource } from 'typeorm';
import type { SystemStatus } from '../../../entities/index.js';
import { eligibilityCutoff, isEligible, learningState, type IsoDate } from '../../sync/index.js';
import type { PageOf, Paging } from '../http/request-parsing.js';
import { ELIGIBLE_LEARNER_SQL } from '../../runs/run-subjects.js';
import { containsAll, positionalBinder } from '../search-terms.js';

/** A row of the learner list (the list's `LearnerSummary`). */
export interface LearnerSummary {
  learnerIdent: string;
  firstName: string;
  surname: string;
  uln: string | null;
  email: string | null;
  systemStatus: SystemStatus;
  placementOrganisation: { ref: string; name: string } | null;
  smartAssessorId: string | null;
  inLearning: boolean;
  endedOn: string | null;
  eligible: boolean;
  lastSyncedAt: string | null;
  lastError: string | null;
}

export interface LearnerFilter {
  /** Words that must each appear in the ident, name, ULN or email (any case). */
  search?: string;
  eligible?: boolean;
}

/** The expression learner_search_idx indexes (migration AdminSearchIndexes). */
const SEARCH_EXPRESSION = `lower(l.learner_ident || ' ' || l.first_name || ' ' || l.surname || ' ' || coalesce(l.uln, '') || ' ' || coalesce(l.email, ''))`;

interface LearnerRow {
  id: number;
  learner_ident: string;
  first_name: string;
  surname: string;
  uln: string | null;
  email: string | null;
  system_status: SystemStatus;
  smart_assessor_id: string | null;
  last_synced_at: Date | null;
  last_error: string | null;
  organisation_ref: string | null;
  organisation_name: string | null;
}

/**
 * One page of learners in Learner Ident order. The eligibility filter is the daily run's
 * own SQL form of SPEC.md §4's rule; each row's flags come from the rule functions.
 */
export async function searchLearners(db: DataSource, filter: LearnerFilter, paging: Paging, today: IsoDate): Promise<PageOf<LearnerSummary>> {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  if (filter.eligible !== undefined) {
    // ELIGIBLE_LEARNER_SQL reads the cutoff from $1, so it is bound first.
    parameters.push(eligibilityCutoff(today));
    conditions.push(filter.eligible ? `(${ELIGIBLE_LEARNER_SQL})` : `NOT (${ELIGIBLE_LEARNER_SQL})`);
  }
  const search = containsAll(SEARCH_EXPRESSION, filter.search, positionalBinder(parameters));
  if (search) conditions.push(search);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const [counted, rows] = await Promise.all([
    db.query(`SELECT count(*)::int AS total FROM learner l ${where}`, parameters) as Promise<Array<{ total: number }>>,
    db.query(
      `SELECT l.id, l.learner_ident, l.first_name, l.surname, l.uln, l.email, l.system_status, l.smart_assessor_id,
              l.last_synced_at, l.last_error, o.ref AS organisation_ref, o.name AS organisation_name
         FROM learner l
         LEFT JOIN organisation o ON o.id = l.placement_organisation_id
         ${where}
        ORDER BY l.learner_ident
        LIMIT $${parameters.length + 1} OFFSET $${parameters.length + 2}`,
      [...parameters, paging.pageSize, (paging.page - 1) * paging.pageSize],
    ) as Promise<LearnerRow[]>,
  ]);
  const endDates = await aimEndDates(
    db,
    rows.map((row) => row.id),
  );
  return {
    items: rows.map((row) => summary(row, endDates.get(row.id) ?? [], today)),
    page: paging.page,
    pageSize: paging.pageSize,
    totalItems: counted[0]!.total,
  };
}

async function aimEndDates(db: DataSource, learnerIds: number[]): Promise<Map<number, Array<{ actualEndDate: string | null }>>> {
  const byLearner = new Map<number, Array<{ actualEndDate: string | null }>>();
  if (learnerIds.length === 0) return byLearner;
  const rows: Array<{ learner_id: number; actual_end_date: string | null }> = await db.query(
    'SELECT learner_id, actual_end_date::text AS actual_end_date FROM learning_aim WHERE learner_id = ANY($1::int[])',
    [learnerIds],
  );
  for (const row of rows) {
    const list = byLearner.get(row.learner_id) ?? [];
    list.push({ actualEndDate: row.actual_end_date });
    byLearner.set(row.learner_id, list);
  }
  return byLearner;
}

function summary(row: LearnerRow, aims: Array<{ actualEndDate: string | null }>, today: IsoDate): LearnerSummary {
  const state = learningState(aims);
  return {
    learnerIdent: row.learner_ident,
    firstName: row.first_name,
    surname: row.surname,
    uln: row.uln,
    email: row.email,
    systemStatus: row.system_status,
    placementOrganisation: row.organisation_ref ? { ref: row.organisation_ref, name: row.organisation_name! } : null,
    smartAssessorId: row.smart_assessor_id,
    inLearning: state.inLearning,
    endedOn: state.endedOn,
    eligible: isEligible({ systemStatus: row.system_status, smartAssessorId: row.smart_assessor_id, aims }, today),
    lastSyncedAt: row.last_synced_at ? row.last_synced_at.toISOString() : null,
    lastError: row.last_error,
  };
}
