import type { MisAimRow, MisBreakRow, MisLearnerRow } from './mis-state.js';

/**
 * SPEC.md §4 written out again, plainly, from the tables themselves: what the daily tests
 * expect, computed from the MIS and the simulator without the product's rule functions.
 */

export type Kind = 'text' | 'email' | 'postcode' | 'niNumber' | 'phone' | 'date';

/** "trimmed, internal spaces collapsed; email lower case; postcode and NI upper case; phones by digits and a leading +". */
export function comparable(kind: Kind, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim().replace(/\s+/g, ' ');
  if (text === '') return null;
  if (kind === 'email') return text.toLowerCase();
  if (kind === 'postcode' || kind === 'niNumber') return text.replace(/ /g, '').toUpperCase();
  if (kind === 'phone') return (text.startsWith('+') ? '+' : '') + text.replace(/\D/g, '');
  return text;
}

export const LEARNER_FIELDS: Record<string, Kind> = {
  firstName: 'text',
  surname: 'text',
  dateOfBirth: 'date',
  email: 'email',
  address1: 'text',
  address2: 'text',
  address3: 'text',
  address4: 'text',
  postcode: 'postcode',
  niNumber: 'niNumber',
  phone: 'phone',
  mobile: 'phone',
};

export const OFFICER_FIELDS: Record<string, Kind> = { firstName: 'text', surname: 'text', email: 'email', phone: 'phone', mobile: 'phone' };

export const ORGANISATION_FIELDS: Record<string, Kind> = {
  name: 'text',
  phone: 'phone',
  edrsNumber: 'text',
  address1: 'text',
  address2: 'text',
  address3: 'text',
  address4: 'text',
  postcode: 'postcode',
  website: 'text',
  employerSize: 'text',
};

/** The UK calendar date of an instant. */
export function ukDate(instant: string | number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}

function monthBefore(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 2, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/** Live, a Smart Assessor ID, and In Learning or ended within the last month. */
export function isEligible(learner: MisLearnerRow, aims: readonly MisAimRow[], asOf: string): boolean {
  if (learner.systemStatus !== 'Live' || !learner.smartAssessorId) return false;
  if (aims.length === 0) return false;
  if (aims.some((aim) => aim.actualEndDate === null)) return true;
  const ended = aims
    .map((aim) => aim.actualEndDate!)
    .sort()
    .at(-1)!;
  return ended >= monthBefore(asOf);
}

/** Which SA learner course each aim holds once restarts have taken over the courses of the aims they restart. */
export function coursesAfterRestarts(aims: readonly MisAimRow[]): Map<number, string | null> {
  const holds = new Map(aims.map((aim) => [aim.id, aim.saLearnerCourseId]));
  for (const aim of aims) {
    if (aim.restartOfId === null || holds.get(aim.id)) continue;
    const course = holds.get(aim.restartOfId);
    if (!course) continue;
    holds.set(aim.restartOfId, null);
    holds.set(aim.id, course);
  }
  return holds;
}

/** The status table: 6 → BreakInLearning; 3 → Withdrawn; 2+8 → Gateway; 2+1/2/3 → Completed; 1, no end, SA ended/break → InTraining; else SA's. */
export function expectedCourseStatus(aim: MisAimRow, saStatus: string): string {
  if (aim.completionStatus === 6) return 'BreakInLearning';
  if (aim.completionStatus === 3) return 'Withdrawn';
  if (aim.completionStatus === 2 && aim.outcome === 8) return 'Gateway';
  if (aim.completionStatus === 2 && aim.outcome !== null && [1, 2, 3].includes(aim.outcome)) return 'Completed';
  if (aim.completionStatus === 1 && aim.actualEndDate === null && ['Completed', 'Withdrawn', 'Gateway', 'BreakInLearning'].includes(saStatus)) return 'InTraining';
  return saStatus;
}

/** Open break → BreakInLearning from its last day; all (current) aims withdrawn → Withdrawn; all completed → Completed; else Active. */
export function expectedLearnerStatus(aims: readonly MisAimRow[], breaks: readonly MisBreakRow[]): { status: string; effectiveDate: string | null } {
  const open = breaks.filter((pause) => pause.returnDate === null);
  if (open.length > 0)
    return {
      status: 'BreakInLearning',
      effectiveDate: open
        .map((pause) => pause.lastDayInLearning)
        .sort()
        .at(-1)!,
    };
  const restarted = new Set(aims.map((aim) => aim.restartOfId).filter((id) => id !== null));
  const current = aims.filter((aim) => !restarted.has(aim.id));
  const lastEnd =
    current
      .map((aim) => aim.actualEndDate ?? '')
      .sort()
      .at(-1) || null;
  if (current.length > 0 && current.every((aim) => aim.completionStatus === 3)) return { status: 'Withdrawn', effectiveDate: lastEnd };
  if (current.length > 0 && current.every((aim) => aim.completionStatus === 2)) return { status: 'Completed', effectiveDate: lastEnd };
  return { status: 'Active', effectiveDate: null };
}

export const RISK_BAND_FOR: Record<string, string> = { Low: 'Green', Medium: 'Yellow', High: 'Red' };

export const ATTENDED_STATUS_FOR: Record<string, string> = { Attended: 'Attended', NotAttended: 'NotAttended', Cancelled: 'Cancelled' };

/** A valid ULN: nine digits (first not 0) and the mod-11 check digit, for the first nine that have one. */
export function validUln(firstNine: string): string {
  const sum = [...firstNine].reduce((total, digit, index) => total + Number(digit) * (10 - index), 0);
  const remainder = sum % 11;
  if (remainder === 0) throw new Error(`${firstNine} has no ULN check digit`);
  return `${firstNine}${10 - remainder}`;
}
