import { createIORedisClient, RedisConnection, type RedisOptions } from 'bullmq';
import { Cluster, Redis, type ClusterOptions, type RedisOptions as IORedisOptions } from 'ioredis';

/**
 * Every Redis connection of the product is built here, from REDIS_URL, which names one
 * of three things:
 *
 *   redis://[user:password@]host[:port][/db]               one server (rediss:// for TLS)
 *   redis+sentinel://[user:password@]host[:port][,host[:port]…]/master[/db][?sentinelPassword=…]
 *                                                           a Sentinel set watching `master`
 *   redis+cluster://[user:password@]host[:port][,host[:port]…]
 *                                                           a Redis Cluster (any of its nodes)
 *
 * The user and password are the Redis servers' (a Sentinel set's master and replicas, a
 * Cluster's nodes); sentinels with a password of their own take sentinelUsername and
 * sentinelPassword. rediss+sentinel:// and rediss+cluster:// speak TLS to every server.
 * Ports default to 6379, a sentinel's to 26379.
 *
 * BullMQ is given options, not connections, and makes and closes its own from them (each
 * worker one of them blocking). It makes a plain ioredis client from options; for a
 * Cluster it must make an ioredis Cluster, so this module gives BullMQ a client factory
 * that reads the Cluster's nodes from the options (CLUSTER_NODES) and makes the Cluster.
 */

export type RedisTopology = 'server' | 'sentinel' | 'cluster';

export interface RedisTarget {
  topology: RedisTopology;
  /** The connection options (a Cluster's: of each node's connection, and its startup nodes under CLUSTER_NODES). */
  options: RedisOptions;
}

/** Where options for a Cluster carry its startup nodes; BullMQ copies them along with the rest. */
export const CLUSTER_NODES = Symbol('sai.redis.cluster-nodes');

type ClusterNode = { host: string; port: number };
type TargetOptions = RedisOptions & { [CLUSTER_NODES]?: ClusterNode[] };

const SCHEME = /^(rediss?)(?:\+(sentinel|cluster))?:\/\/(.*)$/i;
const SENTINEL_PARAMETERS = ['sentinelUsername', 'sentinelPassword'] as const;

/** What REDIS_URL names; a URL that names nothing usable is refused with what is wrong (never the password). */
export function parseRedisUrl(url: string): RedisTarget {
  const scheme = SCHEME.exec(url.trim());
  if (!scheme) {
    const given = /^([a-z0-9+.-]*):\/\//i.exec(url)?.[1];
    throw new Error(`must start with redis://, rediss://, redis+sentinel:// or redis+cluster://${given === undefined ? '' : `, not ${given}://`}`);
  }
  const [, protocol, mode, rest] = scheme;
  const topology: RedisTopology = mode === undefined ? 'server' : (mode.toLowerCase() as RedisTopology);
  const tls = protocol.toLowerCase() === 'rediss';
  const { authority, path, query } = splitUrl(rest);
  const at = authority.lastIndexOf('@');
  const credentials = at >= 0 ? userinfo(authority.slice(0, at)) : {};
  const hosts = parseHosts(at >= 0 ? authority.slice(at + 1) : authority, topology === 'sentinel' ? 26379 : 6379);
  const parameters = new URLSearchParams(query);
  const unknown = [...parameters.keys()].filter((name) => topology !== 'sentinel' || !(SENTINEL_PARAMETERS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`takes no parameter ${unknown.map((name) => `"${name}"`).join(', ')}${topology === 'sentinel' ? ' (only sentinelUsername, sentinelPassword)' : ''}`);
  const segments = path.split('/').filter((segment) => segment !== '');

  if (topology === 'cluster') {
    if (segments.length > 0) throw new Error('names a Redis Cluster, which has no database but 0: leave the path out');
    return { topology, options: { ...credentials, ...(tls ? { tls: {} } : {}), [CLUSTER_NODES]: hosts } as TargetOptions };
  }
  if (topology === 'sentinel') {
    const [name, db, ...extra] = segments;
    if (name === undefined) throw new Error("names a Sentinel set: the master's name follows the sentinels, e.g. redis+sentinel://host1:26379,host2:26379/mymaster");
    if (extra.length > 0) throw new Error('has more after the master name and database than a Sentinel URL takes');
    const sentinelAuth: Partial<Record<(typeof SENTINEL_PARAMETERS)[number], string>> = {};
    for (const name of SENTINEL_PARAMETERS) {
      const value = parameters.get(name);
      if (value !== null) sentinelAuth[name] = value;
    }
    return {
      topology,
      options: {
        sentinels: hosts,
        name: decodeURIComponent(name),
        ...credentials,
        ...sentinelAuth,
        ...database(db),
        ...(tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
        // A replica promoted while this client was connected elsewhere: follow the sentinels' word at once.
        failoverDetector: true,
        // A master demoted to a replica answers writes with READONLY: find the new master and send again.
        reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 2 : false),
      },
    };
  }
  if (hosts.length > 1) throw new Error('names several hosts: use redis+sentinel:// for a Sentinel set or redis+cluster:// for a Cluster');
  if (segments.length > 1) throw new Error('has more in its path than a database number');
  const [{ host, port }] = hosts;
  return { topology, options: { host, port, ...credentials, ...database(segments[0]), ...(tls ? { tls: {} } : {}) } };
}

function splitUrl(rest: string): { authority: string; path: string; query: string } {
  const pathAt = rest.search(/[/?#]/);
  const authority = pathAt < 0 ? rest : rest.slice(0, pathAt);
  const tail = pathAt < 0 ? '' : rest.slice(pathAt).replace(/#.*$/, '');
  const queryAt = tail.indexOf('?');
  return { authority, path: queryAt < 0 ? tail : tail.slice(0, queryAt), query: queryAt < 0 ? '' : tail.slice(queryAt + 1) };
}

function userinfo(text: string): Pick<RedisOptions, 'username' | 'password'> {
  const colon = text.indexOf(':');
  const username = decodeURIComponent(colon < 0 ? text : text.slice(0, colon));
  const password = colon < 0 ? '' : decodeURIComponent(text.slice(colon + 1));
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/** host[:port] or [v6]:port, comma-separated; a missing port is `defaultPort`. */
function parseHosts(text: string, defaultPort: number): ClusterNode[] {
  if (text.trim() === '') throw new Error('names no host');
  return text.split(',').map((entry) => {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d*))?$/.exec(entry.trim());
    if (!match) throw new Error(`has a host that is not host[:port]: "${entry.trim()}"`);
    const port = match[3] ? Number(match[3]) : defaultPort;
    if (!(port >= 1 && port <= 65535)) throw new Error(`has a port out of range: ${match[3]}`);
    return { host: match[1] ?? match[2], port };
  });
}

function database(segment: string | undefined): Pick<RedisOptions, 'db'> {
  if (segment === undefined || segment === '') return {};
  if (!/^\d+$/.test(segment)) throw new Error(`has a database that is not a number: "${segment}"`);
  return { db: Number(segment) };
}

/** The connection options of REDIS_URL, whichever it names (see parseRedisUrl). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  return parseRedisUrl(url).options;
}

/**
 * The prefix of every key of the deployment's queues. On a Cluster, a script of BullMQ's
 * touches several keys of a queue, which must share a hash slot: the prefix is made a
 * hash tag ("sai" → "{sai}") unless it holds one. Elsewhere it is left as it is.
 */
export function queueKeyPrefix(url: string, prefix: string): string {
  if (parseRedisUrl(url).topology !== 'cluster' || /\{[^}]+\}/.test(prefix)) return prefix;
  return `{${prefix}}`;
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

/** A plain connection: to one server, a Sentinel set's master, or a Cluster. */
export type RedisClient = Redis | Cluster;

/** Opens a plain connection from options made above (or BullMQ's copy of them); the caller closes it. */
export function connectRedis(options: RedisOptions): RedisClient {
  const { [CLUSTER_NODES]: nodes, ...rest } = options as TargetOptions;
  if (!nodes) return new Redis(rest as IORedisOptions);
  const { enableAutoPipelining, enableOfflineQueue, lazyConnect, ...nodeOptions } = rest as IORedisOptions;
  const clusterOptions: ClusterOptions = {
    redisOptions: nodeOptions,
    enableAutoPipelining,
    enableOfflineQueue,
    lazyConnect,
  };
  return new Cluster(nodes, clusterOptions);
}

/** Whether `redis` is a Cluster: a SCAN or a command of several keys then goes node by node or slot by slot. */
export function isCluster(redis: RedisClient): redis is Cluster {
  return redis instanceof Cluster;
}

RedisConnection.clientFactory = (options) => createIORedisClient(connectRedis(options));
