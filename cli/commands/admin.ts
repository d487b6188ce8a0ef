import { createProducers } from '../../queues/producers.js';
import { adminOptionsFromConfig, startAdminServer } from '../../src/admin/server.js';
import { loadConfig } from '../../src/config/environment.js';
import { logger } from '../../src/logging/logger.js';
import { adminPublicUrl } from '../../src/notifications/webhook.js';
import { syncPreviewer } from '../../workers/sync-preview.js';
import { parseCommandLine } from './command-line.js';
import { Runtime } from './runtime.js';

const USAGE = `usage: sai admin [--port P] [--host H]
  --port P   port (default PORT, 3000)
  --host H   address to listen on (default 127.0.0.1; behind a proxy on the same host keep it)`;

/** The admin web UI and JSON API on its own, until SIGINT or SIGTERM. */
export async function run(args: string[]): Promise<number> {
  const values = parseCommandLine(args, { port: { type: 'string' }, host: { type: 'string' } }, USAGE);
  if (typeof values === 'number') return values;
  const config = loadConfig();
  const port = values.port === undefined ? config.PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a whole number from 0 to 65535, not "${values.port}"\n`);
    return 2;
  }

  const runtime = await Runtime.open({ config, migrate: true, poolSize: 10, applicationName: 'sai-admin' });
  const redis = runtime.redis('producer');
  const producers = createProducers({ connection: redis, prefix: config.QUEUE_PREFIX });
  runtime.onClose(() => producers.close());
  const admin = await startAdminServer({
    config,
    db: runtime.db,
    redis,
    settings: await runtime.settings(),
    producers,
    port,
    host: values.host,
    ...adminOptionsFromConfig(config),
    metrics: runtime.metrics(),
    publicUrl: adminPublicUrl(config),
    syncPreview: syncPreviewer({ db: runtime.db, redis, logger }),
  });
  runtime.onClose(async () => {
    logger.info('admin stopping');
    await admin.close();
  });
  logger.info('admin listening', { url: admin.url });

  await runtime.untilSignal();
  return 0;
}
