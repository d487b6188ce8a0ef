import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Producers } from '../../../queues/producers.js';
import { AlreadyEnrolledError } from '../../enrolment/enrolment-refusals.js';
import { requestEnrolment } from '../../enrolment/request.js';
import { ActiveRunError, LearnerNotFoundError, listRuns, NotEnrolledError, requestLearnerSync, runView, startRun } from '../../runs/index.js';
import { IntegrationDisabledError } from '../../settings/integration-switch.js';
import { ConflictError, NotFoundError, type ErrorTranslator } from '../http/http-errors.js';
import { checkParamText } from '../http/request-shape.js';
import { parsePaging } from '../http/request-parsing.js';
import { isRunId, LearnersDoneCounter, runFailures, runTrend } from '../runs/run-reports.js';

export interface SyncRoutesOptions {
  db: DataSource;
  producers: Producers;
  now: () => Date;
}

const TREND_RUNS = 30;
const RUN_PAGING = { defaultPageSize: 20, maxPageSize: 200 };

/** The pipeline's refusals, as the API answers them. */
export const translateRunErrors: ErrorTranslator = (error) => {
  if (error instanceof ActiveRunError) return new ConflictError(`${error.message}; wait for it to finish`);
  if (error instanceof NotEnrolledError || error instanceof AlreadyEnrolledError || error instanceof IntegrationDisabledError) return new ConflictError(error.message);
  if (error instanceof LearnerNotFoundError) return new NotFoundError(`No learner with Learner Ident "${error.learnerIdent}"`);
  return undefined;
};

/** Work that goes to the queues (answered 202 at once) and the runs' progress and history. */
export function syncRoutes({ db, producers, now }: SyncRoutesOptions): Router {
  const router = Router();
  checkParamText(router, 'ident', 'runId');
  const learnersDone = new LearnersDoneCounter(db);

  router.post('/api/learners/:ident/enrolment', async (req, res) => {
    res.status(202).json(await requestEnrolment(db, producers, req.params.ident));
  });

  router.post('/api/learners/:ident/sync', async (req, res) => {
    res.status(202).json(await requestLearnerSync(db, producers, req.params.ident, { now: now() }));
  });

  router.post('/api/sync/runs', async (_req, res) => {
    res.status(202).json(await startRun(db, producers, 'manual', { now: now() }));
  });

  router.get('/api/sync/runs', async (req, res) => {
    const paging = parsePaging(req.query as Record<string, unknown>, RUN_PAGING);
    res.json(await listRuns(db, paging.page, paging.pageSize));
  });

  router.get('/api/sync/runs/:runId', async (req, res) => {
    const view = await runView(db, req.params.runId, now());
    if (!view) throw runNotFound(req.params.runId);
    // A live run's learners get the push-side jobs their changes call for, not a job on every per-learner queue.
    if (view.trigger === 'live') res.json(view);
    else res.json({ ...view, learnersDone: await learnersDone.count(view.runId, view.jobs.completed + view.jobs.failed) });
  });

  router.get('/api/sync/runs/:runId/failures', async (req, res) => {
    const paging = parsePaging(req.query as Record<string, unknown>);
    await requireRun(db, req.params.runId);
    res.json(await runFailures(db, req.params.runId, paging));
  });

  router.get('/api/sync/trend', async (_req, res) => {
    res.json({ items: await runTrend(db, TREND_RUNS) });
  });

  return router;
}

async function requireRun(db: DataSource, runId: string): Promise<void> {
  const found = isRunId(runId) && (await db.query('SELECT 1 FROM sync_run WHERE id = $1', [runId])).length > 0;
  if (!found) throw runNotFound(runId);
}

function runNotFound(runId: string): NotFoundError {
  return new NotFoundError(`No sync run "${runId}"`);
}
