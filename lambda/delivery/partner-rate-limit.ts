/**
 * A ceiling on partner requests per second for one worker container, with AIMD under 429s.
 *
 * The ceiling is shared across the worker's concurrent invocations by division: the SQS event source's
 * maximum concurrency bounds how many worker invocations run at once, so each container paces itself at
 * `ceiling / maxConcurrency` and together they stay under the ceiling (a quiet container's share is
 * unused: the price of needing no coordination service). A 429 halves the container's rate and pauses it
 * for the partner's Retry-After; each success wins back a step, so a 429 storm slows delivery down instead
 * of spending retries.
 */
export interface RateLimitOptions {
  /** Partner requests per second for all worker containers together. */
  readonly ceilingPerSecond: number;
  /** The event source's maximum concurrency: how many containers share the ceiling. */
  readonly sharedBy: number;
  /** Lowest rate a 429 storm can push a container down to. @default 1 request per 10 s */
  readonly floorPerSecond?: number;
  readonly now?: () => number;
}

export class PartnerRateLimit {
  readonly ceiling: number;
  private rate: number;
  private readonly floor: number;
  private nextSlot = 0;
  private pausedUntil = 0;
  private readonly now: () => number;

  constructor(options: RateLimitOptions) {
    if (!(options.ceilingPerSecond > 0) || !(options.sharedBy >= 1)) throw new Error('PartnerRateLimit: ceilingPerSecond must be > 0 and sharedBy ≥ 1');
    this.ceiling = options.ceilingPerSecond / options.sharedBy;
    this.floor = Math.min(this.ceiling, options.floorPerSecond ?? 0.1);
    this.rate = this.ceiling;
    this.now = options.now ?? Date.now;
  }

  /** Requests per second this container allows itself now. */
  get currentRate(): number {
    return this.rate;
  }

  /**
   * Takes the next free slot and returns how long to wait for it (0: send now). Slots are spaced
   * 1/rate apart, so bursts are not allowed: a partner's per-second limit holds in every second.
   */
  reserve(): number {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot, this.pausedUntil);
    // Whole milliseconds, rounded up: rounding down would let one extra request into a second.
    this.nextSlot = slot + Math.ceil(1000 / this.rate);
    return slot - now;
  }

  /** A 429 (or 503 with Retry-After): halve the rate and pause for what the partner asked. */
  throttled(retryAfterMs?: number): void {
    this.rate = Math.max(this.floor, this.rate / 2);
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, this.now() + retryAfterMs);
  }

  /** A success: win back a tenth of the ceiling, up to it. */
  succeeded(): void {
    this.rate = Math.min(this.ceiling, this.rate + this.ceiling / 10);
  }
}
