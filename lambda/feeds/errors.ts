import { PermanentError, RetryableError } from '../common/errors';

/**
 * mParticle answered 401 or 403: the key/secret is missing, mistyped or revoked. Retrying cannot
 * help and sending more would only pile up refusals, so the run stops and keeps its data.
 * The message never carries the key, the secret or the Authorization header.
 */
export class FeedAuthError extends PermanentError {
  constructor(status: number, detail: string | undefined) {
    const what =
      status === 401
        ? 'the Authorization header was missing or unreadable'
        : 'the API key and secret were not accepted (mistyped or revoked)';
    super(
      `mParticle answered ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}: ${what}${detail ? ` (${detail})` : ''}; check the feed's key and secret`,
      {
        status,
      },
    );
    this.name = 'FeedAuthError';
  }
}

/** An answer the Events API contract does not foresee (404, 405, 422…): most likely a wrong base URL. */
export class FeedResponseError extends PermanentError {
  constructor(status: number, url: string, detail: string | undefined) {
    super(`mParticle answered ${status} for ${url}${detail ? ` (${detail})` : ''}; check the pod or base URL`, {
      status,
    });
    this.name = 'FeedResponseError';
  }
}

/**
 * A run that stopped before every batch was handled (auth failure, retries exhausted, no time
 * left). Retryable on purpose: in Lambda, throwing it makes S3's asynchronous invocation retry
 * the object (and, after that, land in the dead-letter queue) instead of losing it.
 */
export class FeedStoppedError extends RetryableError {
  constructor(
    message: string,
    readonly stopKind: string,
  ) {
    super(message);
    this.name = 'FeedStoppedError';
  }
}
