/**
 * Size limits for what is sent. mParticle documents only the 100-batches-per-request rule for
 * `/bulkevents`; the byte limits are our own conservative choices (see docs/feeds.md):
 * - 128 KiB per batch: the size mParticle's "Default Service Limits" page gives for an SDK batch,
 *   the only batch size it names; a bigger server-side batch is very likely a mistake upstream.
 * - 256 KiB per request: modest bodies keep a retry (and any duplicate it causes) cheap and one
 *   exchange well inside the request deadline; a third-party summary of mParticle's limits gives
 *   256 KB as the Events API's request maximum (unconfirmed), so it is treated as a ceiling.
 */

export const EVENTS_API_MAX_BATCHES_PER_REQUEST = 100;

export interface FeedLimits {
  /** At most 100 (the documented `/bulkevents` limit). */
  readonly maxBatchesPerRequest: number;
  /** Upper bound of a request body, in bytes (the JSON array with its brackets and commas). */
  readonly maxRequestBytes: number;
  /** Upper bound of one batch, in bytes; a bigger batch is rejected locally. */
  readonly maxBatchBytes: number;
}

export const DEFAULT_FEED_LIMITS: FeedLimits = {
  maxBatchesPerRequest: EVENTS_API_MAX_BATCHES_PER_REQUEST,
  maxRequestBytes: 256 * 1024,
  maxBatchBytes: 128 * 1024,
};

/** Batches older than this go to `/bulkevents/historical` (mParticle's rule: more than 30 days old). */
export const DEFAULT_HISTORICAL_AFTER_DAYS = 30;

/** The historical path ignores batches younger than 72 hours, so the threshold may not go below 3 days. */
export const MIN_HISTORICAL_AFTER_DAYS = 3;

/** Bytes a JSON array of `count` items of `itemBytes` total takes: brackets plus commas. */
export function requestBodyBytes(count: number, itemBytes: number): number {
  return 2 + itemBytes + Math.max(0, count - 1);
}

/** Fills in defaults and checks the combination can always make progress. */
export function checkFeedLimits(overrides: Partial<FeedLimits> = {}): FeedLimits {
  const limits: FeedLimits = { ...DEFAULT_FEED_LIMITS, ...stripUndefined(overrides) };
  const { maxBatchesPerRequest, maxRequestBytes, maxBatchBytes } = limits;
  if (
    !Number.isInteger(maxBatchesPerRequest) ||
    maxBatchesPerRequest < 1 ||
    maxBatchesPerRequest > EVENTS_API_MAX_BATCHES_PER_REQUEST
  ) {
    throw new Error(
      `batches per request must be an integer from 1 to ${EVENTS_API_MAX_BATCHES_PER_REQUEST}, got ${maxBatchesPerRequest}`,
    );
  }
  if (!Number.isInteger(maxBatchBytes) || maxBatchBytes < 64) {
    throw new Error(`the per-batch byte limit must be an integer of at least 64, got ${maxBatchBytes}`);
  }
  // A batch at the per-batch limit must still fit alone in a request.
  if (!Number.isInteger(maxRequestBytes) || maxRequestBytes < requestBodyBytes(1, maxBatchBytes)) {
    throw new Error(
      `the per-request byte limit (${maxRequestBytes}) must be at least the per-batch limit plus 2 (${maxBatchBytes + 2})`,
    );
  }
  return limits;
}

export function checkHistoricalAfterDays(days: number): number {
  if (!Number.isFinite(days) || days < MIN_HISTORICAL_AFTER_DAYS) {
    throw new Error(
      `historical threshold must be at least ${MIN_HISTORICAL_AFTER_DAYS} days (mParticle ignores historical batches younger than 72 hours), got ${days}`,
    );
  }
  return days;
}

function stripUndefined<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
