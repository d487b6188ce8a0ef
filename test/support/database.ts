import type { DataSource } from 'typeorm';
import { createDataSource, dropDatabase, ensureDatabaseExists } from '../../src/db/data-source.js';
import { TEST_RUN_ID } from './run-id.js';

const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of this test run's own database (created on first use, dropped at the end). */
export function testDatabaseUrl(): string {
  const url = new URL(serverUrl);
  url.pathname = `/sai_test_${TEST_RUN_ID}`;
  return url.toString();
}

let shared: Promise<DataSource> | undefined;
let created = false;

/** This run's database with every migration applied; shared by the tests of the run. */
export function testDataSource(): Promise<DataSource> {
  shared ??= (async () => {
    const url = testDatabaseUrl();
    await ensureDatabaseExists(url);
    created = true;
    const dataSource = createDataSource({ url, poolSize: 10, applicationName: 'sai-tests' });
    await dataSource.initialize();
    await dataSource.runMigrations();
    return dataSource;
  })();
  return shared;
}

/** Empties every table (the settings row comes back with its defaults) so each test starts clean. */
export async function resetDatabase(dataSource: DataSource): Promise<void> {
  const tables = dataSource.entityMetadatas.map((meta) => `"${meta.tableName}"`).join(', ');
  await dataSource.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
  await dataSource.query('INSERT INTO "integration_settings" ("id") VALUES (1)');
}

export async function closeTestDatabase(): Promise<void> {
  if (shared) {
    const dataSource = await shared.catch(() => undefined);
    if (dataSource?.isInitialized) await dataSource.destroy();
    shared = undefined;
  }
  if (created && !process.env.KEEP_TEST_DATABASE) await dropDatabase(testDatabaseUrl());
}
