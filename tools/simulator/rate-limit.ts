/**
 * The site's request budget as the simulator enforces it: N requests per clock minute
 * (a fixed window from :00 to :59), shared by every caller. A refused request does not
 * count against the budget.
 */
export interface LimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the window ends (the Retry-After of a 429). */
  retryAfterSeconds: number;
}

export interface WindowCount {
  /** The minute's start, ISO 8601. */
  start: string;
  accepted: number;
  rejected: number;
}

const KEEP_WINDOWS = 120;

export class MinuteRateLimit {
  private windowStart = 0;
  private accepted = 0;
  private rejected = 0;
  private readonly history: WindowCount[] = [];

  constructor(private perMinute: number) {
    this.setLimit(perMinute);
  }

  get limit(): number {
    return this.perMinute;
  }

  setLimit(perMinute: number): void {
    if (!Number.isInteger(perMinute) || perMinute < 1) throw new RangeError(`The rate limit must be a whole number of 1 or more per minute, got ${perMinute}`);
    this.perMinute = perMinute;
  }

  take(now: number): LimitDecision {
    this.roll(now);
    const retryAfterSeconds = Math.max(1, Math.ceil((this.windowStart + 60_000 - now) / 1000));
    if (this.accepted >= this.perMinute) {
      this.rejected += 1;
      return { allowed: false, limit: this.perMinute, remaining: 0, retryAfterSeconds };
    }
    this.accepted += 1;
    return { allowed: true, limit: this.perMinute, remaining: this.perMinute - this.accepted, retryAfterSeconds };
  }

  /** The budget left in this minute, without spending any. */
  remaining(now: number): number {
    this.roll(now);
    return Math.max(0, this.perMinute - this.accepted);
  }

  /** Requests accepted and refused per clock minute, oldest first, the current minute last. */
  windows(now = Date.now()): WindowCount[] {
    this.roll(now);
    return [...this.history, { start: new Date(this.windowStart).toISOString(), accepted: this.accepted, rejected: this.rejected }];
  }

  resetHistory(): void {
    this.history.length = 0;
  }

  private roll(now: number): void {
    const start = now - (now % 60_000);
    if (start === this.windowStart) return;
    if (this.accepted > 0 || this.rejected > 0) {
      this.history.push({ start: new Date(this.windowStart).toISOString(), accepted: this.accepted, rejected: this.rejected });
      if (this.history.length > KEEP_WINDOWS) this.history.shift();
    }
    this.windowStart = start;
    this.accepted = 0;
    this.rejected = 0;
  }
}
