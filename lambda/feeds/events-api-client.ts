import { HttpClient } from '../common/http-client';
import { deliverBatches, type DeliveryOutcome } from './bulk-delivery';
import { eventsApiUrl, type EventsApiRoute } from './events-api-endpoint';
import type { FeedBatch } from './feed-batch';
import type { FeedCredentials } from './feed-credentials';
import { renderRequestBody } from './request-packer';
import { DEFAULT_RETRY_POLICY, sendWithRetries, type RetryPolicy, type SendControl } from './retrying-send';

export interface EventsApiClientOptions {
  readonly baseUrl: URL;
  readonly credentials: FeedCredentials;
  /** Share one keep-alive client per container/process; a private one is made otherwise. */
  readonly http?: HttpClient;
  readonly retry?: Partial<RetryPolicy>;
  /** Deadline of one HTTP exchange. */
  readonly requestTimeoutMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

const USER_AGENT = 'mparticle-firehose-kit-feed/0.1';

/**
 * How much of an answer the feed reads: a 202 may list a failure per batch (100 per request), more than
 * the HTTP client's 64 KiB default. A body cut at this size is treated as unreadable (accepted-body.ts).
 */
export const EVENTS_API_MAX_ANSWER_BYTES = 1024 * 1024;

/** The keep-alive client feed senders share (one per process or container). */
export function createFeedHttpClient(maxSockets: number): HttpClient {
  return new HttpClient({ maxSockets, maxBodyBytes: EVENTS_API_MAX_ANSWER_BYTES });
}

/**
 * Client for mParticle's Events API bulk paths. One call of `sendBulk` delivers one request's
 * batches: retried on 429/5xx/network errors, split to isolate refused batches, and every batch
 * accounted for in the outcome (delivered, rejected or unsent). Size limits are the caller's
 * concern (see RequestPacker).
 */
export class EventsApiClient {
  readonly baseUrl: URL;
  private readonly http: HttpClient;
  private readonly ownsHttp: boolean;
  private readonly credentials: FeedCredentials;
  private readonly policy: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(options: EventsApiClientOptions) {
    this.baseUrl = options.baseUrl;
    this.credentials = options.credentials;
    this.http = options.http ?? createFeedHttpClient(16);
    this.ownsHttp = options.http === undefined;
    this.policy = {
      maxAttempts: options.retry?.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      backoff: options.retry?.backoff ?? DEFAULT_RETRY_POLICY.backoff,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
    };
    if (!Number.isInteger(this.policy.maxAttempts) || this.policy.maxAttempts < 1) {
      throw new Error(`maxAttempts must be a positive integer, got ${this.policy.maxAttempts}`);
    }
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Sends batches (all for the same route) as one bulk request, splitting only if mParticle refuses it. */
  sendBulk(route: EventsApiRoute, batches: readonly FeedBatch[], control: SendControl = {}): Promise<DeliveryOutcome> {
    const url = eventsApiUrl(this.baseUrl, route);
    const target = `${url.origin}${url.pathname}`;
    const headers = {
      authorization: this.credentials.authorization(),
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': USER_AGENT,
    };
    return deliverBatches((part) => {
      const body = renderRequestBody(part);
      return sendWithRetries(
        () =>
          this.http.request({
            method: 'POST',
            url,
            headers,
            body,
            deadlineMs: this.exchangeDeadlineMs(control.exchangeDeadlineAt ?? control.deadlineAt),
          }),
        target,
        this.policy,
        control,
        { now: this.now, random: this.random },
      );
    }, batches);
  }

  /** One exchange may not outlive the run's deadline (a Lambda must keep time to report). */
  private exchangeDeadlineMs(deadlineAt: number | undefined): number {
    if (deadlineAt === undefined) return this.requestTimeoutMs;
    return Math.max(1, Math.min(this.requestTimeoutMs, deadlineAt - this.now()));
  }

  /** Closes idle keep-alive sockets when this client made its own HttpClient. */
  close(): void {
    if (this.ownsHttp) this.http.destroy();
  }
}
