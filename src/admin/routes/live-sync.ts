import { Router } from 'express';
import type { DataSource } from 'typeorm';
import { liveSyncStatus } from '../../live/live-status.js';

/** Live sync's activity for the runs page: the setting, what waits, what is in flight, the live run. */
export function liveSyncRoutes({ db, now }: { db: DataSource; now: () => Date }): Router {
  const router = Router();
  router.get('/api/sync/live', async (_req, res) => {
    res.json(await liveSyncStatus(db, now()));
  });
  return router;
}
