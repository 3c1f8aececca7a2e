/**
 * A ceiling on partner requests per second for one worker container, with AIMD under 429s.
 *
 * The ceiling is shared across the worker's concurrent invocations by division: the SQS event source's
 * maximum concurrency bounds how many worker invocations run at once, so each container allows itself
 * `floor(ceiling / maxConcurrency)` requests in any second and together they stay under the ceiling (a
 * quiet container's share is unused: the price of needing no coordination service). Whole requests,
 * because evenly spaced slots at a fractional rate (10/3) let ceil(rate) start in some second. A 429 halves the container's rate and pauses it
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
  /**
   * Slack added to each second, so that requests reaching the partner up to this much closer together
   * than they were sent (network and event-loop jitter) still count within the ceiling. On the 2-core test
   * host 50 ms and then 250 ms were not enough (12, then 11 requests seen in one second under a ceiling of
   * 10, on Node 24); 500 ms costs a third of the ceiling's throughput and keeps the partner's view under
   * it. @default 500 ms
   */
  readonly guardMs?: number;
  readonly now?: () => number;
}

export class PartnerRateLimit {
  readonly ceiling: number;
  private rate: number;
  private readonly floor: number;
  private nextSlot = 0;
  private lastSlot: number | undefined;
  private pausedUntil = 0;
  private throttles = 0;
  private readonly now: () => number;
  private readonly windowMs: number;

  constructor(options: RateLimitOptions) {
    if (!(options.ceilingPerSecond > 0) || !(options.sharedBy >= 1))
      throw new Error('PartnerRateLimit: ceilingPerSecond must be > 0 and sharedBy ≥ 1');
    this.ceiling = Math.floor(options.ceilingPerSecond / options.sharedBy);
    if (this.ceiling < 1) {
      throw new Error(
        `PartnerRateLimit: a ceiling of ${options.ceilingPerSecond}/s cannot be shared by ${options.sharedBy} containers without coordination (at least one request per second each)`,
      );
    }
    this.windowMs = 1000 + (options.guardMs ?? 500);
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
    this.nextSlot = slot + Math.ceil(this.windowMs / this.rate);
    this.lastSlot = slot;
    return slot - now;
  }

  /**
   * How long an invocation should linger before it ends: until one full-rate spacing after its last slot.
   * The event source bounds concurrent invocations, not containers: the next batch may start on a fresh
   * container that sends at once, and this keeps its first request a spacing after this one's last.
   */
  lingerMs(): number {
    if (this.lastSlot === undefined) return 0;
    return Math.max(0, this.lastSlot + Math.ceil(this.windowMs / this.ceiling) - this.now());
  }

  /** How long `reserve()` would wait now, without taking the slot. */
  peek(): number {
    const now = this.now();
    return Math.max(now, this.nextSlot, this.pausedUntil) - now;
  }

  /**
   * Counts the 429s so far. A slot reserved before the latest one is void (its wait was planned at the old
   * rate): the caller reserves again after its sleep when this changed meanwhile.
   */
  get generation(): number {
    return this.throttles;
  }

  /**
   * A 429 (or 503 with Retry-After): halve the rate, pause for what the partner asked, and void the slots
   * already handed out, so requests waiting for them wait for the pause and the new spacing too. The next
   * slot is at least one new spacing after now: every request sent so far was sent by now, so the spacing
   * between any two sent requests stays at least the old one.
   */
  throttled(retryAfterMs?: number): void {
    const now = this.now();
    this.rate = Math.max(this.floor, this.rate / 2);
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.nextSlot = Math.max(this.pausedUntil, now + Math.ceil(this.windowMs / this.rate));
    this.throttles++;
  }

  /** A success: win back a tenth of the ceiling, up to it. */
  succeeded(): void {
    this.rate = Math.min(this.ceiling, this.rate + this.ceiling / 10);
  }
}
