import { HttpClient } from '../../../lambda/common/http-client';
import { EventsApiClient } from '../../../lambda/feeds/events-api-client';
import { FeedCredentials } from '../../../lambda/feeds/feed-credentials';
import { checkFeedLimits, type FeedLimits } from '../../../lambda/feeds/feed-limits';
import { runFeed, type FeedRunOptions, type FeedRunReport } from '../../../lambda/feeds/feed-run';
import { textLineSource } from '../../../lambda/feeds/line-sources';
import type { RetryPolicy, SendEvent } from '../../../lambda/feeds/retrying-send';

export const API_KEY = 'feed-test-key';
export const API_SECRET = 'feed-test-s3cr3t-value';

/** Fast back-off so retry tests take milliseconds, not seconds. */
export const FAST_RETRY: Partial<RetryPolicy> = { maxAttempts: 5, backoff: { baseMs: 5, maxMs: 40 } };

export interface RunAgainstOptions {
  readonly credentials?: FeedCredentials;
  readonly retry?: Partial<RetryPolicy>;
  readonly limits?: Partial<FeedLimits>;
  readonly concurrency?: number;
  readonly store?: FeedRunOptions['store'];
  readonly sourceName?: string;
  readonly deadlineAt?: number;
}

export interface RunAgainstResult {
  readonly report: FeedRunReport;
  readonly events: SendEvent[];
}

/** Runs the real client and runner on NDJSON text against a base URL. */
export async function runAgainst(
  baseUrl: string,
  ndjson: string,
  options: RunAgainstOptions = {},
): Promise<RunAgainstResult> {
  const http = new HttpClient({ maxSockets: 8 });
  const events: SendEvent[] = [];
  try {
    const client = new EventsApiClient({
      baseUrl: new URL(baseUrl),
      credentials: options.credentials ?? new FeedCredentials(API_KEY, API_SECRET),
      http,
      retry: options.retry ?? FAST_RETRY,
      requestTimeoutMs: 5_000,
    });
    const report = await runFeed({
      sender: client,
      sources: [textLineSource(options.sourceName ?? 'input.ndjson', ndjson)],
      limits: checkFeedLimits(options.limits),
      historicalAfterDays: 30,
      concurrency: options.concurrency ?? 4,
      store: options.store,
      deadlineAt: options.deadlineAt,
      onSendEvent: (event) => events.push(event),
    });
    return { report, events };
  } finally {
    http.destroy();
  }
}
