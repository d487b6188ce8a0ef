import type { RunControlQueue } from '../../queues/run-control.js';
import type { ProgressMemory } from '../runs/reconcile.js';

/**
 * The reconciler's memory of each active run's done count, in Redis beside the control
 * queue, so whichever scheduler process takes the next pass compares with the last one.
 */
export function redisProgressMemory(control: RunControlQueue): ProgressMemory {
  const key = control.toKey('run-progress');
  return {
    async unchangedSince(runId, done) {
      const client = await control.getBackend().client;
      const before = await client.hget(key, runId);
      await client.hset(key, { [runId]: done });
      return before !== null && Number(before) === done;
    },
    async forget(runId) {
      const client = await control.getBackend().client;
      await client.hdel(key, runId);
    },
  };
}
