import type { DataSource } from 'typeorm';
import { isQueueName, QUEUE_NAMES, type QueueName } from '../queues/definitions.js';
import type { Config } from '../src/config/environment.js';
import { createDataSource } from '../src/db/data-source.js';
import { StartupError } from '../src/failure-kinds.js';

/** What the `worker`, `scheduler` and `sync` commands share in setting up a process. */

/** `--queues a,b`: the named queues, each once; every problem is named. */
export function parseQueueList(text: string | undefined): QueueName[] {
  if (text === undefined) return [...QUEUE_NAMES];
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new Error('--queues needs at least one queue name');
  const unknown = names.filter((name) => !isQueueName(name));
  if (unknown.length > 0) throw new Error(`--queues: no queue named ${unknown.map((name) => `"${name}"`).join(', ')} (queues: ${QUEUE_NAMES.join(', ')})`);
  return [...new Set(names as QueueName[])];
}

/** `--concurrency N`: a whole number from 1 to 500 (WORKER_CONCURRENCY's range). */
export function parseConcurrency(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 500) throw new Error(`--concurrency must be a whole number from 1 to 500, not "${text}"`);
  return value;
}

/**
 * PostgreSQL connections for a worker process. A job holds one only while it reads or
 * commits (not while it waits on Smart Assessor), so far fewer than the jobs at once
 * serve; several worker processes must stay inside the server's max_connections (100).
 */
export function workerPoolSize(jobsAtOnce: number): number {
  return Math.max(2, Math.min(20, jobsAtOnce) + 2);
}

/**
 * For processes that do not own the schema (workers, the scheduler, the CLI): connect,
 * and refuse to go on against a database that is missing migrations, with the fix.
 */
export async function openMigratedDatabase(config: Pick<Config, 'DATABASE_URL'>, options: { poolSize: number; applicationName: string }): Promise<DataSource> {
  const db = createDataSource({ url: config.DATABASE_URL, ...options });
  await db.initialize();
  if (await db.showMigrations()) {
    await db.destroy();
    throw new StartupError('The database is missing migrations: run `sai migrate` (or `sai start`) first');
  }
  return db;
}
