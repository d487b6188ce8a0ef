import type { AttendedStatus, SessionType } from '../../entities/enums.js';
import type { FieldChange } from '../../entities/sync-event.js';
import type { Session } from '../smart-assessor/types.js';
import { ukDateOf, type IsoDate } from './dates.js';
import { isBlank, sameValue } from './normalise.js';
import { reviewRecord } from './records.js';

/**
 * SPEC.md §4 reviews row. Smart Assessor sessions whose type maps to a review type become
 * MIS reviews, matched on Smart Assessor System ID = session id. Reviews are only ever
 * created or updated here: the sync never deletes a PICS review.
 *
 * A review's fields follow its session, but a blank from Smart Assessor never erases what
 * PICS holds: a session that lacks an actual date (it is not, or no longer, attended), an
 * officer (no assessor, or one no officer has as Additional ID), notes or a status leaves
 * the review's value as it is, and the change says so (direction `kept`).
 */

/** The parts of an SA session a review is made from. */
export type ReviewSession = Pick<Session, 'id' | 'sessionType' | 'startTime' | 'assessorId' | 'status' | 'comments'>;

/** A learner's existing MIS review. */
export interface PicsReview {
  reviewIdent: string;
  smartAssessorSystemId?: string | null;
  plannedDate?: IsoDate | null;
  actualDate?: IsoDate | null;
  officerId?: number | null;
  attendedStatus?: AttendedStatus | null;
  notes?: string | null;
}

/** An MIS officer a session's assessor may be; `ref` names them in sync events. */
export interface ReviewOfficer {
  id: number;
  ref: string;
  additionalId?: string | null;
}

/** The fields a session sets on its review, new or existing. */
export interface ReviewFields {
  plannedDate: IsoDate;
  actualDate: IsoDate | null;
  officerId: number | null;
  attendedStatus: AttendedStatus;
  notes: string | null;
}

export interface ReviewCreate extends ReviewFields {
  reviewIdent: string;
  /** The review type code the session type maps to (the caller resolves it to its review type). */
  reviewTypeCode: string;
  smartAssessorSystemId: string;
}

export interface ReviewUpdate<R extends PicsReview> {
  review: R;
  /** Only the fields that differ. */
  set: Partial<ReviewFields>;
}

export interface ReviewsInput<R extends PicsReview> {
  sessions: readonly ReviewSession[];
  /** The learner's existing reviews. */
  reviews: readonly R[];
  /** SA session type → MIS review type code; absent, null or blank: the session type is ignored. */
  reviewTypeMappings: Partial<Record<SessionType, string | null>>;
  /**
   * MIS officers: at least those whose Additional ID is one of the sessions' assessor ids,
   * and (to name them in sync events) the existing reviews' officers.
   */
  officers: readonly ReviewOfficer[];
  /** A new, unused review ident for a review about to be created from this session. */
  newReviewIdent: (session: ReviewSession) => string;
}

export interface ReviewsPlan<R extends PicsReview> {
  creates: ReviewCreate[];
  updates: ReviewUpdate<R>[];
  /** Sessions whose type maps to no review type (their existing reviews, if any, are left as they are). */
  ignored: ReviewSession[];
  changes: FieldChange[];
}

const ATTENDED_STATUS_FOR_SESSION: Record<NonNullable<Session['status']>, AttendedStatus> = {
  Attended: 'Attended',
  NotAttended: 'NotAttended',
  Cancelled: 'Cancelled',
};

/** What a session says its review holds. */
export function reviewFieldsFromSession(session: ReviewSession, officers: readonly ReviewOfficer[]): ReviewFields {
  const plannedDate = ukDateOf(session.startTime);
  const officer = isBlank(session.assessorId) ? undefined : officers.find((candidate) => candidate.additionalId?.trim() === session.assessorId?.trim());
  return {
    plannedDate,
    actualDate: session.status === 'Attended' ? plannedDate : null,
    officerId: officer?.id ?? null,
    attendedStatus: session.status ? ATTENDED_STATUS_FOR_SESSION[session.status] : 'Unknown',
    notes: isBlank(session.comments) ? null : session.comments,
  };
}

/** The review type code a session type maps to, or null when the type is ignored. */
export function reviewTypeFor(sessionType: SessionType, mappings: Partial<Record<SessionType, string | null>>): string | null {
  const code = mappings[sessionType]?.trim();
  return code ? code : null;
}

/** What the session leaves blank: nothing to write over a value PICS holds. */
function isBlankFromSession(field: keyof ReviewFields, wanted: unknown): boolean {
  return field === 'attendedStatus' ? wanted === 'Unknown' : isBlank(wanted);
}

function differs(field: keyof ReviewFields, current: unknown, wanted: unknown): boolean {
  switch (field) {
    case 'plannedDate':
    case 'actualDate':
      return !sameValue('date', current, wanted);
    case 'notes':
      return !sameValue('text', current, wanted);
    case 'officerId':
      return (current ?? null) !== wanted;
    case 'attendedStatus':
      return (current ?? 'Unknown') !== wanted;
  }
}

const REVIEW_FIELD_NAMES = ['plannedDate', 'actualDate', 'officerId', 'attendedStatus', 'notes'] as const;

/**
 * The reviews to create and update from the learner's sessions. A new review gets a fresh
 * ident, the mapped review type and the System ID; its attended status starts as Unknown
 * and then takes the session's, like every other field. An existing review keeps its
 * review type (a mapping change applies to reviews created afterwards) and gets only the
 * fields that differ, but for a blank from the session where it holds a value: that
 * value is kept (a `kept` change, from the session's blank to the value kept).
 */
export function planReviews<R extends PicsReview>(input: ReviewsInput<R>): ReviewsPlan<R> {
  const plan: ReviewsPlan<R> = { creates: [], updates: [], ignored: [], changes: [] };
  const reviewsBySystemId = new Map<string, R>();
  for (const review of input.reviews) {
    const systemId = review.smartAssessorSystemId?.trim();
    if (systemId && !reviewsBySystemId.has(systemId)) reviewsBySystemId.set(systemId, review);
  }
  // Sync events name officers by ref, which an admin reads; by id only for one not given.
  const shown = (field: keyof ReviewFields, value: unknown) =>
    field === 'officerId' && typeof value === 'number' ? (input.officers.find((officer) => officer.id === value)?.ref ?? value) : (value ?? null);
  const fieldName = (field: keyof ReviewFields) => (field === 'officerId' ? 'officer' : field);

  // A session listed twice (it changed while being paged) counts once, as its latest state.
  const sessions = new Map(input.sessions.map((session) => [session.id.trim(), session]));
  for (const [systemId, session] of sessions) {
    const reviewTypeCode = reviewTypeFor(session.sessionType, input.reviewTypeMappings);
    if (reviewTypeCode === null) {
      plan.ignored.push(session);
      continue;
    }
    const wanted = reviewFieldsFromSession(session, input.officers);
    const existing = reviewsBySystemId.get(systemId);
    if (existing) {
      const set: Partial<ReviewFields> = {};
      const record = reviewRecord(existing.reviewIdent);
      for (const field of REVIEW_FIELD_NAMES) {
        if (!differs(field, existing[field], wanted[field])) continue;
        if (isBlankFromSession(field, wanted[field])) {
          plan.changes.push({ record, field: fieldName(field), from: null, to: shown(field, existing[field]), direction: 'kept' });
          continue;
        }
        Object.assign(set, { [field]: wanted[field] });
        plan.changes.push({ record, field: fieldName(field), from: shown(field, existing[field]), to: shown(field, wanted[field]), direction: 'pull' });
      }
      if (Object.keys(set).length > 0) plan.updates.push({ review: existing, set });
      continue;
    }
    const created: ReviewCreate = { reviewIdent: input.newReviewIdent(session), reviewTypeCode, smartAssessorSystemId: session.id, ...wanted };
    plan.creates.push(created);
    const record = reviewRecord(created.reviewIdent);
    plan.changes.push(
      { record, field: 'reviewType', from: null, to: reviewTypeCode, direction: 'pull' },
      { record, field: 'smartAssessorSystemId', from: null, to: session.id, direction: 'pull' },
    );
    for (const field of REVIEW_FIELD_NAMES) {
      const from = field === 'attendedStatus' ? 'Unknown' : null;
      if (differs(field, from, wanted[field])) {
        plan.changes.push({ record, field: fieldName(field), from, to: shown(field, wanted[field]), direction: 'pull' });
      }
    }
  }
  return plan;
}
