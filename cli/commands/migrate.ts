import { logger } from '../../src/logging/logger.js';
import { Runtime } from './runtime.js';

export async function run(): Promise<number> {
  const runtime = await Runtime.open({ migrate: true, poolSize: 2, applicationName: 'sai-migrate' });
  try {
    const applied = await runtime.db.query('SELECT name FROM schema_migrations ORDER BY id');
    logger.info('database is up to date', { migrations: applied.length });
  } finally {
    await runtime.close();
  }
  return 0;
}
