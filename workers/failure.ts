import { UnrecoverableError } from 'bullmq';
import { QueryFailedError } from 'typeorm';
import { adminDetailOf, InvalidDataError, PermanentError, ValidationFailedError } from '../src/failure-kinds.js';
import { redactText } from '../src/logging/redact.js';
import { isSmartAssessorError } from '../src/smart-assessor/smart-assessor-error.js';

/** What the runner does with an error a processor threw. */
export type FailureDisposition =
  /** Try again after the queue's backoff (attempts permitting). */
  | { kind: 'retry'; reason: string }
  /** Smart Assessor said 429: pause the queue for this long, without spending an attempt. */
  | { kind: 'rate-limited'; waitMs: number; reason: string }
  /**
   * Trying again cannot help: fail now with a reason a person can act on. The reason may
   * go anywhere (logs, BullMQ's failedReason); `adminDetail`, when the error has one, also
   * quotes the offending values and is kept only in PostgreSQL (src/failure-kinds.ts).
   */
  | { kind: 'fail-now'; reason: string; adminDetail?: string };

/** When a 429 comes without Retry-After. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
const LONGEST_RATE_LIMIT_WAIT_MS = 15 * 60_000;

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactText(text.trim() === '' ? 'the job failed without a message' : text);
}

/** Data PostgreSQL refuses (a check or a type): retrying writes the same thing again. */
function isRefusedData(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

export function classifyFailure(error: unknown): FailureDisposition {
  const reason = messageOf(error);
  if (isSmartAssessorError(error)) {
    if (error.kind === 'transient') return { kind: 'retry', reason };
    if (error.kind === 'rate-limited') {
      const asked = error.details.retryAfterMs;
      const waitMs = asked !== undefined && Number.isFinite(asked) && asked > 0 ? Math.min(asked, LONGEST_RATE_LIMIT_WAIT_MS) : DEFAULT_RATE_LIMIT_WAIT_MS;
      return { kind: 'rate-limited', waitMs, reason };
    }
    return { kind: 'fail-now', reason };
  }
  if (
    error instanceof InvalidDataError ||
    error instanceof PermanentError ||
    error instanceof ValidationFailedError ||
    error instanceof UnrecoverableError ||
    isRefusedData(error)
  ) {
    const adminDetail = adminDetailOf(error);
    return adminDetail === undefined ? { kind: 'fail-now', reason } : { kind: 'fail-now', reason, adminDetail };
  }
  return { kind: 'retry', reason };
}

/** The text kept in PostgreSQL (the sync event, the learner's last error): the admin detail when there is one, else the reason. */
export function adminText(disposition: FailureDisposition): string {
  return (disposition.kind === 'fail-now' && disposition.adminDetail) || disposition.reason;
}
