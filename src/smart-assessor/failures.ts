import { answerProblems, ErrorAnswer } from './answers.js';
import { SmartAssessorError } from './smart-assessor-error.js';
import { retryAfterMs } from './request-budget.js';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/**
 * A non-2xx answer as the error kind the workers act on: 5xx is transient, 429
 * rate-limited (with the server's Retry-After), 401 auth, 404 not-found, and anything
 * else (400, 409, other 4xx) permanent. The message names the operation and carries the
 * server's own words and, for a 400, each field it refused.
 */
export function failureFromAnswer(operation: string, target: string, status: number, text: string, retryAfter?: string): SmartAssessorError {
  const body = parseErrorBody(text);
  const said = body ? `: ${body.error.message}` : '';
  const code = body?.error.code;
  const base = { operation, status, ...(code ? { code } : {}) };

  if (status === 429) {
    const wait = retryAfterMs(retryAfter);
    return new SmartAssessorError('rate-limited', `Smart Assessor is rate limiting ${operation}; wait ${wait} ms`, { ...base, retryAfterMs: wait });
  }
  if (status >= 500) {
    return new SmartAssessorError('transient', `Smart Assessor failed ${operation} with ${status}${said}`, base);
  }
  if (status === 401) {
    return new SmartAssessorError('auth', `Smart Assessor refused the credentials for ${operation}${said}`, base);
  }
  if (status === 404) {
    return new SmartAssessorError('not-found', `Smart Assessor has no such record (${operation}, ${target})${said}`, base);
  }
  if (status === 409) {
    const existingId = body?.error.details?.existingId;
    return new SmartAssessorError('permanent', `Smart Assessor already has this record (${operation})${said}${typeof existingId === 'string' ? `; its id is ${existingId}` : ''}`, {
      ...base,
      ...(typeof existingId === 'string' ? { existingId } : {}),
    });
  }
  if (status === 400) {
    const fields = stringFields(body?.error.details?.fields);
    const reasons = fields
      ? `: ${Object.entries(fields)
          .map(([field, reason]) => `${field} ${reason}`)
          .join('; ')}`
      : said;
    return new SmartAssessorError('permanent', `Smart Assessor refused ${operation} as invalid${reasons}`, { ...base, ...(fields ? { fields } : {}) });
  }
  return new SmartAssessorError('permanent', `Smart Assessor answered ${operation} with ${status}${said}`, base);
}

function parseErrorBody(text: string): ErrorBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return answerProblems(ErrorAnswer, parsed).length === 0 ? (parsed as ErrorBody) : undefined;
}

function stringFields(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const fields: Record<string, string> = {};
  for (const [field, reason] of Object.entries(value)) fields[field] = String(reason);
  return Object.keys(fields).length > 0 ? fields : undefined;
}
