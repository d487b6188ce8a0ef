import { Router } from 'express';
import { ValidationFailedError } from '../../failure-kinds.js';
import type { SettingsService } from '../../settings/settings-service.js';

export type SettingsAccess = Pick<SettingsService, 'view' | 'update'>;

const MAPPINGS_PREFIX = 'reviewTypeMappings.';

/** SPEC.md §2 settings and the review type mapping; the secrets are write-only (SettingsService never shows them). */
export function settingsRoutes(settings: SettingsAccess): Router {
  const router = Router();

  router.get('/api/settings', async (_req, res) => {
    res.json(await settings.view());
  });

  router.put('/api/settings', async (req, res) => {
    requireObject(req.body);
    res.json(await settings.update(req.body));
  });

  router.get('/api/review-type-mappings', async (_req, res) => {
    res.json((await settings.view()).reviewTypeMappings);
  });

  router.put('/api/review-type-mappings', async (req, res) => {
    requireObject(req.body);
    try {
      res.json((await settings.update({ reviewTypeMappings: req.body })).reviewTypeMappings);
    } catch (error) {
      throw error instanceof ValidationFailedError ? asMappingProblems(error) : error;
    }
  });

  return router;
}

function requireObject(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationFailedError('The request body must be a JSON object', { body: 'must be a JSON object' });
  }
}

/** This route's body is the mapping itself, so its problems are named without the settings key. */
function asMappingProblems(error: ValidationFailedError): ValidationFailedError {
  const fields = Object.fromEntries(
    Object.entries(error.fields).map(([path, reason]) => [
      path.startsWith(MAPPINGS_PREFIX) ? path.slice(MAPPINGS_PREFIX.length) : path === 'reviewTypeMappings' ? 'body' : path,
      reason,
    ]),
  );
  return new ValidationFailedError(
    `Review type mapping refused: ${Object.entries(fields)
      .map(([path, reason]) => `${path}: ${reason}`)
      .join('; ')}`,
    fields,
  );
}
