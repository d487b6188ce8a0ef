import type { Logger } from '../src/logging/logger.js';

/** Inside the usual 30 s a process manager allows after SIGTERM, leaving time to close connections. */
export const SHUTDOWN_DEADLINE_MS = 25_000;

/**
 * Waits for the first SIGTERM or SIGINT, then runs `stop` (which bounds its own wait
 * with a deadline). A second signal while stopping is ignored. Answers the signal once
 * `stop` is done; the handlers are removed by then.
 */
export function stopOnSignal(stop: () => Promise<void>, logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const handle = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info('shutting down', { signal });
      stop().then(
        () => {
          process.off('SIGTERM', handle);
          process.off('SIGINT', handle);
          resolve(signal);
        },
        (error: unknown) => {
          process.off('SIGTERM', handle);
          process.off('SIGINT', handle);
          reject(error);
        },
      );
    };
    process.on('SIGTERM', handle);
    process.on('SIGINT', handle);
  });
}
