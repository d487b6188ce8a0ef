import { Router } from 'express';
import type { DataSource } from 'typeorm';
import { importDocument } from '../../import/import-document.js';
import type { SettingsService } from '../../settings/settings-service.js';

/** POST /api/import: a provider document, all or nothing (refusals are 400 with each bad path). */
export function importRoutes(db: DataSource, settings: SettingsService): Router {
  const router = Router();
  router.post('/api/import', async (req, res) => {
    res.json(await importDocument(db, req.body, { settings }));
  });
  return router;
}
