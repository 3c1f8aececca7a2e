/**
 * The messages this container hid while its circuit was open, so that when a probe finds the partner
 * healthy again they can be made visible at once instead of waiting out their hold (up to DELIVERY_ENV.holdMaxMs
 * after a long outage). Best effort: a container that is recycled forgets its list, and those messages
 * simply come back when their hold ends.
 */
export class HeldMessages {
  private readonly held = new Map<string, { readonly receiptHandle: string; readonly until: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers a message hidden for `delayMs` with this receipt handle. */
  add(messageId: string, receiptHandle: string, delayMs: number): void {
    this.held.delete(messageId);
    if (this.held.size >= this.maxEntries) {
      const oldest = this.held.keys().next();
      if (!oldest.done) this.held.delete(oldest.value);
    }
    this.held.set(messageId, { receiptHandle, until: this.now() + delayMs });
  }

  /** A message was received again: its old receipt handle is no longer the one to use. */
  forget(messageId: string): void {
    this.held.delete(messageId);
  }

  /**
   * Empties the list and returns the receipt handles of messages still hidden for a while. Only those are
   * safe to touch: a message whose hold has (nearly) ended may already be in another worker's hands.
   */
  takeStillHidden(marginMs = 2_000): string[] {
    const cutoff = this.now() + marginMs;
    const handles = [...this.held.values()].filter((h) => h.until > cutoff).map((h) => h.receiptHandle);
    this.held.clear();
    return handles;
  }

  get size(): number {
    return this.held.size;
  }
}
