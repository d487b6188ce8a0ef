import 'reflect-metadata';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from '../../entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export interface DatabaseOptions {
  url: string;
  /** Pool size; each worker process needs about its concurrency plus a few. */
  poolSize?: number;
  applicationName?: string;
}

/** The one way to reach PostgreSQL. The schema comes from migrations, never `synchronize`. */
export function createDataSource(options: DatabaseOptions): DataSource {
  const config: DataSourceOptions = {
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: false,
    applicationName: options.applicationName ?? 'smart-assessor-integration',
    extra: {
      max: options.poolSize ?? 20,
      connectionTimeoutMillis: 10_000,
      // Keep a dead server from holding a job forever; a query this slow is a fault.
      statement_timeout: 60_000,
    },
  };
  return new DataSource(config);
}

/** Connects and applies every pending migration. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}

/** The database named in `url` (letters, digits and _ only), and a client of the same server's `postgres` database to create or drop it with. */
async function withServer<T>(url: string, use: (client: import('pg').Client, name: string) => Promise<T>): Promise<T> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Database name "${name}" may hold letters, digits and _ only`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await use(client, name);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `url` when it does not exist (for first starts and test runs). */
export async function ensureDatabaseExists(url: string): Promise<void> {
  await withServer(url, async (client, name) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        // Two processes starting together: the other one created it first.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  });
}

export async function dropDatabase(url: string): Promise<void> {
  await withServer(url, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}
