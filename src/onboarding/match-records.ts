import type { DataSource, EntityManager } from 'typeorm';
import type { SmartAssessorRecordCounts, UnmatchedCounts } from '../../entities/index.js';
import type { Logger } from '../logging/logger.js';
import { isSmartAssessorError } from '../smart-assessor/smart-assessor-error.js';
import type { Page, SmartAssessorApi } from '../smart-assessor/types.js';
import {
  learnerRules,
  officerRules,
  organisationRules,
  proposeLinks,
  type MatchResult,
  type MisLearnerKeys,
  type MisSide,
  type OfficerKeys,
  type OnboardingKind,
  type OrganisationKeys,
  type SaLearnerKeys,
  type SaSide,
} from './match-rules.js';

/** The contract's largest page: a 10,000-learner site is read in 20 requests. */
export const SMART_ASSESSOR_PAGE_SIZE = 500;
/** A list that keeps growing under the reader is given up on past this many pages. */
const MAX_PAGES_PER_LIST = 10_000;
/** Proposals written per statement. */
const PROPOSALS_PER_INSERT = 2_000;
/**
 * The request budget is shared with the night's run and with bulk enrolment: a read the
 * budget cannot take now (the client waited its 10 s) waits here for the time it was
 * told and is sent again, so the match keeps its place rather than start over. Past this
 * many waits in a row the job fails and BullMQ's backoff takes over.
 */
const MAX_BUDGET_WAITS = 120;
const LONGEST_BUDGET_WAIT_MS = 60_000;

export type MatchReader = Pick<SmartAssessorApi, 'listLearners' | 'listEmployers' | 'listAssessors'>;

export interface MatchDeps {
  db: DataSource;
  smartAssessor: MatchReader;
  log: Logger;
  /** How a wait for the request budget is spent (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
}

/** A record of either side with the words an admin knows it by. */
type Named<T> = T & { id: string | number; name: string };
type MisRecord<K> = Named<MisSide & K> & { id: number };
type SaRecord<K> = Named<SaSide & K> & { id: string };

type MisLearner = MisRecord<MisLearnerKeys>;
type MisOrganisation = MisRecord<OrganisationKeys>;
type MisOfficer = MisRecord<OfficerKeys>;
type SaLearner = SaRecord<SaLearnerKeys>;
type SaEmployer = SaRecord<OrganisationKeys>;
type SaAssessor = SaRecord<OfficerKeys>;

interface SmartAssessorRecords {
  learners: SaLearner[];
  employers: SaEmployer[];
  assessors: SaAssessor[];
}

const fullName = (firstName: string | null | undefined, surname: string | null | undefined): string => [firstName, surname].filter(Boolean).join(' ');

/**
 * The match job (SPEC.md §6): reads Smart Assessor's learners, employers and assessors
 * page by page through the client (so within the deployment's request budget), keeping
 * its progress on the match row, then proposes a link for each unlinked MIS record
 * (match-rules.ts) and stores the proposals in one transaction. Run again after dying
 * halfway, it reads again from the first page and replaces what a first attempt stored;
 * a match already ready or failed is left alone. Answers false when there was nothing to do.
 */
export async function runMatch(matchId: string, deps: MatchDeps): Promise<boolean> {
  const [started] = (await deps.db.query(`UPDATE onboarding_match SET started_at = now(), pages_read = 0, pages_total = NULL WHERE id = $1 AND state = 'running' RETURNING id`, [
    matchId,
  ])) as [Array<{ id: string }>, number];
  if (started.length === 0) return false;
  const records = await readSmartAssessor(matchId, deps);
  const mis = await readMis(deps.db);
  const learners = proposeLinks(mis.learners, records.learners, learnerRules<MisLearner, SaLearner>());
  const organisations = proposeLinks(mis.organisations, records.employers, organisationRules<MisOrganisation, SaEmployer>());
  const officers = proposeLinks(mis.officers, records.assessors, officerRules<MisOfficer, SaAssessor>());
  const counts: SmartAssessorRecordCounts = { learners: records.learners.length, employers: records.employers.length, assessors: records.assessors.length };
  const unmatched: UnmatchedCounts = { learners: learners.unmatched.length, organisations: organisations.unmatched.length, officers: officers.unmatched.length };
  const stored = await deps.db.transaction(async (manager) => {
    const [match] = (await manager.query(`SELECT state FROM onboarding_match WHERE id = $1 FOR UPDATE`, [matchId])) as Array<{ state: string }>;
    // Another attempt of the same match (a stalled job brought back while the first still ran) finished first.
    if (match?.state !== 'running') return false;
    await manager.query(`DELETE FROM onboarding_proposal WHERE match_id = $1`, [matchId]);
    await insertProposals(manager, matchId, 'learner', learners);
    await insertProposals(manager, matchId, 'organisation', organisations);
    await insertProposals(manager, matchId, 'officer', officers);
    await manager.query(
      `UPDATE onboarding_match SET state = 'ready', finished_at = now(), pages_read = GREATEST(pages_read, COALESCE(pages_total, 0)),
         smart_assessor_records = $2::jsonb, unmatched = $3::jsonb, error = NULL
       WHERE id = $1`,
      [matchId, JSON.stringify(counts), JSON.stringify(unmatched)],
    );
    return true;
  });
  const proposals = learners.proposals.length + organisations.proposals.length + officers.proposals.length;
  deps.log.info('onboarding match ready', { matchId, stored, proposals, smartAssessorRecords: counts, unmatched });
  return stored;
}

/** A match that gave up (its job's last attempt failed, or the failure could not be retried): the admin sees why. */
export async function markMatchFailed(db: DataSource, matchId: string, reason: string): Promise<void> {
  await db.query(`UPDATE onboarding_match SET state = 'failed', finished_at = now(), error = $2 WHERE id = $1 AND state = 'running'`, [matchId, reason]);
}

/** A list of Smart Assessor's whose first page has been read. */
interface OpenedList<T> {
  first: Page<T>;
  read(page: number): Promise<Page<T>>;
}

const pagesOf = (page: Page<unknown>): number => Math.max(1, Math.ceil(page.totalItems / SMART_ASSESSOR_PAGE_SIZE));

/** Every page of the three lists: first page one of each (then the total is known), then the rest, progress written as it goes. */
async function readSmartAssessor(matchId: string, deps: MatchDeps): Promise<SmartAssessorRecords> {
  const client = deps.smartAssessor;
  const paging = (page: number) => ({ page, pageSize: SMART_ASSESSOR_PAGE_SIZE });
  let pagesRead = 0;
  let pagesTotal: number | null = null;
  const progress = () => deps.db.query(`UPDATE onboarding_match SET pages_read = $2, pages_total = $3 WHERE id = $1 AND state = 'running'`, [matchId, pagesRead, pagesTotal]);
  const open = async <T>(read: (page: number) => Promise<Page<T>>): Promise<OpenedList<T>> => {
    const first = await withinBudget(() => read(1), deps);
    pagesRead += 1;
    await progress();
    return { first, read };
  };
  const rest = async <T>({ first, read }: OpenedList<T>): Promise<T[]> => {
    const items = [...first.items];
    for (let page = 2; items.length < first.totalItems && page <= MAX_PAGES_PER_LIST; page += 1) {
      const answer = await withinBudget(() => read(page), deps);
      pagesRead += 1;
      // Records added while the match reads make a list longer than its first page said.
      pagesTotal = Math.max(pagesTotal ?? 0, pagesRead);
      await progress();
      if (answer.items.length === 0) break;
      items.push(...answer.items);
    }
    return items;
  };

  const learnerList = await open((page) => client.listLearners(paging(page)));
  const employerList = await open((page) => client.listEmployers(paging(page)));
  const assessorList = await open((page) => client.listAssessors(paging(page)));
  pagesTotal = pagesOf(learnerList.first) + pagesOf(employerList.first) + pagesOf(assessorList.first);
  await progress();
  const [learners, employers, assessors] = [await rest(learnerList), await rest(employerList), await rest(assessorList)];
  return {
    learners: learners.map((learner) => ({
      id: learner.id,
      misReference: learner.misReference,
      name: fullName(learner.firstName, learner.surname),
      firstName: learner.firstName,
      surname: learner.surname,
      dateOfBirth: learner.dateOfBirth,
      uln: learner.uln ?? null,
    })),
    employers: employers.map((employer) => ({
      id: employer.id,
      misReference: employer.misReference,
      name: employer.name,
      edrsNumber: employer.edrsNumber ?? null,
      postcode: employer.postcode ?? null,
    })),
    assessors: assessors.map((assessor) => ({
      id: assessor.id,
      misReference: assessor.misReference,
      name: fullName(assessor.firstName, assessor.surname),
      email: assessor.email,
    })),
  };
}

async function withinBudget<T>(call: () => Promise<T>, deps: MatchDeps): Promise<T> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let waits = 0; ; waits += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isSmartAssessorError(error) || error.kind !== 'rate-limited' || waits >= MAX_BUDGET_WAITS) throw error;
      await sleep(Math.min(Math.max(error.details.retryAfterMs ?? 1_000, 250), LONGEST_BUDGET_WAIT_MS));
    }
  }
}

/** Every MIS learner, organisation and officer with the keys the rules compare (the linked ones say what is taken). */
async function readMis(db: DataSource): Promise<{ learners: MisLearner[]; organisations: MisOrganisation[]; officers: MisOfficer[] }> {
  const [learners, organisations, officers] = await Promise.all([
    db.query(
      `SELECT id, learner_ident AS ref, smart_assessor_id AS "heldId", first_name AS "firstName", surname, to_char(date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", uln
       FROM learner`,
    ) as Promise<Array<Omit<MisLearner, 'name'>>>,
    db.query(`SELECT id, ref, additional_id AS "heldId", name, edrs_number AS "edrsNumber", postcode FROM organisation`) as Promise<MisOrganisation[]>,
    db.query(`SELECT id, ref, additional_id AS "heldId", first_name AS "firstName", surname, email FROM officer`) as Promise<
      Array<Omit<MisOfficer, 'name'> & { firstName: string; surname: string }>
    >,
  ]);
  return {
    learners: learners.map((learner) => ({ ...learner, name: fullName(learner.firstName, learner.surname) })),
    organisations,
    officers: officers.map((officer) => ({ id: officer.id, ref: officer.ref, heldId: officer.heldId, email: officer.email, name: fullName(officer.firstName, officer.surname) })),
  };
}

async function insertProposals<M extends MisRecord<object>, S extends SaRecord<object>>(
  manager: EntityManager,
  matchId: string,
  kind: OnboardingKind,
  result: MatchResult<M, S>,
): Promise<void> {
  for (let first = 0; first < result.proposals.length; first += PROPOSALS_PER_INSERT) {
    const slice = result.proposals.slice(first, first + PROPOSALS_PER_INSERT);
    await manager.query(
      `INSERT INTO onboarding_proposal (match_id, kind, mis_id, mis_ref, mis_name, smart_assessor_id, smart_assessor_name, basis, is_unique, candidates)
       SELECT $1, $2, v.mis_id, v.mis_ref, v.mis_name, v.sa_id, v.sa_name, v.basis, v.is_unique, v.candidates
       FROM unnest($3::int[], $4::varchar[], $5::text[], $6::varchar[], $7::text[], $8::varchar[], $9::boolean[], $10::int[])
         WITH ORDINALITY AS v(mis_id, mis_ref, mis_name, sa_id, sa_name, basis, is_unique, candidates, n)
       ORDER BY v.n`,
      [
        matchId,
        kind,
        slice.map((proposal) => proposal.mis.id),
        slice.map((proposal) => proposal.mis.ref),
        slice.map((proposal) => proposal.mis.name),
        slice.map((proposal) => proposal.sa.id),
        slice.map((proposal) => proposal.sa.name),
        slice.map((proposal) => proposal.basis),
        slice.map((proposal) => proposal.unique),
        slice.map((proposal) => proposal.candidates),
      ],
    );
  }
}
