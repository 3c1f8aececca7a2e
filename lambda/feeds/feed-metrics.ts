import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FeedRunReport } from './feed-run-types';

/**
 * The feed function's metrics (embedded metric format, dimensions `service` and, with many customers,
 * `Customer`). The CDK alarms read these names (lib/feed-alarms.ts), so they live in one table.
 */
export const FEED_METRIC_NAMES = {
  batchesSent: 'FeedBatchesSent',
  batchesRejected: 'FeedBatchesRejected',
  /** Tried but not accepted: left for the next invocation (never lost, never counted as sent). */
  batchesUnsent: 'FeedBatchesUnsent',
  /** Waits before a retry (429 Retry-After or back-off after 5xx or network errors). */
  retryWaits: 'FeedRetryWaits',
  waitedMs: 'FeedWaitedMs',
  /** 1 when mParticle refused the customer's key and secret (401/403): their uploads wait for a fix. */
  credentialsRefused: 'FeedCredentialsRefused',
  /** An upload named a customer with no secret (or none at all). */
  unknownCustomer: 'FeedUnknownCustomer',
  uploadsFinished: 'FeedUploadsFinished',
  /** Many customers: an upload waited because its customer already had the most uploads allowed being sent. */
  uploadsQueued: 'FeedUploadsQueued',
  uploadsStopped: 'FeedUploadsStopped',
} as const;

export const CUSTOMER_DIMENSION = 'Customer';

/** Counts one invocation's work on one upload into `metrics` (published by the caller). */
export function recordFeedRun(metrics: Metrics, report: FeedRunReport, retryWaits: number): void {
  const count = (
    name: string,
    value: number,
    unit: (typeof MetricUnit)[keyof typeof MetricUnit] = MetricUnit.Count,
  ): void => {
    metrics.addMetric(name, unit, value);
  };
  count(FEED_METRIC_NAMES.batchesSent, report.sent);
  // Counts that are usually zero are left out: each metric with a Customer dimension is billed per month.
  if (report.rejected.length > 0) count(FEED_METRIC_NAMES.batchesRejected, report.rejected.length);
  if (report.unsent > 0) count(FEED_METRIC_NAMES.batchesUnsent, report.unsent);
  if (retryWaits > 0) {
    count(FEED_METRIC_NAMES.retryWaits, retryWaits);
    count(FEED_METRIC_NAMES.waitedMs, report.waitedMs, MetricUnit.Milliseconds);
  }
  if (report.stop?.kind === 'auth') count(FEED_METRIC_NAMES.credentialsRefused, 1);
  if (report.stop && report.stop.kind !== 'deadline') count(FEED_METRIC_NAMES.uploadsStopped, 1);
  if (!report.stop) count(FEED_METRIC_NAMES.uploadsFinished, 1);
}
