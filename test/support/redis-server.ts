import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../tools/bench/ports.js';

/**
 * A redis-server of the test's own, on a free loopback port, so a test can stop and
 * restart Redis without touching the machine's (which other tests share).
 */
export interface OwnRedisServer {
  readonly port: number;
  readonly url: string;
  readonly persistence: RedisPersistence;
  /** Whether the server process is up. */
  readonly running: boolean;
  /** Stops the server: SIGKILL is a crash, SIGTERM a clean shutdown. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts it again on the same port and data directory and waits until it answers. */
  start(): Promise<void>;
  /** Stops and starts it; with `aof` persistence every acknowledged write survives, with `none` the data is gone. */
  restart(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Stops it for good and removes its data directory. */
  close(): Promise<void>;
}

/** `aof`: every write is appended and fsynced before it is acknowledged; `none`: memory only. */
export type RedisPersistence = 'aof' | 'none';

export interface OwnRedisOptions {
  persistence: RedisPersistence;
  /** How long start-up may take before it counts as failed; default 10 s. */
  readyWithinMs?: number;
}

/** The answer of the server at `url` to `command`, or null when it does not answer. */
export async function askRedis(url: string, ...command: [string, ...string[]]): Promise<unknown> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(...command);
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** Whether the server at `url` is up: one still loading its AOF answers LOADING to PING; only PONG means ready. */
export async function answersPing(url: string): Promise<boolean> {
  return (await askRedis(url, 'PING')) === 'PONG';
}

export async function startOwnRedis(options: OwnRedisOptions): Promise<OwnRedisServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sai-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const readyWithinMs = options.readyWithinMs ?? 10_000;
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> | undefined;

  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    '--logfile',
    path.join(dir, 'redis.log'),
    ...(options.persistence === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ];

  const start = async (): Promise<void> => {
    if (child) return;
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    child = started;
    exited = once(started, 'exit');
    started.on('error', () => undefined);
    const deadline = Date.now() + readyWithinMs;
    while (!(await answersPing(url))) {
      if (started.exitCode !== null || started.signalCode !== null) {
        child = undefined;
        throw new Error(`redis-server on port ${port} exited during start-up (see ${path.join(dir, 'redis.log')})`);
      }
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within ${readyWithinMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const stop = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> => {
    const running = child;
    if (!running) return;
    child = undefined;
    if (running.exitCode === null && running.signalCode === null) {
      running.kill(signal);
      await exited;
    }
  };

  await start();
  return {
    port,
    url,
    persistence: options.persistence,
    get running() {
      return child !== undefined;
    },
    stop,
    start,
    async restart(signal = 'SIGKILL') {
      await stop(signal);
      await start();
    },
    async close() {
      await stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
