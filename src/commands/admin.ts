import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { producerConnection } from '../../queues/connection.js';
import { createProducers } from '../../queues/producers.js';
import { startAdminServer } from '../admin/server.js';
import { loadConfig, type Config } from '../config/environment.js';
import { ensureDatabaseExists, openDatabase } from '../db/data-source.js';
import { logger } from '../logging/logger.js';
import { loadSecretBox } from '../settings/secret-box.js';
import { SettingsService, type SmartAssessorConnection } from '../settings/settings-service.js';

const USAGE = `usage: sai admin [--port P] [--host H]
  --port P   port (default PORT, 3000)
  --host H   address to listen on (default 127.0.0.1; behind a proxy on the same host keep it)`;

/**
 * Where Smart Assessor is when Settings leave it blank: SMART_ASSESSOR_BASE_URL, or else
 * the built-in simulator that \`sai start\` and \`sai simulator\` run on SIMULATOR_PORT.
 */
export function connectionDefaults(config: Config): Partial<SmartAssessorConnection> {
  if (config.SMART_ASSESSOR_BASE_URL) return { baseUrl: config.SMART_ASSESSOR_BASE_URL };
  return {
    baseUrl: `http://127.0.0.1:${config.SIMULATOR_PORT}/api/v1`,
    username: config.SIMULATOR_USERNAME,
    password: config.SIMULATOR_PASSWORD,
    clientKey: config.SIMULATOR_CLIENT_KEY,
  };
}

/** The admin web UI and JSON API on its own, until SIGINT or SIGTERM. */
export async function run(args: string[]): Promise<number> {
  let values: { port?: string; host?: string; help?: boolean };
  try {
    values = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean' } } }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const config = loadConfig();
  const port = values.port === undefined ? config.PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a whole number from 0 to 65535, not "${values.port}"\n`);
    return 2;
  }

  await ensureDatabaseExists(config.DATABASE_URL);
  const db = await openDatabase({ url: config.DATABASE_URL, poolSize: 10, applicationName: 'sai-admin' });
  const redis = new Redis(producerConnection(config.REDIS_URL));
  const producers = createProducers({ connection: redis, prefix: config.QUEUE_PREFIX });
  const settings = new SettingsService(db, await loadSecretBox(config), connectionDefaults(config));
  const admin = await startAdminServer({
    config,
    db,
    redis,
    settings,
    producers,
    port,
    host: values.host,
    loginThrottle: { keyPrefix: `${config.QUEUE_PREFIX}:admin-login` },
  });
  logger.info('admin listening', { url: admin.url });

  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  logger.info('admin stopping');
  await admin.close();
  await producers.close();
  redis.disconnect();
  await db.destroy();
  return 0;
}
