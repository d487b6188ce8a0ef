import { isIP } from 'node:net';

/**
 * Express's `trust proxy` as TRUST_PROXY gives it: whose X-Forwarded-For (the client's
 * address, which the log-in throttle counts) and X-Forwarded-Proto (https, for Secure
 * cookies) to believe. false: nobody's, the socket's own address counts.
 */
export type TrustProxy = false | number | string[];

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function addressProblem(entry: string): string | null {
  if (NAMED_RANGES.includes(entry)) return null;
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return `"${entry}" is not an address, a subnet (address/bits) or one of ${NAMED_RANGES.join(', ')}`;
  if (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))) return `"${entry}" has a subnet size that does not fit its address`;
  return null;
}

/** Why TRUST_PROXY is unusable, or null: unset, false, a number of proxy hops (0–10), or a comma-separated list of proxies. */
export function trustProxyProblem(value: unknown): string | null {
  if (value === undefined || value === 'false') return null;
  if (typeof value !== 'string') return 'must be text';
  if (value === 'true') return "true would believe any client's X-Forwarded-For; give the number of proxies in front, or their addresses";
  if (/^\d+$/.test(value)) return Number(value) <= 10 ? null : 'must be at most 10 proxy hops';
  const problems = value
    .split(',')
    .map((entry) => addressProblem(entry.trim()))
    .filter((problem) => problem !== null);
  return problems.length > 0 ? `must be false, a number of proxy hops, or proxies' addresses: ${problems.join('; ')}` : null;
}

/** TRUST_PROXY (already validated) as Express's setting. */
export function trustProxySetting(value: string | undefined): TrustProxy {
  if (value === undefined || value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((entry) => entry.trim());
}
