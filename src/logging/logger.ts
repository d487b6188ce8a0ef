import winston from 'winston';
import { redact, redactText } from './redact.js';

/** Every line passes through here: secrets and personal data never reach the output. */
const redactFormat = winston.format((info) => {
  const { level, message, ...rest } = info;
  const cleaned = redact(rest) as Record<string, unknown>;
  for (const key of Object.keys(rest)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, cleaned, { level, message: typeof message === 'string' ? redactText(message) : message });
  return info;
});

export type Logger = winston.Logger;

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', transports?: winston.transport[]): Logger {
  return droppingDisabledLevelsFirst(
    winston.createLogger({
      level,
      format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
      transports: transports ?? [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
    }),
  );
}

/**
 * winston formats every line (redaction, timestamp, JSON) and only then lets each
 * transport drop what is below its level: a debug line a worker writes for every job and
 * every Smart Assessor request cost that much at level info. A line no transport would
 * write is dropped before it is formatted; the lines that are written are unchanged. The
 * level methods live on the logger's own prototype, which its children share.
 */
function droppingDisabledLevelsFirst(logger: Logger): Logger {
  const methods = Object.getPrototypeOf(logger) as Record<string, (this: Logger, ...args: unknown[]) => Logger>;
  for (const level of Object.keys(logger.levels)) {
    const write = methods[level];
    if (typeof write !== 'function') continue;
    methods[level] = function (this: Logger, ...args: unknown[]): Logger {
      return this.isLevelEnabled(level) ? write.apply(this, args) : this;
    };
  }
  return logger;
}

/** The process-wide logger. Modules take a child with their own context (`runId`, `queue`, `jobId`). */
export const logger: Logger = createLogger();
