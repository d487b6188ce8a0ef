/**
 * Gathers work that arrives within a few milliseconds into one batch, for a resource whose
 * every use has a fixed cost worth sharing (a round trip to PostgreSQL costs the worker a
 * write and the server a wake-up, whatever it carries). One batch is sent at a time; what
 * arrives meanwhile gathers into the next, so batches grow with the load by themselves and
 * a lone item waits no longer than the window.
 */
export interface GatherOptions {
  /** The most items in one batch. */
  maxItems: number;
  /** How long the first item of a batch waits for others. */
  windowMs: number;
}

/** Which waiting items go in the next batch (the rest wait for the one after). */
export type TakeBatch<T> = (waiting: readonly T[], max: number) => { batch: T[]; rest: T[] };

const takeOldest = <T>(waiting: readonly T[], max: number) => ({ batch: waiting.slice(0, max), rest: waiting.slice(max) });

/** An item a batch answers: it is settled by the batch's sender, or rejected with the sender's own failure. */
export interface Settleable {
  reject(error: unknown): void;
}

/**
 * Sends a batch as one (`together`, which settles every item) unless it holds a single
 * item; if that fails, or for the single item, each item goes `alone` and settles with
 * its own answer or error. A batch's failure says only that something in it failed: sent
 * alone, the others succeed and the failing one fails for itself.
 */
export async function togetherOrEachAlone<T extends Settleable>(
  batch: readonly T[],
  together: (batch: readonly T[]) => Promise<void>,
  alone: (item: T) => Promise<void>,
): Promise<void> {
  if (batch.length > 1) {
    try {
      return await together(batch);
    } catch {
      // Each alone, below.
    }
  }
  await Promise.all(batch.map((item) => alone(item).catch((error: unknown) => item.reject(error))));
}

export class Gatherer<T extends Settleable> {
  private waiting: T[] = [];
  private sending = false;
  private timer: NodeJS.Timeout | null = null;
  private firstWaitingAt = 0;

  constructor(
    /** Sends one batch and settles its items; if it throws, the items still unsettled are rejected with its error. */
    private readonly send: (batch: T[]) => Promise<void>,
    private readonly options: GatherOptions,
    private readonly take: TakeBatch<T> = takeOldest,
  ) {}

  add(item: T): void {
    if (this.waiting.length === 0) this.firstWaitingAt = Date.now();
    this.waiting.push(item);
    this.schedule();
  }

  private schedule(): void {
    if (this.sending || this.waiting.length === 0) return;
    const waited = Date.now() - this.firstWaitingAt;
    if (this.waiting.length >= this.options.maxItems || waited >= this.options.windowMs) return this.sendNext();
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.sendNext();
    }, this.options.windowMs - waited);
  }

  private sendNext(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.sending || this.waiting.length === 0) return;
    const { batch, rest } = this.take(this.waiting, this.options.maxItems);
    this.waiting = rest;
    this.firstWaitingAt = Date.now();
    this.sending = true;
    void this.send(batch)
      .catch((error: unknown) => {
        for (const item of batch) item.reject(error);
      })
      .finally(() => {
        this.sending = false;
        this.schedule();
      });
  }
}
