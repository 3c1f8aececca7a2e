import { scrubSecrets } from '../observability/redact';
import { monotonicMs } from '../common/monotonic-clock';
import type { HttpClient } from '../common/http-client';
import { isRetriableStatus, parseRetryAfterMs } from '../common/retry';
import { cutOnCodePoints } from './sqs-attribute';
import { PartnerRejectedError, PartnerUnavailableError } from './errors';

/** One call to the partner's API and the classification of its answer: done, retry, or give up. */

export interface PartnerRequest {
  readonly path: string;
  readonly bodyText: string;
  readonly idempotencyKey: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface PartnerSuccess {
  readonly status: number;
  readonly ms: number;
}

const EXCERPT_CHARS = 256;
const USER_AGENT = 'mparticle-firehose-kit/0.1';

export class PartnerClient {
  constructor(
    private readonly http: HttpClient,
    private readonly baseUrl: URL,
  ) {}

  /** Scheme, host and port only: what may be logged of the partner's URL. */
  get origin(): string {
    return this.baseUrl.origin;
  }

  /** Resolves on 2xx; throws PartnerRejectedError, PartnerUnavailableError or HttpTransportError otherwise. */
  async send(request: PartnerRequest, deadlineMs: number): Promise<PartnerSuccess> {
    const started = monotonicMs();
    const url = new URL(this.baseUrl.pathname.replace(/\/$/, '') + request.path, this.baseUrl);
    const response = await this.http.request({
      method: 'POST',
      url,
      deadlineMs,
      headers: {
        ...request.headers,
        'content-type': 'application/json',
        'idempotency-key': request.idempotencyKey,
        'user-agent': USER_AGENT,
      },
      body: request.bodyText,
    });
    const ms = monotonicMs() - started;
    if (response.status >= 200 && response.status < 300) return { status: response.status, ms };
    // A partner may echo the request: its auth headers (the customer's key, the partner credential) never
    // reach a DLQ attribute or a log through the excerpt.
    // Cut on code points: half a surrogate pair is a character SQS refuses in the parking attribute.
    const excerpt = cutOnCodePoints(
      scrubSecrets(response.body.slice(0, 4 * EXCERPT_CHARS), credentialsIn(request.headers)),
      EXCERPT_CHARS,
    );
    if (isRetriableStatus(response.status)) {
      throw new PartnerUnavailableError(response.status, parseRetryAfterMs(response.headers['retry-after']), excerpt);
    }
    throw new PartnerRejectedError(response.status, excerpt);
  }
}

/** Each auth header's value and its credential part (`Bearer <credential>` → `<credential>`). */
function credentialsIn(headers: Readonly<Record<string, string>>): string[] {
  return Object.values(headers).flatMap((value) => [value, value.replace(/^\S+\s+/, '')]);
}
