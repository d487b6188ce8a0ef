import { createHash } from 'node:crypto';

/** review.review_ident is varchar(64). */
const REVIEW_IDENT_MAX_LENGTH = 64;

/**
 * The ident of the review made from an SA session: derived from the learner and the
 * session, never generated, so that a retried or duplicated job arrives at the same
 * ident (and the unique keys turn the second insert away). Readable when it fits;
 * otherwise a digest of the same two parts.
 */
export function reviewIdentFor(learnerIdent: string, sessionId: string): string {
  const readable = `${learnerIdent}-SA-${sessionId.trim()}`;
  if (readable.length <= REVIEW_IDENT_MAX_LENGTH) return readable;
  return `SA-${createHash('sha256').update(`${learnerIdent}\n${sessionId.trim()}`).digest('hex').slice(0, 40)}`;
}
