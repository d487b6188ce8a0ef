import type { IntegrationSettings } from '../../entities/index.js';
import { DAILY_RUN_SCHEDULER_ID, type RunControlQueue } from '../../queues/run-control.js';

export type DailySchedule = Pick<IntegrationSettings, 'dailySchedule' | 'timezone'>;

/** "HH:MM" (the settings' daily time) as a cron pattern firing once a day at that minute. */
export function dailyCronPattern(dailySchedule: string): string {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(dailySchedule);
  if (!match) throw new RangeError(`The daily schedule must be a time HH:MM (00:00 to 23:59), not "${dailySchedule}"`);
  return `${Number(match[2])} ${Number(match[1])} * * *`;
}

/** A time zone name the runtime (and so the cron parser) knows, e.g. Europe/London. */
export function isKnownTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes the daily job scheduler fire at the settings' time in the settings' time zone.
 * A job scheduler is one record in Redis, so however many processes call this, one job
 * is made per day; it is upserted only when the time or zone differ from what is there.
 * Answers whether it changed anything.
 */
export async function applyDailySchedule(control: RunControlQueue, schedule: DailySchedule): Promise<boolean> {
  const pattern = dailyCronPattern(schedule.dailySchedule);
  if (!isKnownTimeZone(schedule.timezone)) throw new RangeError(`"${schedule.timezone}" is not a time zone name (e.g. Europe/London)`);
  const existing = await control.getJobScheduler(DAILY_RUN_SCHEDULER_ID);
  if (existing && existing.pattern === pattern && existing.tz === schedule.timezone) return false;
  await control.upsertJobScheduler(DAILY_RUN_SCHEDULER_ID, { pattern, tz: schedule.timezone }, { name: 'daily-run', data: {} });
  return true;
}
