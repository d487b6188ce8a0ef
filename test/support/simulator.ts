import { createSmartAssessorClient, type SmartAssessorClient, type SmartAssessorClientOptions } from '../../src/smart-assessor/client.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../tools/simulator/server.js';

export type { RunningSimulator, SimulatorOptions } from '../../tools/simulator/server.js';

/**
 * A simulator for one test: a free port on 127.0.0.1 and a rate limit high enough that
 * only a test that sets its own will meet it. Close it in the test's `after`/`afterEach`.
 */
export function startTestSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ rateLimitPerMinute: 1_000_000, ...options, port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
}

/**
 * A client of `simulator` with its credentials. Without `redis` in `extra` its request
 * budget is this process's own; a short timeout keeps a held answer from stalling a test.
 */
export function clientFor(simulator: RunningSimulator, extra: Partial<SmartAssessorClientOptions> = {}): SmartAssessorClient {
  return createSmartAssessorClient({
    baseUrl: simulator.baseUrl,
    ...simulator.credentials,
    timeoutMs: 5_000,
    ...extra,
  });
}
