import { setTimeout as delay } from 'node:timers/promises';

/**
 * Sleeps `ms`, waking early when `signal` aborts. Resolves true when the full time passed.
 * (The shared `sleep` cannot be cut short; a stopping run should not sit out a 30 s back-off.)
 */
export async function waitMs(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch (error) {
    if (signal?.aborted) return false;
    throw error;
  }
}

/**
 * A shared "hold on" for all requests of one customer's run: when mParticle answers 429 with
 * Retry-After, every worker waits it out, not only the one that was told.
 */
export class RetryAfterPause {
  private until = 0;

  constructor(private readonly now: () => number = Date.now) {}

  pauseFor(ms: number): void {
    this.until = Math.max(this.until, this.now() + ms);
  }

  remainingMs(): number {
    return Math.max(0, this.until - this.now());
  }

  /** Resolves when no pause is in force (or false if the signal aborted first). */
  async pass(signal?: AbortSignal): Promise<boolean> {
    for (let remaining = this.remainingMs(); remaining > 0; remaining = this.remainingMs()) {
      if (!(await waitMs(remaining, signal))) return false;
    }
    return !signal?.aborted;
  }
}
