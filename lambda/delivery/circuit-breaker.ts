/**
 * Stops in-line calls while the partner is failing, so mParticle's calls are answered at queue speed
 * during an outage. After `openMs` one call is let through (half-open); its success closes the circuit.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    private readonly failureThreshold: number,
    private readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether to try the partner now. */
  allowRequest(): boolean {
    if (this.openedAt === undefined) return true;
    if (this.now() - this.openedAt < this.openMs || this.probing) return false;
    this.probing = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
  }

  recordFailure(): void {
    this.failures++;
    if (this.probing || this.failures >= this.failureThreshold) this.openedAt = this.now();
    this.probing = false;
  }

  get state(): 'closed' | 'open' {
    return this.openedAt === undefined ? 'closed' : 'open';
  }
}
