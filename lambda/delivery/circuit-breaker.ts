/**
 * A view of the partner's health, one per container: after `failureThreshold` failed calls in a row the
 * circuit opens, and calls are not made (the ingress spills them, the worker holds them). After `openMs`
 * one call is let through (half-open); its success closes the circuit, its failure re-opens it.
 *
 * Callers ask `allowRequest()` only right before a partner call and record every outcome of that call.
 * A probe whose outcome is never recorded (a caller's bug, a call cut short) expires after `openMs`, so
 * the circuit can never stay open for the life of a container.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probeStartedAt: number | undefined;

  constructor(
    private readonly failureThreshold: number,
    private readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether to call the partner now; while open, true for one probe per `openMs`. */
  allowRequest(): boolean {
    if (!this.wouldAllow()) return false;
    if (this.openedAt !== undefined) this.probeStartedAt = this.now();
    return true;
  }

  /** Whether `allowRequest()` would say yes now, without taking the probe. */
  wouldAllow(): boolean {
    if (this.openedAt === undefined) return true;
    const now = this.now();
    return (
      now - this.openedAt >= this.openMs &&
      (this.probeStartedAt === undefined || now - this.probeStartedAt >= this.openMs)
    );
  }

  /** The partner answered (2xx, or a refusal: it is up and reading). */
  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probeStartedAt = undefined;
  }

  /** The partner did not answer usefully (timeout, connection error, 408, 429, 5xx). */
  recordFailure(): void {
    this.failures++;
    if (this.probeStartedAt !== undefined || this.openedAt !== undefined || this.failures >= this.failureThreshold) {
      this.openedAt = this.now();
    }
    this.probeStartedAt = undefined;
  }

  get state(): 'closed' | 'open' {
    return this.openedAt === undefined ? 'closed' : 'open';
  }
}
