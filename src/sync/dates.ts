/** Calendar dates as the MIS and Smart Assessor hold them: YYYY-MM-DD strings, UK time. */

/** A calendar date, YYYY-MM-DD. */
export type IsoDate = string;

const UK_TIME_ZONE = 'Europe/London';

const ukDateParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date in Europe/London of an instant (a Date or an ISO 8601 timestamp). */
export function ukDateOf(instant: Date | string): IsoDate {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new RangeError(`"${String(instant)}" is not a timestamp`);
  const part = (type: Intl.DateTimeFormatPartTypes) => ukDateParts.formatToParts(date).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Today's date in the UK at `now`; the caller passes the clock so the rule stays pure. */
export function ukToday(now: Date): IsoDate {
  return ukDateOf(now);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** True for a real calendar date written YYYY-MM-DD (2026-02-29 is not one). */
export function isCalendarDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** The same day `months` calendar months away, clamped to the month's end (2026-03-31 − 1 → 2026-02-28). */
export function addCalendarMonths(date: IsoDate, months: number): IsoDate {
  if (!isCalendarDate(date)) throw new RangeError(`"${date}" is not a calendar date (YYYY-MM-DD)`);
  const [year, month, day] = date.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  return `${pad(targetYear, 4)}-${pad(targetMonth, 2)}-${pad(Math.min(day, daysInMonth(targetYear, targetMonth)), 2)}`;
}

/** The later of the dates given, ignoring blanks; null when there is none. */
export function latestDate(dates: Iterable<IsoDate | null | undefined>): IsoDate | null {
  let latest: IsoDate | null = null;
  for (const date of dates) {
    if (date && (latest === null || date > latest)) latest = date;
  }
  return latest;
}
