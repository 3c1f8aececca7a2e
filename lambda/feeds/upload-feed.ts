import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { S3Client } from '@aws-sdk/client-s3';
import { errorMessage } from '../common/errors';
import { UnknownCustomerError } from './customer-registry';
import { DEFAULT_SLOT_LEASE_MS, releaseSlot, takeSlot } from './customer-slots';
import { customerOfKey } from './feed-customer';
import { FeedStoppedError } from './errors';
import { describeErrorBody } from './events-api-response';
import { CUSTOMER_DIMENSION, FEED_METRIC_NAMES, recordFeedRun } from './feed-metrics';
import { partnerIdentitiesWarning } from './feed-report';
import type { FeedSettings } from './feed-settings';
import { feedS3Object, type S3ObjectLocation } from './s3-object-feed';
import type { UploadSenders } from './upload-senders';

/** What the S3 function's composition root (lambda/composition/feed-function.ts) builds once per container and lends to each upload. */
export interface UploadFeedDeps {
  readonly s3: S3Client;
  readonly senders: UploadSenders;
  readonly settings: FeedSettings;
  readonly maxObjectBytes: number;
  /** Many customers: uploads of one customer sent at once (0: no cap). */
  readonly maxUploadsPerCustomer: number;
  readonly logger: Logger;
  /** A fresh metrics set per upload (its customer is a dimension). */
  readonly createMetrics: () => Metrics;
}

/**
 * - sent: every line handled; continued: out of time, a resume marker continues it;
 * - skipped: nothing to do (already sent, or deleted/replaced since the event);
 * - queued: its customer had every upload slot taken; an ending upload wakes it.
 */
export interface UploadFeedOutcome {
  readonly state: 'sent' | 'continued' | 'skipped' | 'queued';
  readonly sent: number;
  readonly rejected: number;
}

/**
 * One upload, for its customer: credentials from its secret, a slot of its fair queue, the send with
 * progress, then its log summary and metrics. A stopped run (credentials refused, retries exhausted,
 * unknown customer) throws FeedStoppedError, so S3's asynchronous invocation retries the object.
 */
export async function feedUpload(
  location: S3ObjectLocation,
  size: number,
  deps: UploadFeedDeps,
  deadlines: { readonly deadlineAt: number; readonly exchangeDeadlineAt: number },
): Promise<UploadFeedOutcome> {
  const { bucket, key } = location;
  // One metrics set per upload: with many customers, each upload's counts carry its customer.
  const metrics = deps.createMetrics();
  const customer = deps.senders.manyCustomers ? customerOfKey(key) : undefined;
  if (customer !== undefined) metrics.addDimension(CUSTOMER_DIMENSION, customer);
  let slotHeld: Parameters<typeof releaseSlot>[0] | undefined;
  let slotKept = false;
  let credentialsRefused = false;
  try {
    let target;
    try {
      target = await deps.senders.forUpload(key);
    } catch (error) {
      if (!(error instanceof UnknownCustomerError)) {
        deps.logger.error('could not load the mParticle credentials', {
          bucket,
          key,
          customer,
          error: errorMessage(error),
        });
        throw error;
      }
      metrics.addMetric(FEED_METRIC_NAMES.unknownCustomer, MetricUnit.Count, 1);
      deps.logger.error('upload for an unknown customer: kept, not sent', {
        bucket,
        key,
        customer,
        error: error.message,
      });
      throw new FeedStoppedError(`s3://${bucket}/${key}: ${error.message}`, 'unknown-customer');
    }
    if (target.customer !== undefined && deps.maxUploadsPerCustomer > 0) {
      const slotOptions = { s3: deps.s3, bucket, customer: target.customer, uploadKey: key };
      const slot = await takeSlot(slotOptions, {
        maxUploads: deps.maxUploadsPerCustomer,
        leaseMs: DEFAULT_SLOT_LEASE_MS,
      });
      if (slot.state === 'queued') {
        metrics.addMetric(FEED_METRIC_NAMES.uploadsQueued, MetricUnit.Count, 1);
        deps.logger.info(
          'queued: the customer already has the most uploads allowed being sent; an ending one wakes this',
          {
            bucket,
            key,
            customer,
            running: slot.running,
            maxUploadsPerCustomer: deps.maxUploadsPerCustomer,
          },
        );
        return { state: 'queued', sent: 0, rejected: 0 };
      }
      slotHeld = slotOptions;
    }
    deps.logger.info('feeding object', { bucket, key, customer, size });
    let retryWaits = 0;
    const outcome = await feedS3Object(location, {
      s3: deps.s3,
      sender: target.client,
      destination: target.destination,
      limits: deps.settings.limits,
      historicalAfterDays: target.historicalAfterDays,
      concurrency: deps.settings.concurrency,
      deadlineAt: deadlines.deadlineAt,
      exchangeDeadlineAt: deadlines.exchangeDeadlineAt,
      maxObjectBytes: deps.maxObjectBytes,
      onSendEvent: (sendEvent) => {
        if (sendEvent.type === 'retry-wait') {
          retryWaits += 1;
          deps.logger.warn('waiting before a retry', { customer, ...sendEvent });
        } else if (sendEvent.body.trim() !== '')
          // What it said, shortened (answers are read up to 1 MiB; a log event is split beyond 256 KB).
          deps.logger.info('mParticle accepted a request with a body', {
            customer,
            status: sendEvent.status,
            body: describeErrorBody(sendEvent.body),
          });
      },
    });
    const { report, rejectedKey } = outcome;
    if (!report) {
      const message =
        outcome.state === 'stale'
          ? 'upload deleted or replaced since the event: nothing to do'
          : 'object already sent by an earlier invocation';
      deps.logger.info(message, { bucket, key, customer, state: outcome.state, totals: outcome.totals });
      return { state: 'skipped', sent: 0, rejected: 0 };
    }
    recordFeedRun(metrics, report, retryWaits);
    if (report.withPartnerIdentities > 0) {
      deps.logger.warn(partnerIdentitiesWarning(report.withPartnerIdentities), { bucket, key, customer });
    }
    const summary = {
      bucket,
      key,
      customer,
      state: outcome.state,
      invocations: outcome.invocations,
      totals: outcome.totals,
      sent: report.sent,
      historical: report.historical,
      rejected: report.rejected.length,
      rejectedKey,
      unsent: report.unsent,
      requests: report.requests,
      retries: report.retries,
      waitedMs: report.waitedMs,
      elapsedMs: report.elapsedMs,
    };
    const counts = { sent: report.sent, rejected: report.rejected.length };
    if (outcome.state === 'continued') {
      slotKept = true;
      deps.logger.info('out of time: progress saved, continuing in a new invocation', summary);
      return { state: 'continued', ...counts };
    }
    if (report.stop) {
      const who = customer === undefined ? '' : ` (customer ${customer})`;
      if (report.stop.kind === 'auth') {
        credentialsRefused = true;
        deps.senders.forget(customer); // the secret may have been fixed or rotated meanwhile
        deps.logger.error(
          `mParticle refused the credentials${who}: this upload waits, progress kept; fix the key, then resume`,
          { ...summary, stop: report.stop },
        );
      } else deps.logger.error('feed stopped before the object was fully sent', { ...summary, stop: report.stop });
      throw new FeedStoppedError(`s3://${bucket}/${key}${who}: ${report.stop.message}`, report.stop.kind);
    }
    if (report.rejected.length > 0) deps.logger.warn('object sent with rejected batches', summary);
    else deps.logger.info('object sent', summary);
    return { state: 'sent', ...counts };
  } finally {
    // An upload continuing in a new invocation keeps its slot; any other end frees it and wakes the next.
    if (slotHeld && !slotKept) {
      const woken = await releaseSlot(slotHeld, !credentialsRefused).catch((error: unknown) => {
        deps.logger.error('could not free the upload slot (it frees itself when its lease runs out)', {
          bucket,
          key,
          customer,
          error: errorMessage(error),
        });
        return undefined;
      });
      if (woken) deps.logger.info('woke a queued upload of the same customer', { customer, woken });
    }
    metrics.publishStoredMetrics();
  }
}
