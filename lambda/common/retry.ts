/** Retry arithmetic shared by outbound delivery (partner API) and inbound feeds (Events API). */

export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  readonly baseMs: number;
  /** Upper bound of any single delay. */
  readonly maxMs: number;
}

/**
 * "Full jitter" exponential backoff: a uniform random delay in [0, min(max, base * 2^(attempt-1))].
 * Spreads retries of many clients instead of synchronising them (AWS Architecture Blog's recommendation).
 * `attempt` counts failures so far, starting at 1.
 */
export function fullJitterDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * Parses a `Retry-After` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns milliseconds to wait (never negative), or undefined when absent or unreadable.
 */
export function parseRetryAfterMs(
  value: string | string[] | undefined | null,
  now: number = Date.now(),
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === null) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Statuses worth retrying: 408 and 429 ask for it, and a 5xx is the server's own trouble.
 * Everything else (400, 401, 403, 404, 413, 422, …) would fail the same way again.
 */
export function isRetriableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
