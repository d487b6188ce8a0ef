import type { DataSource, EntityManager } from 'typeorm';
import { isUuid } from '../../queues/job-ids.js';
import { isUniqueViolation, LEARNER_SMART_ASSESSOR_ID, OFFICER_ADDITIONAL_ID, ORGANISATION_ADDITIONAL_ID, type SmartAssessorIdColumn } from '../enrolment/smart-assessor-ids.js';
import { misRecordName, planAccept, type AcceptCandidate, type SkippedProposal } from './accept-rules.js';
import type { OnboardingKind } from './match-rules.js';
import { MatchNotFoundError } from './matches.js';

/** What an accepted link's sync event is filed under (the history's "Work" column), as an admin's own edit is under "admin". */
export const ONBOARDING_EVENT_QUEUE = 'onboarding';

/** Proposals decided and written per transaction: a whole provider's unique ones go through in a handful. */
const PROPOSALS_PER_TRANSACTION = 500;
/** A chunk whose write met a link made at the same moment elsewhere is read and decided again. */
const TRIES_PER_CHUNK = 3;

/** The match is not ready (still running, or failed): there is nothing to accept yet (the API answers 409). */
export class MatchNotReadyError extends Error {
  constructor(
    readonly matchId: string,
    readonly state: string,
  ) {
    super(`Onboarding match ${matchId} is ${state === 'running' ? 'still running' : 'failed'}: only a ready match's proposals can be accepted`);
    this.name = 'MatchNotReadyError';
  }
}

export type AcceptRequest = { proposalIds: readonly string[] } | { allUnique: true };

export interface AcceptAnswer {
  linked: number;
  skipped: SkippedProposal[];
}

const COLUMN: Record<OnboardingKind, SmartAssessorIdColumn> = {
  learner: LEARNER_SMART_ASSESSOR_ID,
  organisation: ORGANISATION_ADDITIONAL_ID,
  officer: OFFICER_ADDITIONAL_ID,
};

interface ProposalRow {
  id: string;
  kind: OnboardingKind;
  mis_id: number;
  mis_ref: string;
  smart_assessor_id: string;
  linked_at: Date | null;
}

/**
 * POST /api/onboarding/matches/{matchId}/accept (SPEC.md §6): links each accepted
 * proposal's MIS record to its Smart Assessor record (the learner's Smart Assessor ID,
 * the organisation's or officer's Additional ID), with a sync event for each link in
 * the same transaction, and sends nothing to Smart Assessor. `allUnique` takes every
 * unique proposal not yet linked; named proposals may be ambiguous ones (the admin's
 * choice among the candidates). The MIS records are locked while they are decided, so a
 * record linked meanwhile, a Smart Assessor record another MIS record took, or a
 * proposal accepted twice (two requests at once, or one repeated) is skipped with the
 * reason: accepting is idempotent.
 */
export async function acceptProposals(db: DataSource, matchId: string, request: AcceptRequest): Promise<AcceptAnswer> {
  if (!isUuid(matchId)) throw new MatchNotFoundError(matchId);
  const [match] = (await db.query(`SELECT state FROM onboarding_match WHERE id = $1`, [matchId])) as Array<{ state: string }>;
  if (!match) throw new MatchNotFoundError(matchId);
  if (match.state !== 'ready') throw new MatchNotReadyError(matchId, match.state);

  const skipped: SkippedProposal[] = [];
  let wanted: string[];
  if ('allUnique' in request) {
    const rows = (await db.query(`SELECT id FROM onboarding_proposal WHERE match_id = $1 AND is_unique AND linked_at IS NULL ORDER BY id`, [matchId])) as Array<{
      id: string;
    }>;
    wanted = rows.map((row) => row.id);
  } else {
    wanted = [...new Set(request.proposalIds)];
    const known = new Set(
      ((await db.query(`SELECT id::text AS id FROM onboarding_proposal WHERE match_id = $1 AND id = ANY($2::bigint[])`, [matchId, wanted])) as Array<{ id: string }>).map(
        (row) => row.id,
      ),
    );
    for (const id of wanted) if (!known.has(id)) skipped.push({ proposalId: id, reason: `match ${matchId} has no proposal ${id}` });
    wanted = wanted.filter((id) => known.has(id));
  }

  let linked = 0;
  for (let first = 0; first < wanted.length; first += PROPOSALS_PER_TRANSACTION) {
    const chunk = wanted.slice(first, first + PROPOSALS_PER_TRANSACTION);
    const answer = await acceptChunk(db, matchId, chunk);
    linked += answer.linked;
    skipped.push(...answer.skipped);
  }
  return { linked, skipped };
}

async function acceptChunk(db: DataSource, matchId: string, proposalIds: readonly string[]): Promise<AcceptAnswer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction((manager) => decideAndLink(manager, matchId, proposalIds));
    } catch (error) {
      // Another transaction gave one of these Smart Assessor ids to a record between the read and the write: read again.
      if (!isUniqueViolation(error) || attempt >= TRIES_PER_CHUNK) throw error;
    }
  }
}

async function decideAndLink(manager: EntityManager, matchId: string, proposalIds: readonly string[]): Promise<AcceptAnswer> {
  const rows = (await manager.query(
    `SELECT id::text AS id, kind, mis_id, mis_ref, smart_assessor_id, linked_at FROM onboarding_proposal
     WHERE match_id = $1 AND id = ANY($2::bigint[]) ORDER BY id FOR UPDATE`,
    [matchId, proposalIds],
  )) as ProposalRow[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const candidates: AcceptCandidate[] = [];
  const gone: SkippedProposal[] = [];
  for (const kind of ['learner', 'organisation', 'officer'] as const) {
    const ofKind = rows.filter((row) => row.kind === kind);
    if (ofKind.length === 0) continue;
    const column = COLUMN[kind];
    // In id order, as every transaction that locks several of them does.
    const held = new Map(
      (
        (await manager.query(`SELECT id, ${column.column} AS held FROM ${column.table} WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE`, [
          [...new Set(ofKind.map((row) => row.mis_id))],
        ])) as Array<{ id: number; held: string | null }>
      ).map((row) => [row.id, row.held?.trim() || null]),
    );
    const holders = new Map(
      (
        (await manager.query(`SELECT ${column.keyColumn} AS key, ${column.column} AS held FROM ${column.table} WHERE ${column.column} = ANY($1::varchar[])`, [
          [...new Set(ofKind.map((row) => row.smart_assessor_id))],
        ])) as Array<{ key: string; held: string }>
      ).map((row) => [row.held, column.describe(row.key)]),
    );
    for (const row of ofKind) {
      if (!held.has(row.mis_id)) {
        gone.push({ proposalId: row.id, reason: `${misRecordName(kind, row.mis_ref)} is no longer in the MIS` });
        continue;
      }
      candidates.push({
        proposalId: row.id,
        kind,
        misRef: row.mis_ref,
        smartAssessorId: row.smart_assessor_id,
        linked: row.linked_at !== null,
        misHeldId: held.get(row.mis_id) ?? null,
        smartAssessorHolder: holders.get(row.smart_assessor_id) ?? null,
      });
    }
  }
  // Decided, and answered, in the order the admin asked.
  const order = new Map(proposalIds.map((id, index) => [id, index]));
  const asked = (a: { proposalId: string }, b: { proposalId: string }) => order.get(a.proposalId)! - order.get(b.proposalId)!;
  candidates.sort(asked);
  const plan = planAccept(candidates);

  for (const kind of ['learner', 'organisation', 'officer'] as const) {
    const links = plan.link.filter((candidate) => candidate.kind === kind);
    if (links.length === 0) continue;
    const column = COLUMN[kind];
    const misIds = links.map((candidate) => byId.get(candidate.proposalId)!.mis_id);
    const [, updated] = (await manager.query(
      `UPDATE ${column.table} t SET ${column.column} = v.sa_id${column.hasUpdatedAt ? ', updated_at = now()' : ''}
       FROM unnest($1::int[], $2::varchar[]) AS v(id, sa_id)
       WHERE t.id = v.id AND coalesce(btrim(t.${column.column}), '') = ''`,
      [misIds, links.map((candidate) => candidate.smartAssessorId)],
    )) as [unknown, number];
    // The rows are locked and were blank when read: anything else is a fault to roll back, not a link to count.
    if (updated !== links.length) throw new Error(`Onboarding accept wrote ${updated} of ${links.length} ${kind} links`);
    await manager.query(
      `INSERT INTO sync_event (run_id, job_id, queue, subject_type, subject_ref, learner_id, outcome, changes, error)
       SELECT NULL, NULL, $1, $2, v.ref, v.learner_id, 'changed', v.changes::jsonb, NULL
       FROM unnest($3::varchar[], $4::int[], $5::text[]) AS v(ref, learner_id, changes)`,
      [
        ONBOARDING_EVENT_QUEUE,
        kind,
        links.map((candidate) => candidate.misRef),
        misIds.map((misId) => (kind === 'learner' ? misId : null)),
        links.map((candidate) =>
          JSON.stringify([{ record: column.describe(candidate.misRef), field: column.field, from: null, to: candidate.smartAssessorId, direction: 'pull' }]),
        ),
      ],
    );
  }
  if (plan.link.length > 0) {
    await manager.query(`UPDATE onboarding_proposal SET linked_at = now() WHERE id = ANY($1::bigint[])`, [plan.link.map((candidate) => candidate.proposalId)]);
  }
  return { linked: plan.link.length, skipped: [...gone, ...plan.skipped].sort(asked) };
}
