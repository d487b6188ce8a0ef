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
  return winston.createLogger({
    level,
    format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
    transports: transports ?? [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
  });
}

/** The process-wide logger. Modules take a child with their own context (`runId`, `queue`, `jobId`). */
export const logger: Logger = createLogger();
