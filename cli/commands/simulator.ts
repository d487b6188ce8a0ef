import { stopOnSignal } from '../../workers/shutdown.js';
import { loadConfig } from '../../src/config/environment.js';
import { logger } from '../../src/logging/logger.js';
import type { FaultSettings } from '../../tools/simulator/faults.js';
import { startSimulator } from '../../tools/simulator/server.js';
import { parseCommandLine } from './command-line.js';

const USAGE = `usage: sai simulator [options]
  --port P                 port (default SIMULATOR_PORT, 4010)
  --host H                 address to listen on (default 127.0.0.1)
  --rate-limit N           site requests per clock minute (default 1200)
  --token-ttl S            access token lifetime in seconds (default 3600)
  --seed S                 seed of the faults and simulated days (default 1)
  --today YYYY-MM-DD       simulated date the days advance from (default today)
  --latency-ms L           added to every answer
  --latency-jitter-ms J    plus up to J more
  --error-rate X           share of 500s (0..1)
  --timeout-rate X         share of answers held past the client's timeout
  --hold-ms M              how long such an answer is held (default 60000)
  --rate-limit-rate X      share of injected 429s
  --retry-after S          Retry-After of injected 429s (default 1)
  --malformed-rate X       share of answers that break the contract
  --outage-seconds S       answer 503 unavailable for the first S seconds
  --fault-operations A,B   operationIds the shares apply to (default all)
  --record-requests        keep every request for GET /_control/requests
Control routes (outside the contract) are under /_control/: faults, expire-tokens,
rate-limit, token-ttl, counters, state, seed, advance-day, requests.`;

const NUMBER_FLAGS: Record<string, keyof FaultSettings> = {
  'latency-ms': 'latencyMs',
  'latency-jitter-ms': 'latencyJitterMs',
  'error-rate': 'errorRate',
  'timeout-rate': 'timeoutRate',
  'hold-ms': 'holdMs',
  'rate-limit-rate': 'rateLimitRate',
  'retry-after': 'retryAfterSeconds',
  'malformed-rate': 'malformedRate',
};

export async function run(args: string[]): Promise<number> {
  const config = loadConfig();
  const values = parseCommandLine(
    args,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      'rate-limit': { type: 'string' },
      'token-ttl': { type: 'string' },
      seed: { type: 'string' },
      today: { type: 'string' },
      'outage-seconds': { type: 'string' },
      'fault-operations': { type: 'string' },
      'record-requests': { type: 'boolean' },
      ...Object.fromEntries(Object.keys(NUMBER_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
    },
    USAGE,
  ) as Record<string, string | boolean | undefined> | number;
  if (typeof values === 'number') return values;

  const problems: string[] = [];
  const number = (flag: string): number | undefined => {
    const text = values[flag];
    if (typeof text !== 'string') return undefined;
    const value = Number(text);
    if (!Number.isFinite(value)) problems.push(`--${flag} must be a number, got "${text}"`);
    return value;
  };
  const faults: Partial<FaultSettings> = {};
  for (const [flag, setting] of Object.entries(NUMBER_FLAGS)) {
    const value = number(flag);
    if (value !== undefined) (faults as Record<string, number>)[setting] = value;
  }
  const outageSeconds = number('outage-seconds');
  if (outageSeconds !== undefined) faults.outageUntil = Date.now() + outageSeconds * 1000;
  if (typeof values['fault-operations'] === 'string') faults.operations = values['fault-operations'].split(',').map((name) => name.trim());
  const today = values.today;
  if (typeof today === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(today)) problems.push(`--today must be YYYY-MM-DD, got "${today}"`);
  const port = number('port') ?? config.SIMULATOR_PORT;
  const rateLimitPerMinute = number('rate-limit');
  const tokenTtlSeconds = number('token-ttl');
  const seed = number('seed');
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}\n`);
    return 2;
  }

  const simulator = await startSimulator({
    port,
    host: typeof values.host === 'string' ? values.host : undefined,
    credentials: { username: config.SIMULATOR_USERNAME, password: config.SIMULATOR_PASSWORD, clientKey: config.SIMULATOR_CLIENT_KEY },
    rateLimitPerMinute,
    tokenTtlSeconds,
    seed,
    today: typeof today === 'string' ? today : undefined,
    faults,
    recordRequests: values['record-requests'] === true,
    logger,
  });

  // The simulator's own site credentials are printed on purpose: they are what a person enters in the settings page to connect to it.
  process.stdout.write(
    [
      `Smart Assessor simulator listening on ${simulator.baseUrl}`,
      `  username:   ${simulator.credentials.username}`,
      `  password:   ${simulator.credentials.password}`,
      `  client key: ${simulator.credentials.clientKey}`,
      `  rate limit: ${rateLimitPerMinute ?? 1200} requests per minute; control routes under http://${typeof values.host === 'string' ? values.host : '127.0.0.1'}:${simulator.port}/_control/`,
      '',
    ].join('\n'),
  );

  await stopOnSignal(() => simulator.close(), logger);
  return 0;
}
