import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../tools/bench/ports.js';
import { answersPing, askRedis } from './redis-server.js';

/**
 * Redis beyond one node, on this machine, for a test: a Cluster of three masters and a
 * Sentinel set (a master, a replica and three sentinels), each redis-server a process of
 * the test's own on free loopback ports, in a temporary directory, gone when closed.
 */

const run = promisify(execFile);
const READY_WITHIN_MS = 15_000;

interface ServerProcess {
  port: number;
  child: ChildProcess;
  exited: Promise<unknown>;
}

/** Starts `redis-server` with `args` and waits until it answers PING on `port`. */
async function startServer(port: number, args: string[], logFile: string): Promise<ServerProcess> {
  const child = spawn('redis-server', [...args, '--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no', '--logfile', logFile], { stdio: 'ignore' });
  child.on('error', () => undefined);
  const exited = once(child, 'exit');
  await until(`redis-server on port ${port} to answer (log: ${logFile})`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server on port ${port} exited during start-up (log: ${logFile})`);
    return answersPing(`redis://127.0.0.1:${port}`);
  });
  return { port, child, exited };
}

async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Gave up after ${READY_WITHIN_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The answer of the server on loopback `port` to `command`, or null. */
function ask(port: number, ...command: [string, ...string[]]): Promise<unknown> {
  return askRedis(`redis://127.0.0.1:${port}`, ...command);
}

async function isFree(port: number): Promise<boolean> {
  const probe = net.createServer();
  try {
    probe.listen(port, '127.0.0.1');
    await once(probe, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port <= 55_535 && (await isFree(port + 10_000))) return port;
  }
}

export interface LocalRedisCluster {
  /** redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3 */
  readonly url: string;
  readonly ports: readonly number[];
  close(): Promise<void>;
}

/** Three masters, the 16,384 slots split between them (redis-cli --cluster create), no replicas. */
export async function startRedisCluster(): Promise<LocalRedisCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sai-redis-cluster-'));
  const servers: ServerProcess[] = [];
  const close = async (): Promise<void> => {
    for (const server of servers.splice(0)) await stopServer(server);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let node = 0; node < 3; node += 1) {
      const port = await freeClusterPort();
      const args = ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000'];
      servers.push(await startServer(port, [...args, '--dir', dir, '--save', '', '--appendonly', 'no'], path.join(dir, `redis-${port}.log`)));
    }
    const ports = servers.map((server) => server.port);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await until('every node of the cluster to report it ok', async () => {
      for (const port of ports) if (!String(await ask(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
      return true;
    });
    return { url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, ports, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface LocalSentinelSet {
  /** redis+sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3/<master name> */
  readonly url: string;
  readonly masterName: string;
  /** The port of the server the sentinels now name master. */
  masterPort(): Promise<number | null>;
  /** SIGKILLs the server that is master now; answers its port. */
  killMaster(): Promise<number>;
  /** Waits until the sentinels name another server master than `port`. */
  waitForFailoverFrom(port: number, withinMs: number): Promise<number>;
  close(): Promise<void>;
}

const MASTER_NAME = 'sai-test-master';

/**
 * A master, a replica of it and three sentinels (quorum 2) that fail over a master which
 * has not answered for a second. Every server is memory only: a write the master took
 * and the replica had not yet received is lost with the master, as in production.
 */
export async function startSentinelSet(): Promise<LocalSentinelSet> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sai-redis-sentinel-'));
  const data = new Map<number, ServerProcess>();
  const sentinels: ServerProcess[] = [];
  const close = async (): Promise<void> => {
    for (const server of [...sentinels.splice(0), ...data.values()]) await stopServer(server);
    data.clear();
    await rm(dir, { recursive: true, force: true });
  };
  const memoryOnly = ['--dir', dir, '--save', '', '--appendonly', 'no'];
  try {
    const masterPort = await freePort();
    data.set(masterPort, await startServer(masterPort, memoryOnly, path.join(dir, `redis-${masterPort}.log`)));
    const replicaPort = await freePort();
    data.set(replicaPort, await startServer(replicaPort, [...memoryOnly, '--replicaof', '127.0.0.1', String(masterPort)], path.join(dir, `redis-${replicaPort}.log`)));
    await until('the replica to be in step with the master', async () => String(await ask(replicaPort, 'INFO', 'replication')).includes('master_link_status:up'));

    for (let index = 0; index < 3; index += 1) {
      const port = await freePort();
      const config = path.join(dir, `sentinel-${port}.conf`);
      // A sentinel rewrites its own configuration file as it learns the set: each has its own.
      await writeFile(
        config,
        [
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
          `sentinel failover-timeout ${MASTER_NAME} 5000`,
          `sentinel parallel-syncs ${MASTER_NAME} 1`,
          '',
        ].join('\n'),
      );
      sentinels.push(await startServer(port, [config, '--sentinel', '--dir', dir], path.join(dir, `sentinel-${port}.log`)));
    }
    await until('every sentinel to know the replica and the other sentinels', async () => {
      for (const sentinel of sentinels) {
        const replicas = (await ask(sentinel.port, 'SENTINEL', 'REPLICAS', MASTER_NAME)) as unknown[] | null;
        const others = (await ask(sentinel.port, 'SENTINEL', 'SENTINELS', MASTER_NAME)) as unknown[] | null;
        if (!replicas || replicas.length < 1 || !others || others.length < 2) return false;
      }
      return true;
    });

    const masterPortNow = async (): Promise<number | null> => {
      const answer = (await ask(sentinels[0].port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as [string, string] | null;
      return answer ? Number(answer[1]) : null;
    };
    return {
      url: `redis+sentinel://${sentinels.map((sentinel) => `127.0.0.1:${sentinel.port}`).join(',')}/${MASTER_NAME}`,
      masterName: MASTER_NAME,
      masterPort: masterPortNow,
      async killMaster() {
        const port = await masterPortNow();
        const master = port === null ? undefined : data.get(port);
        if (!master) throw new Error('the sentinels name no master of this set');
        await stopServer(master);
        return master.port;
      },
      async waitForFailoverFrom(port, withinMs) {
        const deadline = Date.now() + withinMs;
        for (;;) {
          const now = await masterPortNow();
          if (now !== null && now !== port && (await answersPing(`redis://127.0.0.1:${now}`))) return now;
          if (Date.now() > deadline) throw new Error(`The sentinels did not promote a new master within ${withinMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
