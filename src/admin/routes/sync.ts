import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Producers } from '../../../queues/producers.js';
import { AlreadyEnrolledError } from '../../enrolment/enrolment-refusals.js';
import { requestEnrolment } from '../../enrolment/request.js';
import { ActiveRunError, LearnerNotFoundError, listRuns, NotEnrolledError, requestLearnerSync, runView, startRun } from '../../runs/index.js';
import { IntegrationDisabledError } from '../../settings/integration-switch.js';
import { ConflictError, NotFoundError, type ErrorTranslator } from '../http/http-errors.js';
import { checkParamText } from '../http/request-shape.js';
import { StartRunBody } from '../http/dtos.js';
import { parsePaging, queryBoolean, queryOneOf, queryText, validateBody } from '../http/request-parsing.js';
import { RUN_CHANGE_FILTERS, runChanges, runChangesCsv, type RunChangesFilter } from '../runs/run-changes.js';
import type { SyncPreviewer } from '../../jobs/sync-preview.js';
import type { SmartAssessorApi } from '../../smart-assessor/types.js';
import { LearnersDoneCounter, runFailures, runTrend } from '../runs/run-reports.js';
import { isUuid } from '../../../queues/job-ids.js';

export interface SyncRoutesOptions {
  db: DataSource;
  producers: Producers;
  now: () => Date;
  /** "Preview next sync" (a dry run for one learner). */
  syncPreview: SyncPreviewer;
  /** The admin's Smart Assessor client, which a preview reads through. */
  smartAssessor: () => Promise<SmartAssessorApi>;
}

const TREND_RUNS = 30;
const RUN_PAGING = { defaultPageSize: 20, maxPageSize: 200 };
const CHANGE_PAGING = { defaultPageSize: 50, maxPageSize: 500 };

/** The pipeline's refusals, as the API answers them. */
export const translateRunErrors: ErrorTranslator = (error) => {
  if (error instanceof ActiveRunError) return new ConflictError(`${error.message}; wait for it to finish`);
  if (error instanceof NotEnrolledError || error instanceof AlreadyEnrolledError || error instanceof IntegrationDisabledError) return new ConflictError(error.message);
  if (error instanceof LearnerNotFoundError) return new NotFoundError(`No learner with Learner Ident "${error.learnerIdent}"`);
  return undefined;
};

/** Work that goes to the queues (answered 202 at once) and the runs' progress and history. */
export function syncRoutes({ db, producers, now, syncPreview, smartAssessor }: SyncRoutesOptions): Router {
  const router = Router();
  checkParamText(router, 'ident', 'runId');
  const learnersDone = new LearnersDoneCounter(db);

  router.post('/api/learners/:ident/enrolment', async (req, res) => {
    res.status(202).json(await requestEnrolment(db, producers, req.params.ident));
  });

  router.post('/api/learners/:ident/sync', async (req, res) => {
    res.status(202).json(await requestLearnerSync(db, producers, req.params.ident, { now: now() }));
  });

  router.post('/api/sync/runs', async (req, res) => {
    // No body at all is a plain "sync now".
    const { dryRun } = await validateBody(StartRunBody, req.body ?? {});
    res.status(202).json(await startRun(db, producers, 'manual', { now: now(), dryRun: dryRun === true }));
  });

  router.get('/api/sync/runs', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const paging = parsePaging(query, RUN_PAGING);
    res.json(await listRuns(db, paging.page, paging.pageSize, queryBoolean(query, 'dryRun')));
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

  router.get('/api/sync/runs/:runId/changes', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const paging = parsePaging(query, CHANGE_PAGING);
    const filter = changesFilter(query);
    await requireRun(db, req.params.runId);
    res.json(await runChanges(db, req.params.runId, filter, paging));
  });

  router.get('/api/sync/runs/:runId/changes.csv', async (req, res) => {
    const filter = changesFilter(req.query as Record<string, unknown>);
    await requireRun(db, req.params.runId);
    const csv = await runChangesCsv(db, req.params.runId, filter);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`run-${req.params.runId.slice(0, 8)}-changes.csv`)
      .send(csv);
  });

  router.get('/api/learners/:ident/sync-preview', async (req, res) => {
    res.json(await syncPreview(req.params.ident, smartAssessor));
  });

  router.get('/api/sync/trend', async (_req, res) => {
    res.json({ items: await runTrend(db, TREND_RUNS) });
  });

  return router;
}

function changesFilter(query: Record<string, unknown>): RunChangesFilter {
  return {
    outcome: queryOneOf(query, 'outcome', RUN_CHANGE_FILTERS.outcome),
    queue: queryOneOf(query, 'queue', RUN_CHANGE_FILTERS.queue),
    field: queryText(query, 'field', 64),
    direction: queryOneOf(query, 'direction', RUN_CHANGE_FILTERS.direction),
  };
}

async function requireRun(db: DataSource, runId: string): Promise<void> {
  const found = isUuid(runId) && (await db.query('SELECT 1 FROM sync_run WHERE id = $1', [runId])).length > 0;
  if (!found) throw runNotFound(runId);
}

function runNotFound(runId: string): NotFoundError {
  return new NotFoundError(`No sync run "${runId}"`);
}
