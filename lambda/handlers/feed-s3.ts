import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import type { SecretStringReader } from '../feeds/credentials-source';
import { DEFAULT_MAX_UPLOADS_PER_CUSTOMER } from '../feeds/customer-slots';
import { createFeedHttpClient } from '../feeds/events-api-client';
import { INCOMING_PREFIX, uploadKeyOfResumeMarker } from '../feeds/feed-bucket-layout';
import { checkCustomerSecretPrefix } from '../feeds/feed-customer';
import { feedSettingsFromEnv } from '../feeds/feed-settings';
import { decodeS3EventKey, DEFAULT_MAX_OBJECT_BYTES, type S3ObjectLocation } from '../feeds/s3-object-feed';
import { S3Progress } from '../feeds/s3-progress';
import { feedUpload, type UploadFeedDeps } from '../feeds/upload-feed';
import { UploadSenders } from '../feeds/upload-senders';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { readOptionalInteger } from '../config/env-readers';
import { FEED_ENV, LOCAL_ENV } from '../config/environment';
import { createLogger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';

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
const maxObjectBytes = readOptionalInteger(process.env, FEED_ENV.maxObjectBytes) ?? DEFAULT_MAX_OBJECT_BYTES;
const customerPrefixSetting = process.env[FEED_ENV.customerSecretPrefix]?.trim();
// Many customers: uploads of one customer sent at a time (0: no cap); see lambda/feeds/customer-slots.ts.
const maxUploadsPerCustomer =
  readOptionalInteger(process.env, FEED_ENV.maxUploadsPerCustomer) ?? DEFAULT_MAX_UPLOADS_PER_CUSTOMER;
// The kit's logger: the same redaction of secret-looking keys as every other function.
const logger = createLogger('mparticle-feed');
const s3 = new S3Client(s3ClientConfig(process.env[LOCAL_ENV.s3Endpoint]));
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

const uploadDeps: UploadFeedDeps = {
  s3,
  senders,
  settings,
  maxObjectBytes,
  maxUploadsPerCustomer,
  logger,
  createMetrics: () => createMetrics('mparticle-feed'),
};

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
    const outcome = await feedUpload(location, record.s3.object.size, uploadDeps, { deadlineAt, exchangeDeadlineAt });
    if (outcome.state === 'sent' || outcome.state === 'continued') {
      result.objects += 1;
      result.sent += outcome.sent;
      result.rejected += outcome.rejected;
      if (outcome.state === 'continued') result.continued += 1;
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
