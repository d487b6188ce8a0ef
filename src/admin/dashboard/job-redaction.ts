import { isPersonalKey, redact, redactText, REDACTED } from '../../logging/redact.js';

/**
 * From the first double quote to the last, across lines: a quoted value may itself hold
 * quotes or line breaks, and whatever it holds lies between those two.
 */
const QUOTED = /"[\s\S]*"/g;
const EMAIL = /[^\s@"'<>]+@[^\s@"'<>]+\.[^\s@"'<>]+/g;
const NI_NUMBER = /\b[A-Za-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Da-d]\b/g;
const LONG_NUMBER = /(?<![\w-])\+?\d[\d ]{8,}\d(?![\w-])/g;

/**
 * A failure reason, stack trace or job log line as the dashboard may show it. The runner
 * leaves no values in Redis (src/failure-kinds.ts), but jobs that failed before it did, and text
 * from elsewhere (a Smart Assessor error message), may quote one: quoted text and anything
 * shaped like personal data are masked.
 */
export function redactJobText(text: string): string {
  return redactText(text).replace(QUOTED, `"${REDACTED}"`).replace(EMAIL, REDACTED).replace(NI_NUMBER, REDACTED).replace(LONG_NUMBER, REDACTED);
}

/**
 * Job data and return values: secrets and personal fields by key (src/logging/redact.ts),
 * and the old and new values of a recorded change to a personal field.
 */
export function redactJobValue(value: unknown): unknown {
  return maskChanges(redact(value));
}

function maskChanges(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskChanges);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const personalChange = typeof record.field === 'string' && isPersonalKey(record.field);
  return Object.fromEntries(
    Object.entries(record).map(([key, inner]) => [
      key,
      personalChange && (key === 'from' || key === 'to') && inner !== null && inner !== undefined ? REDACTED : maskChanges(inner),
    ]),
  );
}
