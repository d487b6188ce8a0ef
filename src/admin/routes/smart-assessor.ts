import { Router } from 'express';
import type { DataSource } from 'typeorm';
import { lookUpAssessors, lookUpEmployers, LOOK_UP_MAX_PAGE_SIZE, LOOK_UP_PAGE_SIZE } from '../../enrolment/look-up.js';
import { refreshQualificationLinks } from '../../enrolment/qualification-links.js';
import { isSmartAssessorError } from '../../smart-assessor/smart-assessor-error.js';
import { HttpError } from '../http/http-errors.js';
import { parsePaging, queryText } from '../http/request-parsing.js';
import { describeSmartAssessorFailure, type SmartAssessorAccess } from '../smart-assessor-access.js';

const LOOKUP_PAGING = { defaultPageSize: LOOK_UP_PAGE_SIZE, maxPageSize: LOOK_UP_MAX_PAGE_SIZE };

/** "Look Up Smart Assessor ID" for organisations and officers, Refresh Qualification Links, and the settings' Connection Test. */
export function smartAssessorRoutes(db: DataSource, access: SmartAssessorAccess): Router {
  const router = Router();

  router.get('/api/smart-assessor/employers', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const name = queryText(query, 'name');
    const edrsNumber = queryText(query, 'edrsNumber', 20);
    const paging = parsePaging(query, LOOKUP_PAGING);
    res.json(await lookUpEmployers(await access.client(), { name, edrsNumber, ...paging }));
  });

  router.get('/api/smart-assessor/assessors', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const email = queryText(query, 'email');
    const paging = parsePaging(query, LOOKUP_PAGING);
    res.json(await lookUpAssessors(await access.client(), { email, ...paging }));
  });

  router.post('/api/qualification-links/refresh', async (_req, res) => {
    res.json(await refreshQualificationLinks(db, await access.client()));
  });

  router.post('/api/connection-test', async (_req, res) => {
    let client;
    try {
      client = await access.freshClient();
      const site = await client.getSite();
      res.json({ ok: true, siteName: site.siteName, apiVersion: site.apiVersion });
    } catch (error) {
      if (error instanceof HttpError) res.json({ ok: false, error: error.message });
      else if (isSmartAssessorError(error)) res.json({ ok: false, error: describeSmartAssessorFailure(error) });
      else throw error;
    } finally {
      client?.close();
    }
  });

  return router;
}
