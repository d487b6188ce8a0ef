import { Router } from 'express';
import type { DataSource } from 'typeorm';
import { enrolmentPreview } from '../../enrolment/preview.js';
import { setLearnerSmartAssessorId } from '../../enrolment/manual-links.js';
import { ukToday } from '../../sync/index.js';
import { SmartAssessorIdBody } from '../http/dtos.js';
import { NotFoundError } from '../http/http-errors.js';
import { checkParamText } from '../http/request-shape.js';
import { parsePaging, queryBoolean, queryText, validateBody } from '../http/request-parsing.js';
import { learnerHistory } from '../learners/learner-history.js';
import { searchLearners } from '../learners/learner-search.js';
import { findLearnerByIdent, loadLearnerView, type LearnerView } from '../learners/learner-view.js';

export interface LearnerRoutesOptions {
  db: DataSource;
  now: () => Date;
}

/** The learner list, the learner page's data and enrolment preview, its history, and the Smart Assessor ID edit. */
export function learnerRoutes({ db, now }: LearnerRoutesOptions): Router {
  const router = Router();
  checkParamText(router, 'ident');

  const viewOrNotFound = async (ident: string): Promise<LearnerView> => {
    const view = await loadLearnerView(db, ident, ukToday(now()));
    if (!view) throw learnerNotFound(ident);
    return view;
  };

  router.get('/api/learners', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const search = queryText(query, 'search');
    const eligible = queryBoolean(query, 'eligible');
    res.json(await searchLearners(db, { search, eligible }, parsePaging(query), ukToday(now())));
  });

  router.get('/api/learners/:ident', async (req, res) => {
    res.json(await viewOrNotFound(req.params.ident));
  });

  router.get('/api/learners/:ident/enrolment-preview', async (req, res) => {
    res.json(await enrolmentPreview(db, req.params.ident, { now: now() }));
  });

  router.get('/api/learners/:ident/history', async (req, res) => {
    const paging = parsePaging(req.query as Record<string, unknown>);
    const learner = await findLearnerByIdent(db, req.params.ident);
    if (!learner) throw learnerNotFound(req.params.ident);
    res.json(await learnerHistory(db, learner.id, paging));
  });

  router.put('/api/learners/:ident/smart-assessor-id', async (req, res) => {
    const body = await validateBody(SmartAssessorIdBody, req.body);
    await setLearnerSmartAssessorId(db, req.params.ident, body.smartAssessorId);
    res.json(await viewOrNotFound(req.params.ident));
  });

  return router;
}

function learnerNotFound(ident: string): NotFoundError {
  return new NotFoundError(`No learner with Learner Ident "${ident}"`);
}
