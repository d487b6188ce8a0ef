import type { DataSource } from 'typeorm';
import type { SmartAssessorRecordCounts, UnmatchedCounts } from '../../entities/index.js';
import { enqueueMatch, type OnboardingQueue } from '../../queues/onboarding.js';
import { isUuid } from '../../queues/job-ids.js';
import { csvLines } from '../csv.js';
import { MATCH_BASES, ONBOARDING_KINDS, type MatchBasis, type OnboardingKind } from './match-rules.js';

/** No match with that id (the admin API answers 404). */
export class MatchNotFoundError extends Error {
  constructor(readonly matchId: string) {
    super(`There is no onboarding match "${matchId}"`);
    this.name = 'MatchNotFoundError';
  }
}

export type MatchState = 'running' | 'ready' | 'failed';

export interface ProposalView {
  proposalId: string;
  kind: OnboardingKind;
  misRef: string;
  /** The learner's or officer's name, the organisation's: what the admin knows it by. */
  misName: string;
  smartAssessorId: string;
  smartAssessorName: string;
  basis: MatchBasis;
  unique: boolean;
  /** Smart Assessor records that fit the MIS record by this basis; more than one needs a choice. */
  candidates: number;
  linked: boolean;
}

/** Proposals of one kind and basis, for the page's summary. */
export interface ProposalCount {
  kind: OnboardingKind;
  basis: MatchBasis;
  proposals: number;
  /** MIS records these proposals are for. */
  records: number;
  unique: number;
  linked: number;
}

export interface MatchSummary {
  matchId: string;
  state: MatchState;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Pages of Smart Assessor's lists read, of how many (null until the first page of each list is read). */
  progress: { pagesRead: number; pagesTotal: number | null };
  smartAssessorRecords: SmartAssessorRecordCounts | null;
  error: string | null;
}

/** The admin API's OnboardingMatch (contracts/admin-api.md), with the summary beside it. */
export interface MatchView extends MatchSummary {
  proposals: ProposalView[];
  unmatched: UnmatchedCounts;
  counts: ProposalCount[];
  page: number;
  pageSize: number;
  totalItems: number;
}

export interface ProposalFilter {
  kind?: OnboardingKind;
  basis?: MatchBasis;
  unique?: boolean;
  linked?: boolean;
}

const NO_UNMATCHED: UnmatchedCounts = { learners: 0, organisations: 0, officers: 0 };

interface MatchRow {
  id: string;
  state: MatchState;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  pages_read: number;
  pages_total: number | null;
  smart_assessor_records: SmartAssessorRecordCounts | null;
  unmatched: UnmatchedCounts | null;
  error: string | null;
}

interface ProposalRow {
  id: string;
  kind: OnboardingKind;
  mis_ref: string;
  mis_name: string;
  smart_assessor_id: string;
  smart_assessor_name: string;
  basis: MatchBasis;
  is_unique: boolean;
  candidates: number;
  linked_at: Date | null;
}

/**
 * POST /api/onboarding/matches: a match queued for a worker (the request never waits
 * for Smart Assessor). While one is running, asking again answers that one: a second
 * would read the same pages for the same answer.
 */
export async function startMatch(db: DataSource, queue: OnboardingQueue): Promise<{ matchId: string }> {
  const matchId = await db.transaction(async (manager) => {
    // Two requests at once must not both find none running.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('sai:onboarding-match'))`);
    const [running] = (await manager.query(`SELECT id FROM onboarding_match WHERE state = 'running' ORDER BY created_at LIMIT 1`)) as Array<{ id: string }>;
    if (running) return running.id;
    const [created] = (await manager.query(`INSERT INTO onboarding_match DEFAULT VALUES RETURNING id`)) as Array<{ id: string }>;
    return created.id;
  });
  // Should this add be lost (Redis away), the match is still running in PostgreSQL: the keeper queues it.
  await enqueueMatch(queue, matchId);
  return { matchId };
}

/** GET /api/onboarding/matches/{matchId}: the match, a page of its proposals (filtered), and the counts by kind and basis. */
export async function matchView(db: DataSource, matchId: string, paging: { page: number; pageSize: number }, filter: ProposalFilter = {}): Promise<MatchView> {
  const row = await matchRow(db, matchId);
  const { where, values } = proposalWhere(matchId, filter);
  const [items, [{ total }], counts] = await Promise.all([
    db.query(`SELECT * FROM onboarding_proposal WHERE ${where} ORDER BY id LIMIT $${values.length + 1} OFFSET $${values.length + 2}`, [
      ...values,
      paging.pageSize,
      (paging.page - 1) * paging.pageSize,
    ]) as Promise<ProposalRow[]>,
    db.query(`SELECT count(*)::int AS total FROM onboarding_proposal WHERE ${where}`, values) as Promise<Array<{ total: number }>>,
    proposalCounts(db, matchId),
  ]);
  return {
    ...summaryOf(row),
    proposals: items.map(proposalView),
    unmatched: row.unmatched ?? NO_UNMATCHED,
    counts,
    page: paging.page,
    pageSize: paging.pageSize,
    totalItems: total,
  };
}

/** GET /api/onboarding/matches: the matches, newest first. */
export async function listMatches(
  db: DataSource,
  paging: { page: number; pageSize: number },
): Promise<{ items: MatchSummary[]; page: number; pageSize: number; totalItems: number }> {
  const [rows, [{ total }]] = await Promise.all([
    db.query(`SELECT * FROM onboarding_match ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`, [paging.pageSize, (paging.page - 1) * paging.pageSize]) as Promise<MatchRow[]>,
    db.query(`SELECT count(*)::int AS total FROM onboarding_match`) as Promise<Array<{ total: number }>>,
  ]);
  return { items: rows.map(summaryOf), page: paging.page, pageSize: paging.pageSize, totalItems: total };
}

const CSV_COLUMNS = ['proposalId', 'kind', 'misRef', 'misName', 'smartAssessorId', 'smartAssessorName', 'basis', 'unique', 'candidates', 'linked'] as const;

/** GET …/proposals.csv: every proposal of the match (filtered as the page is), one line each, for a spreadsheet. */
export async function proposalsCsv(db: DataSource, matchId: string, filter: ProposalFilter = {}): Promise<string> {
  await matchRow(db, matchId);
  const { where, values } = proposalWhere(matchId, filter);
  const rows = (await db.query(`SELECT * FROM onboarding_proposal WHERE ${where} ORDER BY id`, values)) as ProposalRow[];
  const lines = rows.map((row) => {
    const view = proposalView(row);
    return CSV_COLUMNS.map((column) => view[column]);
  });
  return csvLines([CSV_COLUMNS, ...lines]);
}

async function matchRow(db: DataSource, matchId: string): Promise<MatchRow> {
  if (!isUuid(matchId)) throw new MatchNotFoundError(matchId);
  const [row] = (await db.query(`SELECT * FROM onboarding_match WHERE id = $1`, [matchId])) as MatchRow[];
  if (!row) throw new MatchNotFoundError(matchId);
  return row;
}

async function proposalCounts(db: DataSource, matchId: string): Promise<ProposalCount[]> {
  const rows = (await db.query(
    `SELECT kind, basis, count(*)::int AS proposals, count(DISTINCT mis_id)::int AS records,
       count(*) FILTER (WHERE is_unique)::int AS "unique", count(*) FILTER (WHERE linked_at IS NOT NULL)::int AS linked
     FROM onboarding_proposal WHERE match_id = $1 GROUP BY kind, basis`,
    [matchId],
  )) as ProposalCount[];
  const order = (count: ProposalCount) => ONBOARDING_KINDS.indexOf(count.kind) * MATCH_BASES.length + MATCH_BASES.indexOf(count.basis);
  return rows.sort((a, b) => order(a) - order(b));
}

function proposalWhere(matchId: string, filter: ProposalFilter): { where: string; values: unknown[] } {
  const values: unknown[] = [matchId];
  const conditions = ['match_id = $1'];
  if (filter.kind) conditions.push(`kind = $${values.push(filter.kind)}`);
  if (filter.basis) conditions.push(`basis = $${values.push(filter.basis)}`);
  if (filter.unique !== undefined) conditions.push(`is_unique = $${values.push(filter.unique)}`);
  if (filter.linked !== undefined) conditions.push(filter.linked ? 'linked_at IS NOT NULL' : 'linked_at IS NULL');
  return { where: conditions.join(' AND '), values };
}

function summaryOf(row: MatchRow): MatchSummary {
  return {
    matchId: row.id,
    state: row.state,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    progress: { pagesRead: row.pages_read, pagesTotal: row.pages_total },
    smartAssessorRecords: row.smart_assessor_records,
    error: row.error,
  };
}

function proposalView(row: ProposalRow): ProposalView {
  return {
    proposalId: row.id,
    kind: row.kind,
    misRef: row.mis_ref,
    misName: row.mis_name,
    smartAssessorId: row.smart_assessor_id,
    smartAssessorName: row.smart_assessor_name,
    basis: row.basis,
    unique: row.is_unique,
    candidates: row.candidates,
    linked: row.linked_at !== null,
  };
}
