/**
 * Redaction of secrets and personal data from anything that leaves the process as text:
 * log lines, job views in the dashboard, error messages kept in the database.
 */

/** Keys whose values are credentials. Matched case-insensitively on the key alone. */
const SECRET_KEY = /(password|passwd|secret|token|clientkey|client_key|authorization|cookie|apikey|api_key|encryptionkey|webhook)/i;

/** Keys whose values are personal data about a learner or member of staff. */
const PERSONAL_KEY = /^(firstname|surname|lastname|dateofbirth|dob|uln|email|address[1-4]|postcode|ninumber|phone|mobile|gender|notes|comments)$/i;

export const REDACTED = '[redacted]';

const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/g;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function isPersonalKey(key: string): boolean {
  return PERSONAL_KEY.test(key);
}

export function redactText(text: string): string {
  return text.replace(BEARER, `Bearer ${REDACTED}`);
}

/** A deep copy of `value` with secret (and, unless `keepPersonal`, personal) values replaced. */
export function redact(value: unknown, options: { keepPersonal?: boolean } = {}, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, options, seen));
  if (value instanceof Date) return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), stack: value.stack ? redactText(value.stack) : undefined };
  }
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (isSecretKey(key) || (!options.keepPersonal && isPersonalKey(key))) {
      copy[key] = inner === null || inner === undefined ? inner : REDACTED;
    } else {
      copy[key] = redact(inner, options, seen);
    }
  }
  return copy;
}
