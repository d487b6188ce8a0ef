/**
 * Every failure of a Smart Assessor call is one of these kinds; the workers decide
 * between retry (transient), wait (rate-limited) and fail now (the rest) by kind alone.
 */
export type SmartAssessorErrorKind =
  /** 5xx, network error, timeout: retry with backoff. */
  | 'transient'
  /** 429: wait `retryAfterMs`, every caller, without spending an attempt. */
  | 'rate-limited'
  /** Credentials refused even after authenticating again: fix the settings. */
  | 'auth'
  /** 404: the record is not there (e.g. an Additional ID Smart Assessor does not know). */
  | 'not-found'
  /** 400, 409 that cannot be resolved, or an answer that does not match the contract. */
  | 'permanent';

export class SmartAssessorError extends Error {
  constructor(
    readonly kind: SmartAssessorErrorKind,
    message: string,
    readonly details: {
      operation?: string;
      status?: number;
      code?: string;
      retryAfterMs?: number;
      fields?: Record<string, string>;
      /** On a 409: the id of the record that already has the misReference. */
      existingId?: string;
    } = {},
  ) {
    super(message);
    this.name = 'SmartAssessorError';
  }

  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate-limited';
  }
}

export function isSmartAssessorError(error: unknown): error is SmartAssessorError {
  return error instanceof SmartAssessorError;
}
