/**
 * Errors whose type says whether trying again can help (the model of Segment's action-destinations).
 * Both keep their `cause`, so a log line shows the chain without losing the original error.
 */
export class RetryableError extends Error {
  readonly retryable = true as const;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RetryableError';
    this.retryAfterMs = options?.retryAfterMs;
    this.status = options?.status;
  }
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
}

export class PermanentError extends Error {
  readonly retryable = false as const;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PermanentError';
    this.status = options?.status;
  }
  readonly status: number | undefined;
}

export function isRetryable(error: unknown): boolean {
  return error instanceof RetryableError;
}

/** A message fit for a log line, for any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
