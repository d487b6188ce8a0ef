import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Environment } from '../../src/config/environment.js';
import type { Logger } from '../../src/logging/logger.js';
import { loadContract, problemsToFields, type ContractOperation } from '../../src/smart-assessor/contract.js';
import { API_HANDLERS, createToken, type ApiAnswer } from './api.js';
import { handleControl } from './control.js';
import { applyFaults, decideFaults, malform, NO_FAULTS, type FaultDecision, type FaultSettings } from './faults.js';
import { SeededRandom } from './random.js';
import { MinuteRateLimit } from './rate-limit.js';
import { SimulatorError, SimulatorStore, type SimulatorCredentials } from './store.js';

export type { FaultSettings } from './faults.js';
export type { SimulatorCredentials, SimulatorCounters, RecordedRequest } from './store.js';
export { SimulatorStore } from './store.js';

export const API_ROOT = '/api/v1';
const CONTROL_ROOT = '/_control/';
const MAX_API_BODY_BYTES = 1_000_000;

export interface SimulatorOptions {
  /** Default 4010; 0 picks a free port. */
  port?: number;
  host?: string;
  /** The site's API user; unset parts take the SIMULATOR_* defaults of the configuration. */
  credentials?: Partial<SimulatorCredentials>;
  /** The site's request budget per clock minute; default 1200. */
  rateLimitPerMinute?: number;
  /** Lifetime of an access token; default 3600. */
  tokenTtlSeconds?: number;
  /** Seeds the faults and the simulated days; default 1. */
  seed?: number;
  faults?: Partial<FaultSettings>;
  /** Keep every API request (credentials redacted) in `store.recorded`, for contract checks in tests. */
  recordRequests?: boolean;
  siteName?: string;
  /** The simulated date `advanceDay` starts from; default today. */
  today?: string;
  logger?: Logger;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:4010/api/v1 */
  baseUrl: string;
  port: number;
  credentials: SimulatorCredentials;
  store: SimulatorStore;
  setFaults(faults: Partial<FaultSettings>): void;
  faults(): FaultSettings;
  setRateLimit(perMinute: number): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string | number>;
}

/** The Smart Assessor contract in memory, over HTTP, with the faults a real site has now and then. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const contract = loadContract();
  const missing = [...contract.operations.keys()].filter((id) => id !== 'createToken' && !API_HANDLERS[id]);
  if (missing.length > 0) throw new Error(`The simulator has no handler for ${missing.join(', ')}`);

  const defaults = new Environment();
  const credentials: SimulatorCredentials = {
    username: options.credentials?.username ?? defaults.SIMULATOR_USERNAME,
    password: options.credentials?.password ?? defaults.SIMULATOR_PASSWORD,
    clientKey: options.credentials?.clientKey ?? defaults.SIMULATOR_CLIENT_KEY,
  };
  const seed = options.seed ?? 1;
  const store = new SimulatorStore({
    credentials,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    seed,
    today: options.today ?? new Date().toISOString().slice(0, 10),
    recordRequests: options.recordRequests ?? false,
  });
  const limit = new MinuteRateLimit(options.rateLimitPerMinute ?? 1200);
  const faultRandom = new SeededRandom(seed);
  let faults = applyFaults({ ...NO_FAULTS }, options.faults ?? {});
  const site = {
    name: options.siteName ?? 'Smart Assessor Simulator',
    get rateLimitPerMinute() {
      return limit.limit;
    },
  };

  const pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closing = false;
  const wait = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const entry = {
            timer: setTimeout(() => {
              pending.delete(entry);
              resolve();
            }, ms),
            resolve,
          };
          pending.add(entry);
        });

  async function handleApi(req: http.IncomingMessage, path: string, search: URLSearchParams): Promise<Reply> {
    const now = Date.now();
    store.counters.requests += 1;
    const rateHeaders = (remaining: number) => ({ 'X-RateLimit-Limit': limit.limit, 'X-RateLimit-Remaining': remaining });

    if (faults.outageUntil !== null && now < faults.outageUntil) {
      store.counters.injected.outage += 1;
      await drain(req);
      return {
        status: 503,
        body: errorBody('unavailable', 'Smart Assessor is unavailable for maintenance'),
        headers: { ...rateHeaders(limit.remaining(now)), 'Retry-After': Math.ceil((faults.outageUntil - now) / 1000) },
      };
    }
    const allowance = limit.take(now);
    const headers = rateHeaders(allowance.remaining);
    if (!allowance.allowed) {
      store.counters.rateLimited += 1;
      await drain(req);
      return {
        status: 429,
        body: errorBody('rate_limited', 'The site request budget for this minute is spent'),
        headers: { ...headers, 'Retry-After': allowance.retryAfterSeconds },
      };
    }

    const matched = contract.match(req.method ?? 'GET', path);
    if (!matched) {
      await drain(req);
      return contract.hasPath(path)
        ? { status: 405, body: errorBody('validation_failed', `${req.method} is not allowed on ${path}`), headers }
        : { status: 404, body: errorBody('not_found', `No such path: ${API_ROOT}${path}`), headers };
    }
    const { operation, params } = matched;
    store.counters.byOperation[operation.operationId] = (store.counters.byOperation[operation.operationId] ?? 0) + 1;
    const decision = decideFaults(faults, faultRandom, operation.operationId);
    const raw = await readBody(req, MAX_API_BODY_BYTES);
    const query = queryOf(search);
    const reply = answer(operation, params, query, raw, req.headers.authorization, decision);
    reply.headers = { ...headers, ...reply.headers };
    if (store.recordRequests) {
      store.recorded.push({
        operationId: operation.operationId,
        method: operation.method,
        path,
        query,
        body: redactCredentials(operation, parseOrText(raw)),
        status: reply.status,
      });
    }
    if (decision.timeout) {
      store.counters.injected.timeouts += 1;
      await wait(faults.holdMs);
    }
    await wait(decision.latencyMs);
    return reply;
  }

  function answer(
    operation: ContractOperation,
    params: Record<string, string>,
    query: Record<string, string | string[]>,
    raw: string | undefined,
    authorization: string | undefined,
    decision: FaultDecision,
  ): Reply {
    if (decision.rateLimited) {
      store.counters.injected.rateLimited += 1;
      return { status: 429, body: errorBody('rate_limited', 'The site is busy; slow down'), headers: { 'Retry-After': faults.retryAfterSeconds } };
    }
    if (operation.requiresAuth) {
      const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
      if (!token || !store.tokenIsValid(token)) {
        store.counters.tokenRefused += 1;
        return { status: 401, body: errorBody('unauthorized', token ? 'The access token is unknown or has expired' : 'An access token is required') };
      }
    }
    if (decision.error) {
      store.counters.injected.errors += 1;
      return { status: 500, body: errorBody('internal', 'Something went wrong on our side; try again later') };
    }
    const checkedQuery = contract.checkQuery(operation.operationId, query);
    const problems = checkedQuery.problems.map((problem) => ({ ...problem, field: problem.field || '(query)' }));
    let body: unknown;
    let parsed = true;
    if (raw !== undefined) {
      try {
        body = JSON.parse(raw);
      } catch {
        parsed = false;
        problems.push({ field: '(body)', message: 'is not valid JSON' });
      }
    }
    if (parsed) problems.push(...contract.checkRequestBody(operation.operationId, body));
    if (problems.length > 0) {
      store.counters.invalidRequests += 1;
      const fields = problemsToFields(problems);
      return {
        status: 400,
        body: errorBody(
          'validation_failed',
          `The request is invalid: ${Object.entries(fields)
            .map(([f, m]) => `${f} ${m}`)
            .join('; ')}`,
          { fields },
        ),
      };
    }
    let result: ApiAnswer;
    try {
      result = operation.operationId === 'createToken' ? createToken(store, body) : API_HANDLERS[operation.operationId]!(store, { params, query: checkedQuery.values, body, site });
    } catch (error) {
      if (error instanceof SimulatorError) return { status: error.status, body: errorBody(error.code, error.message, error.details) };
      throw error;
    }
    if (decision.malformed && result.status < 300) {
      store.counters.injected.malformed += 1;
      return { status: result.status, body: malform(result.body) };
    }
    return result;
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    let work: Promise<Reply>;
    if (url.pathname.startsWith(CONTROL_ROOT)) {
      work = readBody(req).then((raw) => {
        let body: unknown;
        try {
          body = raw === undefined ? undefined : JSON.parse(raw);
        } catch {
          return { status: 400, body: errorBody('validation_failed', 'The body is not valid JSON') };
        }
        return handleControl(
          {
            store,
            limit,
            getFaults: () => faults,
            setFaults: (next) => {
              faults = next;
            },
          },
          req.method ?? 'GET',
          url.pathname.slice(CONTROL_ROOT.length),
          body,
        );
      });
    } else if (url.pathname === API_ROOT || url.pathname.startsWith(`${API_ROOT}/`)) {
      work = handleApi(req, url.pathname.slice(API_ROOT.length), url.searchParams);
    } else {
      work = Promise.resolve({ status: 404, body: errorBody('not_found', `No such path: ${url.pathname}; the API is under ${API_ROOT}`) });
    }
    void work
      .catch((error: unknown) => {
        if (error instanceof SimulatorError) return { status: error.status, body: errorBody(error.code, error.message, error.details) } as Reply;
        options.logger?.error('simulator failed a request', { error });
        return { status: 500, body: errorBody('internal', 'The simulator failed this request') } as Reply;
      })
      .then((reply) => {
        if (url.pathname.startsWith(`${API_ROOT}/`)) store.countAnswer(reply.status);
        send(res, reply);
      });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';

  return {
    baseUrl: `http://${host}:${address.port}${API_ROOT}`,
    port: address.port,
    credentials,
    store,
    setFaults(patch) {
      faults = applyFaults(faults, patch as Record<string, unknown>);
    },
    faults: () => ({ ...faults }),
    setRateLimit(perMinute) {
      limit.setLimit(perMinute);
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const entry of pending) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      pending.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function errorBody(code: string, message: string, details?: Record<string, unknown>): unknown {
  return { error: details ? { code, message, details } : { code, message } };
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  const json = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    ...reply.headers,
  });
  res.end(json);
}

/** The body as text; undefined when there is none. Past `limit` bytes the request is cut off. */
function readBody(req: http.IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.destroy();
        reject(new SimulatorError(400, 'validation_failed', `The body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size === 0 ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function drain(req: http.IncomingMessage): Promise<void> {
  await readBody(req).catch(() => undefined);
}

function queryOf(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of search) {
    const seen = query[name];
    query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}

function parseOrText(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function redactCredentials(operation: ContractOperation, body: unknown): unknown {
  if (operation.operationId !== 'createToken' || !body || typeof body !== 'object') return body;
  const copy = { ...(body as Record<string, unknown>) };
  for (const key of ['password', 'clientKey']) if (typeof copy[key] === 'string') copy[key] = '[redacted]';
  return copy;
}
