import { resolveEventsApiBaseUrl } from './events-api-endpoint';
import {
  checkFeedLimits,
  checkHistoricalAfterDays,
  DEFAULT_HISTORICAL_AFTER_DAYS,
  type FeedLimits,
} from './feed-limits';
import { DEFAULT_CONCURRENCY } from './feed-run';
import type { RetryPolicy } from './retrying-send';
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
      maxBatchesPerRequest: optionalInteger(env[FEED_ENV.maxBatchesPerRequest], FEED_ENV.maxBatchesPerRequest),
      maxRequestBytes: optionalInteger(env[FEED_ENV.maxRequestBytes], FEED_ENV.maxRequestBytes),
      maxBatchBytes: optionalInteger(env[FEED_ENV.maxBatchBytes], FEED_ENV.maxBatchBytes),
    }),
    historicalAfterDays: checkHistoricalAfterDays(
      optionalNumber(env[FEED_ENV.historicalAfterDays], FEED_ENV.historicalAfterDays) ?? DEFAULT_HISTORICAL_AFTER_DAYS,
    ),
    concurrency: positive(
      optionalInteger(env[FEED_ENV.concurrency], FEED_ENV.concurrency) ?? DEFAULT_CONCURRENCY,
      FEED_ENV.concurrency,
    ),
    retry: withoutUndefined({ maxAttempts: optionalInteger(env[FEED_ENV.maxAttempts], FEED_ENV.maxAttempts) }),
    requestTimeoutMs: positive(
      optionalInteger(env[FEED_ENV.requestTimeoutMs], FEED_ENV.requestTimeoutMs) ?? 30_000,
      FEED_ENV.requestTimeoutMs,
    ),
  };
}

export function optionalNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`${name} must be a number, got "${value}"`);
  return parsed;
}

export function optionalInteger(value: string | undefined, name: string): number | undefined {
  const parsed = optionalNumber(value, name);
  if (parsed !== undefined && !Number.isInteger(parsed)) throw new Error(`${name} must be an integer, got "${value}"`);
  return parsed;
}

export function positive(value: number, name: string): number {
  if (!(value > 0)) throw new Error(`${name} must be positive, got ${value}`);
  return value;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
