import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { OnboardingQueue } from '../../../queues/onboarding.js';
import { BatchNotFoundError, batchView, listBatches, NothingToEnrolError, requestBulkEnrolment } from '../../onboarding/enrolment-batches.js';
import { ConflictError, NotFoundError, type ErrorTranslator } from '../http/http-errors.js';
import { BulkEnrolmentBody, learnerIdentProblem, listOrFlag } from '../http/onboarding-dtos.js';
import { checkParamText } from '../http/request-shape.js';
import { parsePaging, validateBody } from '../http/request-parsing.js';

const BATCH_PAGING = { defaultPageSize: 10, maxPageSize: 100 };

export const translateEnrolmentBatchErrors: ErrorTranslator = (error) => {
  if (error instanceof BatchNotFoundError) return new NotFoundError(error.message);
  if (error instanceof NothingToEnrolError) return new ConflictError(error.message);
  return undefined;
};

/** Bulk enrolment (SPEC.md §6): a batch of learners through the normal enrolment, with its progress and failures. */
export function enrolmentBatchRoutes(db: DataSource, queue: OnboardingQueue): Router {
  const router = Router();
  checkParamText(router, 'batchId');

  router.post('/api/enrolments', async (req, res) => {
    await validateBody(BulkEnrolmentBody, req.body);
    const learnerIdents = listOrFlag(req.body as Record<string, unknown>, 'learnerIdents', 'allUnenrolled', learnerIdentProblem);
    res.status(202).json(await requestBulkEnrolment(db, queue, learnerIdents ? { learnerIdents } : { allUnenrolled: true }));
  });

  router.get('/api/enrolments', async (req, res) => {
    res.json(await listBatches(db, parsePaging(req.query as Record<string, unknown>, BATCH_PAGING)));
  });

  router.get('/api/enrolments/:batchId', async (req, res) => {
    res.json(await batchView(db, req.params.batchId));
  });

  return router;
}
