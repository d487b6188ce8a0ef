import { Router } from 'express';
import type { DataSource } from 'typeorm';
import { Officer, Organisation, Qualification, ReviewType } from '../../../entities/index.js';
import { RecordNotFoundError } from '../../enrolment/enrolment-refusals.js';
import { setOfficerAdditionalId, setOrganisationAdditionalId } from '../../enrolment/manual-links.js';
import { NotFoundError, type ErrorTranslator } from '../http/http-errors.js';
import { AdditionalIdBody } from '../http/dtos.js';
import { parsePaging, queryBoolean, queryText, validateBody, type PageOf } from '../http/request-parsing.js';
import { recordHistory, type SyncEventView } from '../learners/learner-history.js';
import { checkParamText } from '../http/request-shape.js';
import { officerView, searchOfficers } from '../records/officers.js';
import { organisationView, searchOrganisations } from '../records/organisations.js';

export const translateRecordErrors: ErrorTranslator = (error) =>
  error instanceof RecordNotFoundError ? new NotFoundError(`No ${error.recordType} with ref "${error.ref}"`) : undefined;

/** Organisations, officers (with their sync history), the qualification catalogue and review types, and the Additional ID links. */
export function recordRoutes(db: DataSource): Router {
  const router = Router();
  checkParamText(router, 'ref');

  router.get('/api/organisations', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    res.json(await searchOrganisations(db, { search: queryText(query, 'search'), linked: queryBoolean(query, 'linked') }, parsePaging(query)));
  });

  router.get('/api/organisations/:ref/history', async (req, res) => {
    res.json(await historyOf(db, 'organisation', req.params.ref, req.query as Record<string, unknown>));
  });

  router.put('/api/organisations/:ref/additional-id', async (req, res) => {
    const body = await validateBody(AdditionalIdBody, req.body);
    res.json(organisationView(await setOrganisationAdditionalId(db, req.params.ref, body.additionalId)));
  });

  router.get('/api/officers', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    res.json(await searchOfficers(db, { search: queryText(query, 'search'), linked: queryBoolean(query, 'linked') }, parsePaging(query)));
  });

  router.get('/api/officers/:ref/history', async (req, res) => {
    res.json(await historyOf(db, 'officer', req.params.ref, req.query as Record<string, unknown>));
  });

  router.put('/api/officers/:ref/additional-id', async (req, res) => {
    const body = await validateBody(AdditionalIdBody, req.body);
    res.json(officerView(await setOfficerAdditionalId(db, req.params.ref, body.additionalId)));
  });

  router.get('/api/qualifications', async (req, res) => {
    const paging = parsePaging(req.query as Record<string, unknown>);
    const [rows, totalItems] = await db.getRepository(Qualification).findAndCount({
      order: { reference: 'ASC' },
      skip: (paging.page - 1) * paging.pageSize,
      take: paging.pageSize,
    });
    res.json({
      items: rows.map((row) => ({
        reference: row.reference,
        title: row.title,
        smartAssessorCourseId: row.saCourseId,
        supportedInSmartAssessor: row.saCourseId !== null,
      })),
      ...paging,
      totalItems,
    });
  });

  router.get('/api/review-types', async (_req, res) => {
    const rows = await db.getRepository(ReviewType).find({ order: { code: 'ASC' } });
    res.json({ items: rows.map((row) => ({ code: row.code, name: row.name })) });
  });

  return router;
}

/** An officer's or organisation's sync events, newest first; an unknown ref is a 404. */
async function historyOf(db: DataSource, type: 'officer' | 'organisation', ref: string, query: Record<string, unknown>): Promise<PageOf<SyncEventView>> {
  const paging = parsePaging(query);
  const known = await db.getRepository(type === 'officer' ? Officer : Organisation).existsBy({ ref });
  if (!known) throw new RecordNotFoundError(type, ref);
  return recordHistory(db, { type, ref }, paging);
}
