import { resolveEventsApiBaseUrl } from './events-api-endpoint';
import { checkFeedLimits, checkHistoricalAfterDays, DEFAULT_HISTORICAL_AFTER_DAYS, type FeedLimits } from './feed-limits';
import { DEFAULT_CONCURRENCY } from './feed-run';
import type { RetryPolicy } from './retrying-send';

/** Everything tunable about a feed run, whatever started it (CLI flags or Lambda environment). */
export interface FeedSettings {
  readonly baseUrl: URL;
  readonly limits: FeedLimits;
  readonly historicalAfterDays: number;
  readonly concurrency: number;
  readonly retry: Partial<RetryPolicy>;
  readonly requestTimeoutMs: number;
}

/** Environment variables the Lambda handler reads (besides credentials and the S3 endpoint). */
export interface FeedSettingsEnv {
  readonly MPARTICLE_POD?: string | undefined;
  readonly MPARTICLE_BASE_URL?: string | undefined;
  readonly FEED_HISTORICAL_AFTER_DAYS?: string | undefined;
  readonly FEED_CONCURRENCY?: string | undefined;
  readonly FEED_MAX_ATTEMPTS?: string | undefined;
  readonly FEED_MAX_BATCHES_PER_REQUEST?: string | undefined;
  readonly FEED_MAX_REQUEST_BYTES?: string | undefined;
  readonly FEED_MAX_BATCH_BYTES?: string | undefined;
  readonly FEED_REQUEST_TIMEOUT_MS?: string | undefined;
}

export function feedSettingsFromEnv(env: FeedSettingsEnv): FeedSettings {
  return {
    baseUrl: resolveEventsApiBaseUrl({ pod: env.MPARTICLE_POD, baseUrl: env.MPARTICLE_BASE_URL }),
    limits: checkFeedLimits({
      maxBatchesPerRequest: optionalInteger(env.FEED_MAX_BATCHES_PER_REQUEST, 'FEED_MAX_BATCHES_PER_REQUEST'),
      maxRequestBytes: optionalInteger(env.FEED_MAX_REQUEST_BYTES, 'FEED_MAX_REQUEST_BYTES'),
      maxBatchBytes: optionalInteger(env.FEED_MAX_BATCH_BYTES, 'FEED_MAX_BATCH_BYTES'),
    }),
    historicalAfterDays: checkHistoricalAfterDays(
      optionalNumber(env.FEED_HISTORICAL_AFTER_DAYS, 'FEED_HISTORICAL_AFTER_DAYS') ?? DEFAULT_HISTORICAL_AFTER_DAYS,
    ),
    concurrency: positive(optionalInteger(env.FEED_CONCURRENCY, 'FEED_CONCURRENCY') ?? DEFAULT_CONCURRENCY, 'FEED_CONCURRENCY'),
    retry: withoutUndefined({ maxAttempts: optionalInteger(env.FEED_MAX_ATTEMPTS, 'FEED_MAX_ATTEMPTS') }),
    requestTimeoutMs: positive(optionalInteger(env.FEED_REQUEST_TIMEOUT_MS, 'FEED_REQUEST_TIMEOUT_MS') ?? 30_000, 'FEED_REQUEST_TIMEOUT_MS'),
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
