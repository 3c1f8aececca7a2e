import { resolveEventsApiBaseUrl } from './events-api-endpoint';
import {
  checkFeedLimits,
  checkHistoricalAfterDays,
  DEFAULT_HISTORICAL_AFTER_DAYS,
  type FeedLimits,
} from './feed-limits';
import { DEFAULT_CONCURRENCY } from './feed-run';
import type { RetryPolicy } from './retrying-send';
import { checkPositive, readOptionalInteger, readOptionalNumber } from '../config/env-readers';
import { FEED_ENV } from '../config/environment';

/** Everything tunable about a feed run, whatever started it (CLI flags or Lambda environment). */
export interface FeedSettings {
  readonly baseUrl: URL;
  readonly limits: FeedLimits;
  readonly historicalAfterDays: number;
  readonly concurrency: number;
  readonly retry: Partial<RetryPolicy>;
  readonly requestTimeoutMs: number;
}

/** The environment the Lambda handler reads (FEED_ENV's settings, besides credentials and the S3 endpoint). */
export type FeedSettingsEnv = Readonly<Record<string, string | undefined>>;

export function feedSettingsFromEnv(env: FeedSettingsEnv): FeedSettings {
  return {
    baseUrl: resolveEventsApiBaseUrl({ pod: env[FEED_ENV.pod], baseUrl: env[FEED_ENV.baseUrl] }),
    limits: checkFeedLimits({
      maxBatchesPerRequest: readOptionalInteger(env, FEED_ENV.maxBatchesPerRequest),
      maxRequestBytes: readOptionalInteger(env, FEED_ENV.maxRequestBytes),
      maxBatchBytes: readOptionalInteger(env, FEED_ENV.maxBatchBytes),
    }),
    historicalAfterDays: checkHistoricalAfterDays(
      readOptionalNumber(env, FEED_ENV.historicalAfterDays) ?? DEFAULT_HISTORICAL_AFTER_DAYS,
    ),
    concurrency: checkPositive(
      readOptionalInteger(env, FEED_ENV.concurrency) ?? DEFAULT_CONCURRENCY,
      FEED_ENV.concurrency,
    ),
    retry: withoutUndefined({ maxAttempts: readOptionalInteger(env, FEED_ENV.maxAttempts) }),
    requestTimeoutMs: checkPositive(
      readOptionalInteger(env, FEED_ENV.requestTimeoutMs) ?? 30_000,
      FEED_ENV.requestTimeoutMs,
    ),
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
