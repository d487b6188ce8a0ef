import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import { HttpError } from '../http/http-errors.js';

/**
 * The product's uses of the queue dashboard that change anything: retrying failed jobs
 * (one, or every failed job of a queue) and promoting delayed ones. Paths are bull-board's
 * own API routes, relative to the dashboard.
 */
const ALLOWED_ACTIONS: ReadonlyArray<{ path: RegExp; failedJobOnly?: boolean }> = [
  { path: /^\/api\/queues\/([^/]+)\/retry\/failed$/ },
  { path: /^\/api\/queues\/([^/]+)\/([^/]+)\/retry$/, failedJobOnly: true },
  { path: /^\/api\/queues\/([^/]+)\/promote$/ },
  { path: /^\/api\/queues\/([^/]+)\/([^/]+)\/promote$/ },
];

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class DashboardActionForbiddenError extends HttpError {
  constructor(message = 'The queue dashboard only retries failed jobs and promotes delayed ones') {
    super(403, 'forbidden', message);
  }
}

/**
 * bull-board lets anyone it serves add jobs with any data, edit job data, pause, empty or
 * obliterate queues and remove the daily job scheduler. Its `readOnlyMode` would refuse
 * all of that, but in @bull-board 9.10.1 it also turns retries off (a read-only queue
 * answers 405 to retry and promote, and `allowRetries` is forced false), so the board runs
 * with retries allowed and this guard, in front of it, lets through reads and the
 * actions above only: everything else is 403, whatever the board's UI offers. A single
 * job is retried only while it has failed (the board would also re-run a completed one).
 */
export function dashboardActionGuard(queues: readonly Queue[]): RequestHandler {
  const byName = new Map(queues.map((queue) => [queue.name, queue]));
  return async (req, _res, next) => {
    if (READS.has(req.method)) {
      next();
      return;
    }
    const action = req.method === 'PUT' ? ALLOWED_ACTIONS.map((allowed) => ({ allowed, match: allowed.path.exec(req.path) })).find(({ match }) => match) : undefined;
    if (!action?.match) throw new DashboardActionForbiddenError();
    if (action.allowed.failedJobOnly) {
      const queue = byName.get(decodeURIComponent(action.match[1]!));
      const state = await queue?.getJobState(decodeURIComponent(action.match[2]!));
      if (state !== 'failed') throw new DashboardActionForbiddenError('Only a failed job can be retried from the queue dashboard');
    }
    next();
  };
}
