import type { RedisOptions } from 'bullmq';

/**
 * ioredis options from a redis:// or rediss:// URL. BullMQ takes options (not a URL) and
 * makes its own connections from them, so each worker gets its blocking connection.
 */
export function redisOptionsFromUrl(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a Redis URL (redis://host:port/db)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`A Redis URL starts with redis:// or rediss://, not ${parsed.protocol}//`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new Error(`The Redis database in the URL must be a number, not "${db}"`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * For workers and anything else that blocks: a blocking command must wait as long as it
 * takes (maxRetriesPerRequest null), and auto-pipelining would queue other commands
 * behind a blocked one.
 */
export function workerConnection(url: string): RedisOptions {
  return { ...redisOptionsFromUrl(url), maxRetriesPerRequest: null, enableAutoPipelining: false };
}

/**
 * For a worker process's plain connection (the Smart Assessor request budget, the run's
 * snapshots, pausing a queue), on which nothing blocks: it waits out a blip like a
 * worker's, and with auto-pipelining the commands that jobs running side by side send in
 * one tick leave in one write (a write costs far more than the command on loopback).
 */
export function sharedStateConnection(url: string): RedisOptions {
  return { ...redisOptionsFromUrl(url), maxRetriesPerRequest: null, enableAutoPipelining: true };
}

/** For producers answering an admin request: fail after a few tries rather than hang the request. */
export function producerConnection(url: string): RedisOptions {
  return { ...redisOptionsFromUrl(url), maxRetriesPerRequest: 3, enableAutoPipelining: false };
}
