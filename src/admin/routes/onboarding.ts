import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { OnboardingQueue } from '../../../queues/onboarding.js';
import { acceptProposals, MatchNotReadyError } from '../../onboarding/accept.js';
import { MATCH_BASES, ONBOARDING_KINDS, type MatchBasis, type OnboardingKind } from '../../onboarding/match-rules.js';
import { listMatches, MatchNotFoundError, matchView, proposalsCsv, startMatch, type ProposalFilter } from '../../onboarding/matches.js';
import { ConflictError, NotFoundError, type ErrorTranslator } from '../http/http-errors.js';
import { AcceptProposalsBody, listOrFlag, proposalIdProblem } from '../http/onboarding-dtos.js';
import { checkParamText } from '../http/request-shape.js';
import { parsePaging, queryBoolean, queryOneOf, validateBody } from '../http/request-parsing.js';

const PROPOSAL_PAGING = { defaultPageSize: 50, maxPageSize: 500 };
const MATCH_PAGING = { defaultPageSize: 10, maxPageSize: 100 };

export const translateOnboardingErrors: ErrorTranslator = (error) => {
  if (error instanceof MatchNotFoundError) return new NotFoundError(error.message);
  if (error instanceof MatchNotReadyError) return new ConflictError(error.message);
  return undefined;
};

/** Onboarding (SPEC.md §6): start a match of Smart Assessor's existing records, review its proposals, accept them. */
export function onboardingRoutes(db: DataSource, queue: OnboardingQueue): Router {
  const router = Router();
  checkParamText(router, 'matchId');

  router.post('/api/onboarding/matches', async (_req, res) => {
    res.status(202).json(await startMatch(db, queue));
  });

  router.get('/api/onboarding/matches', async (req, res) => {
    res.json(await listMatches(db, parsePaging(req.query as Record<string, unknown>, MATCH_PAGING)));
  });

  router.get('/api/onboarding/matches/:matchId', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    res.json(await matchView(db, req.params.matchId, parsePaging(query, PROPOSAL_PAGING), proposalFilter(query)));
  });

  router.get('/api/onboarding/matches/:matchId/proposals.csv', async (req, res) => {
    const csv = await proposalsCsv(db, req.params.matchId, proposalFilter(req.query as Record<string, unknown>));
    res
      .type('text/csv; charset=utf-8')
      .attachment(`onboarding-proposals-${req.params.matchId.slice(0, 8)}.csv`)
      .send(csv);
  });

  router.post('/api/onboarding/matches/:matchId/accept', async (req, res) => {
    await validateBody(AcceptProposalsBody, req.body);
    const proposalIds = listOrFlag(req.body as Record<string, unknown>, 'proposalIds', 'allUnique', proposalIdProblem);
    res.json(await acceptProposals(db, req.params.matchId, proposalIds ? { proposalIds } : { allUnique: true }));
  });

  return router;
}

function proposalFilter(query: Record<string, unknown>): ProposalFilter {
  return {
    kind: queryOneOf(query, 'kind', ONBOARDING_KINDS) as OnboardingKind | undefined,
    basis: queryOneOf(query, 'basis', MATCH_BASES) as MatchBasis | undefined,
    unique: queryBoolean(query, 'unique'),
    linked: queryBoolean(query, 'linked'),
  };
}
