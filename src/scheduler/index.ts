/** The daily scheduler and run tracking (fan-out and the reconciler run as jobs of the control queue). */
export { startScheduler, DEFAULT_RECONCILE_EVERY_MS, type RunningScheduler, type SchedulerOptions } from './scheduler.js';
export { applyDailySchedule, dailyCronPattern, isKnownTimeZone, type DailySchedule } from './daily-schedule.js';
export { redisProgressMemory } from './progress-memory.js';
