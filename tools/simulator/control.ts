import { applyFaults, NO_FAULTS, type FaultSettings } from './faults.js';
import type { MinuteRateLimit } from './rate-limit.js';
import { SeedError, type SeedDocument } from './seed.js';
import type { SimulatorStore } from './store.js';

/**
 * Routes under /_control/ for tests and benchmarks that drive a simulator in another
 * process: faults, tokens, the rate limit, seeding, simulated days and counters. They
 * are outside the contract, so they pass no rate limit, token check or fault.
 */

export interface ControlContext {
  store: SimulatorStore;
  limit: MinuteRateLimit;
  getFaults(): FaultSettings;
  setFaults(faults: FaultSettings): void;
}

export interface ControlAnswer {
  status: number;
  body: unknown;
}

const fail = (status: number, message: string): ControlAnswer => ({
  status,
  body: { error: { code: status === 404 ? 'not_found' : 'validation_failed', message } },
});

export function showFaults(faults: FaultSettings): Record<string, unknown> {
  return { ...faults, outageUntil: faults.outageUntil === null ? null : new Date(faults.outageUntil).toISOString() };
}

export function handleControl(context: ControlContext, method: string, route: string, body: unknown): ControlAnswer {
  const { store, limit } = context;
  const input = (body ?? {}) as Record<string, unknown>;
  try {
    switch (`${method} ${route}`) {
      case 'GET health':
        return { status: 200, body: { status: 'ok' } };
      case 'GET faults':
        return { status: 200, body: showFaults(context.getFaults()) };
      case 'PATCH faults':
        context.setFaults(applyFaults(context.getFaults(), input));
        return { status: 200, body: showFaults(context.getFaults()) };
      case 'PUT faults':
        context.setFaults(applyFaults({ ...NO_FAULTS }, input));
        return { status: 200, body: showFaults(context.getFaults()) };
      case 'DELETE faults':
        context.setFaults({ ...NO_FAULTS });
        return { status: 200, body: showFaults(context.getFaults()) };
      case 'POST expire-tokens':
        return { status: 200, body: { expired: store.expireTokens() } };
      case 'PUT rate-limit':
        limit.setLimit(Number(input.perMinute));
        return { status: 200, body: { perMinute: limit.limit } };
      case 'PUT token-ttl': {
        const seconds = Number(input.seconds);
        if (!Number.isInteger(seconds) || seconds < 1) return fail(400, 'seconds must be a whole number of 1 or more');
        store.tokenTtlSeconds = seconds;
        return { status: 200, body: { seconds } };
      }
      case 'GET counters':
        return { status: 200, body: { ...store.counters, windows: limit.windows(), perMinute: limit.limit } };
      case 'DELETE counters':
        store.resetCounters();
        limit.resetHistory();
        return { status: 200, body: { reset: true } };
      case 'GET state':
        return { status: 200, body: { today: store.today, ...store.stats() } };
      case 'POST seed':
        return { status: 200, body: store.seed(input as SeedDocument) };
      case 'POST advance-day': {
        const days = input.days === undefined ? 1 : Number(input.days);
        if (!Number.isInteger(days) || days < 1 || days > 366) return fail(400, 'days must be a whole number from 1 to 366');
        return { status: 200, body: { days: Array.from({ length: days }, () => store.advanceDay()) } };
      }
      case 'GET requests':
        return { status: 200, body: { items: store.recorded } };
      case 'DELETE requests':
        store.recorded.length = 0;
        return { status: 200, body: { cleared: true } };
      default:
        return fail(404, `No control route ${method} /_control/${route}`);
    }
  } catch (error) {
    if (error instanceof SeedError || error instanceof RangeError) return fail(400, error.message);
    throw error;
  }
}
