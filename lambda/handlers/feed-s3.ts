import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { errorMessage } from '../common/errors';
import type { SecretStringReader } from '../feeds/credentials-source';
import { UnknownCustomerError } from '../feeds/customer-registry';
import { createFeedHttpClient } from '../feeds/events-api-client';
import { FeedStoppedError } from '../feeds/feed-errors';
import { feedSettingsFromEnv, optionalInteger } from '../feeds/feed-settings';
import { INCOMING_PREFIX, uploadKeyOfResumeMarker } from '../feeds/feed-bucket-layout';
import { checkCustomerSecretPrefix, customerOfKey } from '../feeds/feed-customer';
import { CUSTOMER_DIMENSION, FEED_METRIC_NAMES, recordFeedRun } from '../feeds/feed-metrics';
import { partnerIdentitiesWarning } from '../feeds/feed-report';
import {
  decodeS3EventKey,
  DEFAULT_MAX_OBJECT_BYTES,
  feedS3Object,
  type S3ObjectLocation,
} from '../feeds/s3-object-feed';
import { S3Progress } from '../feeds/s3-progress';
import { UploadSenders } from '../feeds/upload-senders';
import {
  DEFAULT_MAX_UPLOADS_PER_CUSTOMER,
  DEFAULT_SLOT_LEASE_MS,
  releaseSlot,
  takeSlot,
} from '../feeds/customer-slots';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { ENV, FEED_ENV } from '../config/environment';
import { createLogger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * S3 ObjectCreated → mParticle Events API. Thin on purpose: reading, validating, sending and
 * reporting live in lambda/feeds. Progress is saved beside the upload (progress/), so a retried
 * invocation resends nothing already accepted. Out of time, it saves and writes a resume marker,
 * whose own notification runs the function again. A stopped run (credentials refused, retries
 * exhausted, unknown customer) throws, so S3's asynchronous invocation retries the object and the
 * errors alarm fires. With FEED_ENV.customerSecretPrefix set, each upload is sent for the customer
 * its key names (incoming/<customer>/…), with that customer's own secret, and counted per customer.
 */

// Module scope: built once per container and reused by warm invocations.
const settings = feedSettingsFromEnv(process.env);
const maxObjectBytes =
  optionalInteger(process.env[FEED_ENV.maxObjectBytes], FEED_ENV.maxObjectBytes) ?? DEFAULT_MAX_OBJECT_BYTES;
const customerPrefixSetting = process.env[FEED_ENV.customerSecretPrefix]?.trim();
// Many customers: uploads of one customer sent at a time (0: no cap); see lambda/feeds/customer-slots.ts.
const maxUploadsPerCustomer =
  optionalInteger(process.env[FEED_ENV.maxUploadsPerCustomer], FEED_ENV.maxUploadsPerCustomer) ??
  DEFAULT_MAX_UPLOADS_PER_CUSTOMER;
// The kit's logger: the same redaction of secret-looking keys as every other function.
const logger = createLogger('mparticle-feed');
const s3 = new S3Client(s3ClientConfig(process.env[ENV.s3Endpoint]));
let readSecret: SecretStringReader | undefined;
const senders = new UploadSenders({
  settings,
  http: createFeedHttpClient(16),
  env: process.env,
  secretReader: () => {
    readSecret ??= secretsManagerReader();
    return readSecret;
  },
  customerSecretPrefix: customerPrefixSetting ? checkCustomerSecretPrefix(customerPrefixSetting) : undefined,
});

/** Time kept back from the Lambda timeout to save progress, write rejected batches and re-trigger or fail cleanly. */
const SAFETY_MARGIN_MS = 15_000;

export interface FeedS3Result {
  readonly objects: number;
  /** In this invocation. */
  readonly sent: number;
  readonly rejected: number;
  /** Uploads left for a next invocation (a resume marker was written). */
  readonly continued: number;
}

export const handler = async (event: S3Event, context: Context): Promise<FeedS3Result> => {
  logger.addContext(context);
  // No request starts later than one request timeout before the hard stop, so none under way is ever
  // cut (a cut request may have reached mParticle; resending it would duplicate its batches).
  const exchangeDeadlineAt = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS);
  const deadlineAt = exchangeDeadlineAt - settings.requestTimeoutMs;

  const result = { objects: 0, sent: 0, rejected: 0, continued: 0 };
  for (const record of event.Records) {
    const location = await locate(
      record.s3.bucket.name,
      decodeS3EventKey(record.s3.object.key),
      record.s3.object.versionId,
    );
    if (!location) continue;
    const { bucket, key } = location;
    // One metrics set per upload: with many customers, each upload's counts carry its customer.
    const metrics = createMetrics('mparticle-feed');
    const customer = senders.manyCustomers ? customerOfKey(key) : undefined;
    if (customer !== undefined) metrics.addDimension(CUSTOMER_DIMENSION, customer);
    let slotHeld: Parameters<typeof releaseSlot>[0] | undefined;
    let slotKept = false;
    let credentialsRefused = false;
    try {
      let target;
      try {
        target = await senders.forUpload(key);
      } catch (error) {
        if (!(error instanceof UnknownCustomerError)) {
          logger.error('could not load the mParticle credentials', {
            bucket,
            key,
            customer,
            error: errorMessage(error),
          });
          throw error;
        }
        metrics.addMetric(FEED_METRIC_NAMES.unknownCustomer, MetricUnit.Count, 1);
        logger.error('upload for an unknown customer: kept, not sent', { bucket, key, customer, error: error.message });
        throw new FeedStoppedError(`s3://${bucket}/${key}: ${error.message}`, 'unknown-customer');
      }
      if (target.customer !== undefined && maxUploadsPerCustomer > 0) {
        const slotOptions = { s3, bucket, customer: target.customer, uploadKey: key };
        const slot = await takeSlot(slotOptions, { maxUploads: maxUploadsPerCustomer, leaseMs: DEFAULT_SLOT_LEASE_MS });
        if (slot.state === 'queued') {
          metrics.addMetric(FEED_METRIC_NAMES.uploadsQueued, MetricUnit.Count, 1);
          logger.info(
            'queued: the customer already has the most uploads allowed being sent; an ending one wakes this',
            {
              bucket,
              key,
              customer,
              running: slot.running,
              maxUploadsPerCustomer,
            },
          );
          continue;
        }
        slotHeld = slotOptions;
      }
      logger.info('feeding object', { bucket, key, customer, size: record.s3.object.size });
      let retryWaits = 0;
      const outcome = await feedS3Object(location, {
        s3,
        sender: target.client,
        limits: settings.limits,
        historicalAfterDays: target.historicalAfterDays,
        concurrency: settings.concurrency,
        deadlineAt,
        exchangeDeadlineAt,
        maxObjectBytes,
        onSendEvent: (sendEvent) => {
          if (sendEvent.type === 'retry-wait') {
            retryWaits += 1;
            logger.warn('waiting before a retry', { customer, ...sendEvent });
          } else if (sendEvent.body.trim() !== '')
            logger.info('mParticle accepted a request with a body', {
              customer,
              status: sendEvent.status,
              body: sendEvent.body,
            });
        },
      });
      const { report, rejectedKey } = outcome;
      if (!report) {
        const message =
          outcome.state === 'stale'
            ? 'upload deleted or replaced since the event: nothing to do'
            : 'object already sent by an earlier invocation';
        logger.info(message, { bucket, key, customer, state: outcome.state, totals: outcome.totals });
        continue;
      }
      recordFeedRun(metrics, report, retryWaits);
      if (report.withPartnerIdentities > 0) {
        logger.warn(partnerIdentitiesWarning(report.withPartnerIdentities), { bucket, key, customer });
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
      result.objects += 1;
      result.sent += report.sent;
      result.rejected += report.rejected.length;
      if (outcome.state === 'continued') {
        slotKept = true;
        result.continued += 1;
        logger.info('out of time: progress saved, continuing in a new invocation', summary);
        continue;
      }
      if (report.stop) {
        const who = customer === undefined ? '' : ` (customer ${customer})`;
        if (report.stop.kind === 'auth') {
          credentialsRefused = true;
          senders.forget(customer); // the secret may have been fixed or rotated meanwhile
          logger.error(
            `mParticle refused the credentials${who}: this upload waits, progress kept; fix the key, then resume`,
            { ...summary, stop: report.stop },
          );
        } else logger.error('feed stopped before the object was fully sent', { ...summary, stop: report.stop });
        throw new FeedStoppedError(`s3://${bucket}/${key}${who}: ${report.stop.message}`, report.stop.kind);
      }
      if (report.rejected.length > 0) logger.warn('object sent with rejected batches', summary);
      else logger.info('object sent', summary);
    } finally {
      // An upload continuing in a new invocation keeps its slot; any other end frees it and wakes the next.
      if (slotHeld && !slotKept) {
        const woken = await releaseSlot(slotHeld, !credentialsRefused).catch((error: unknown) => {
          logger.error('could not free the upload slot (it frees itself when its lease runs out)', {
            bucket,
            key,
            customer,
            error: errorMessage(error),
          });
          return undefined;
        });
        if (woken) logger.info('woke a queued upload of the same customer', { customer, woken });
      }
      metrics.publishStoredMetrics();
    }
  }
  return result;
};

/**
 * Where an event points: an upload, or (for a resume marker) the upload it stands for at its tracked
 * ETag. A marker with no progress yet (an upload refused before anything was recorded, resumed by the
 * operator) sends the upload from its start.
 */
async function locate(
  bucket: string,
  key: string,
  versionId: string | undefined,
): Promise<S3ObjectLocation | undefined> {
  const uploadKey = uploadKeyOfResumeMarker(key);
  if (uploadKey !== undefined) {
    const stored = await S3Progress.read(s3, bucket, uploadKey);
    if (stored?.complete) {
      logger.info('resume marker with nothing left to send', { bucket, key });
      return undefined;
    }
    return { bucket, key: uploadKey, expectedEtag: stored?.etag };
  }
  if (!key.startsWith(INCOMING_PREFIX)) {
    logger.warn('skipping an object outside incoming/ (the notification filter should exclude it)', { bucket, key });
    return undefined;
  }
  return { bucket, key, versionId };
}

/** Tests and local runs point the client at an emulator; S3 emulators want path-style URLs. */
function s3ClientConfig(endpoint: string | undefined): S3ClientConfig {
  return endpoint ? { endpoint, forcePathStyle: true } : {};
}
