import { loadConfig } from '../config/environment.js';
import { ensureDatabaseExists, openDatabase } from '../db/data-source.js';
import { logger } from '../logging/logger.js';

export async function run(): Promise<number> {
  const config = loadConfig();
  await ensureDatabaseExists(config.DATABASE_URL);
  const db = await openDatabase({ url: config.DATABASE_URL, poolSize: 2 });
  const applied = await db.query('SELECT name FROM schema_migrations ORDER BY id');
  logger.info('database is up to date', { migrations: applied.length });
  await db.destroy();
  return 0;
}
