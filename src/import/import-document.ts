import type { DataSource } from 'typeorm';
import { ValidationFailedError } from '../failure-kinds.js';
import { logger } from '../logging/logger.js';
import { newAddressProblems, type SettingsPatch } from '../settings/settings-patch.js';
import type { SettingsService } from '../settings/settings-service.js';
import { checkReferences } from './check-references.js';
import { checkStructure } from './check-structure.js';
import { askDatabase } from './database-knowledge.js';
import type { ImportDocument, ImportSummary } from './import-format.js';
import { addProblem, isPlainObject, type Problems } from './problems.js';
import { writeDocument } from './write-document.js';

export type {
  ImportBreakInLearning,
  ImportDocument,
  ImportLearner,
  ImportLearningAim,
  ImportOfficer,
  ImportOfficerRole,
  ImportOrganisation,
  ImportQualification,
  ImportReview,
  ImportReviewType,
  ImportSummary,
} from './import-format.js';

export interface ImportOptions {
  /** Needed when the document carries `settings`: the password and client key are sealed by it. */
  settings?: SettingsService;
}

/** Imports run one at a time: two at once could each judge the other's half-written keys. */
const IMPORT_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('smart-assessor-integration:import'))`;

const SHOWN_IN_MESSAGE = 5;

function refused(problems: Problems): ValidationFailedError {
  const fields = Object.fromEntries(Object.entries(problems));
  const listed = Object.entries(fields)
    .slice(0, SHOWN_IN_MESSAGE)
    .map(([path, reason]) => `${path}: ${reason}`);
  const more = listed.length < Object.keys(fields).length ? `; and ${Object.keys(fields).length - listed.length} more` : '';
  const count = Object.keys(fields).length;
  return new ValidationFailedError(`Import refused, nothing was written: ${count} problem${count === 1 ? '' : 's'}: ${listed.join('; ')}${more}`, fields);
}

/**
 * Imports a provider document (contracts/admin-api.md, "Import format") all or nothing:
 * every record is checked first, against the document and the database, and a document
 * with any problem is refused with each bad field's path and reason; otherwise every
 * record is created or updated by its key in one transaction.
 */
export async function importDocument(db: DataSource, document: unknown, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const problems: Problems = {};
  checkStructure(document, problems);
  if (!isPlainObject(document)) throw refused(problems);
  if (document.settings !== undefined && !options.settings) {
    addProblem(problems, 'settings', 'cannot be imported here: no settings service to seal the secrets with');
  }
  const summary = await db.transaction(async (manager) => {
    await manager.query(IMPORT_LOCK_SQL);
    const known = await askDatabase(manager, document);
    checkReferences(document, known, problems);
    if (options.settings && isPlainObject(document.settings) && document.settings.baseUrl !== undefined) {
      const storedBaseUrl = (await options.settings.get(manager)).baseUrl;
      for (const [field, reason] of Object.entries(newAddressProblems(document.settings as SettingsPatch, storedBaseUrl))) addProblem(problems, `settings.${field}`, reason);
    }
    if (Object.keys(problems).length > 0) throw refused(problems);
    return writeDocument(manager, document as ImportDocument, known, options.settings);
  });
  logger.info('import written', { created: summary.created, updated: summary.updated, ms: Math.round(performance.now() - started) });
  return summary;
}
