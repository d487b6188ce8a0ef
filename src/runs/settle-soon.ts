import type { DataSource } from 'typeorm';
import { perDataSource } from '../db/per-data-source.js';
import { settleRun } from './run-lifecycle.js';

/**
 * Runs `work` for a key after every caller's request, sharing it between callers that
 * ask while it waits: at most one runs per key and one waits behind it. A caller's turn
 * always starts after its request (one already under way may have missed what the caller
 * just committed), so each caller gets what it asked for, once, however many ask.
 */
export class Coalescer<K> {
  private readonly running = new Map<K, Promise<void>>();
  private readonly waiting = new Map<K, Promise<void>>();

  constructor(private readonly work: (key: K) => Promise<unknown>) {}

  request(key: K): Promise<void> {
    const waiting = this.waiting.get(key);
    if (waiting) return waiting;
    const turn = (this.running.get(key) ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        this.waiting.delete(key);
        this.running.set(key, turn);
        try {
          await this.work(key);
        } finally {
          if (this.running.get(key) === turn) this.running.delete(key);
        }
      });
    this.waiting.set(key, turn);
    return turn;
  }
}

const settlerFor = perDataSource((db) => new Coalescer<string>((runId) => settleRun(db, runId)));

/**
 * settleRun after an outcome asked for it. Near a run's end every outcome asks (see
 * recordedOutcome), and a group commits dozens at once: one settle then serves all the
 * jobs that asked while the previous one ran, instead of each draining the run's counter
 * shards in turn.
 */
export function settleRunSoon(db: DataSource, runId: string): Promise<void> {
  return settlerFor(db).request(runId);
}
