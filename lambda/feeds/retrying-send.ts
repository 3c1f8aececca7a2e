import { HttpTransportError, type HttpResponse } from '../common/http-client';
import { fullJitterDelayMs, type BackoffPolicy } from '../common/retry';
import { classifyResponse } from './events-api-response';
import { FeedAuthError, FeedResponseError } from './errors';
import { type RetryAfterPause, waitMs } from './retry-after-pause';

export interface RetryPolicy {
  /** Attempts per request, the first included; when they run out the batches are reported unsent. */
  readonly maxAttempts: number;
  /** Exponential back-off with full jitter, used when the server gives no Retry-After. */
  readonly backoff: BackoffPolicy;
  /** Longest Retry-After honoured; a longer one ends the attempts rather than resending early. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  backoff: { baseMs: 500, maxMs: 30_000 },
  maxRetryAfterMs: 120_000,
};

/** Something the caller may want to show or log; never carries credentials. */
export type SendEvent =
  | {
      readonly type: 'retry-wait';
      readonly attempt: number;
      readonly waitMs: number;
      /** True when the wait is the server's Retry-After, false for back-off. */
      readonly retryAfter: boolean;
      readonly reason: string;
    }
  /** A 2xx; for bulk requests some batches may still have failed inside, so the body is worth logging. */
  | { readonly type: 'accepted'; readonly status: number; readonly body: string };

export interface SendControl {
  /** Aborted when the run stops: waits end at once and no new attempt starts. */
  readonly signal?: AbortSignal;
  /** Epoch ms after which no attempt starts and no wait may end (a Lambda's remaining time). */
  readonly deadlineAt?: number;
  /**
   * Epoch ms no HTTP exchange may outlive (default: `deadlineAt`). Set it later than `deadlineAt` so a
   * request under way at the deadline finishes instead of being cut: a cut request may have reached
   * mParticle, and resending it would duplicate its batches.
   */
  readonly exchangeDeadlineAt?: number;
  /** Shared among the run's requests so a 429 pauses all of them. */
  readonly retryAfterPause?: RetryAfterPause;
  readonly onEvent?: (event: SendEvent) => void;
}

export type SendResult =
  /** A 2xx; `body` may still report batches that failed inside the request (see accepted-body.ts). */
  | { readonly kind: 'accepted'; readonly attempts: number; readonly body: string }
  | { readonly kind: 'refused'; readonly attempts: number; readonly message: string }
  /** Failed-retriable: attempts ran out or (`deadline`) the deadline came; the batches were not accepted. */
  | { readonly kind: 'gave-up'; readonly attempts: number; readonly message: string; readonly deadline?: true }
  /** The run is stopping (signal aborted) before this request was accepted. */
  | { readonly kind: 'stopped'; readonly attempts: number };

export interface RetryDeps {
  readonly now: () => number;
  readonly random: () => number;
}

/**
 * Sends one body until it is accepted, refused (400/413) or the attempts run out.
 * 429/503 wait out Retry-After; other 5xx, 408 and network errors back off with full jitter.
 * 401/403 throw FeedAuthError and other unexpected statuses FeedResponseError: both end the run.
 */
export async function sendWithRetries(
  attempt: () => Promise<HttpResponse>,
  describeTarget: string,
  policy: RetryPolicy,
  control: SendControl,
  deps: RetryDeps,
): Promise<SendResult> {
  const { signal, deadlineAt, retryAfterPause, onEvent } = control;
  let attempts = 0;
  for (;;) {
    if (retryAfterPause && !(await retryAfterPause.pass(signal))) return { kind: 'stopped', attempts };
    if (signal?.aborted) return { kind: 'stopped', attempts };
    if (deadlineAt !== undefined && deps.now() >= deadlineAt) {
      return {
        kind: 'gave-up',
        attempts,
        message: `no time left before the deadline after ${attempts} attempt(s)`,
        deadline: true,
      };
    }

    attempts += 1;
    let reason: string;
    let retryAfterMs: number | undefined;
    try {
      const response = await attempt();
      const verdict = classifyResponse(response, deps.now());
      switch (verdict.kind) {
        case 'accepted':
          onEvent?.({ type: 'accepted', status: verdict.status, body: verdict.body });
          return { kind: 'accepted', attempts, body: verdict.body };
        case 'refused':
          return { kind: 'refused', attempts, message: verdict.message };
        case 'auth':
          throw new FeedAuthError(verdict.status, verdict.detail);
        case 'unexpected':
          throw new FeedResponseError(verdict.status, describeTarget, verdict.detail);
        case 'retry':
          reason = verdict.message;
          retryAfterMs = verdict.retryAfterMs;
      }
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error;
      reason = error.message;
    }

    if (attempts >= policy.maxAttempts) {
      return { kind: 'gave-up', attempts, message: `gave up after ${attempts} attempts; last: ${reason}` };
    }
    if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) {
      return {
        kind: 'gave-up',
        attempts,
        message: `${reason}; asked to wait ${Math.ceil(retryAfterMs / 1000)} s, more than the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s allowed`,
      };
    }
    const waitFor = retryAfterMs ?? fullJitterDelayMs(attempts, policy.backoff, deps.random);
    if (deadlineAt !== undefined && deps.now() + waitFor >= deadlineAt) {
      return {
        kind: 'gave-up',
        attempts,
        message: `${reason}; waiting ${waitFor} ms more would pass the deadline`,
        deadline: true,
      };
    }
    onEvent?.({
      type: 'retry-wait',
      attempt: attempts,
      waitMs: waitFor,
      retryAfter: retryAfterMs !== undefined,
      reason,
    });
    if (retryAfterMs !== undefined && retryAfterPause) {
      // Everyone sending for this customer holds back, this request included (checked at loop top).
      retryAfterPause.pauseFor(retryAfterMs);
    } else if (!(await waitMs(waitFor, signal))) {
      return { kind: 'stopped', attempts };
    }
  }
}
