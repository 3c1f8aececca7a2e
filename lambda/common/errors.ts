/**
 * Errors whose type says whether trying again can help (the model of Segment's action-destinations), under
 * one base, `KitError`. A folder whose errors share a concern has its own base extending it (e.g.
 * `DeliveryError` in ../delivery/errors.ts, in the style of Powertools' per-package errors), each subclass
 * fixing `retryable` as a literal type; `RetryableError` and `PermanentError` serve the rest.
 * All keep their `cause`, so a log line shows the chain without losing the original error.
 */
export interface KitErrorOptions {
  readonly cause?: unknown;
  readonly status?: number;
  /** How long to wait before trying again, when the answer said so (Retry-After). */
  readonly retryAfterMs?: number;
}

export abstract class KitError extends Error {
  abstract readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: KitErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export class RetryableError extends KitError {
  readonly retryable = true as const;
  constructor(message: string, options?: KitErrorOptions) {
    super(message, options);
    this.name = 'RetryableError';
  }
}

export class PermanentError extends KitError {
  readonly retryable = false as const;
  constructor(message: string, options?: Omit<KitErrorOptions, 'retryAfterMs'>) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** True for an error whose type says trying again can help; anything else (a bug, a plain Error) is not. */
export function isRetryable(error: unknown): boolean {
  return error instanceof KitError && error.retryable;
}

/** A message fit for a log line, for any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
