import type { Context, S3Event } from 'aws-lambda';
import { createFeedFunction } from '../composition/feed-function';
import { INCOMING_PREFIX, uploadKeyOfResumeMarker } from '../feeds/feed-bucket-layout';
import { decodeS3EventKey, type S3ObjectLocation } from '../feeds/s3-object-feed';
import { S3Progress } from '../feeds/s3-progress';
import { feedUpload } from '../feeds/upload-feed';

/**
 * S3 ObjectCreated → mParticle Events API. Thin on purpose: reading, validating, sending and
 * reporting live in lambda/feeds. Progress is saved beside the upload (progress/), so a retried
 * invocation resends nothing already accepted. Out of time, it saves and writes a resume marker,
 * whose own notification runs the function again. A stopped run (credentials refused, retries
 * exhausted, unknown customer) throws, so S3's asynchronous invocation retries the object and the
 * errors alarm fires. With FEED_ENV.customerSecretPrefix set, each upload is sent for the customer
 * its key names (incoming/<customer>/…), with that customer's own secret, and counted per customer.
 */

// Module scope: built once per container and reused by warm invocations (lambda/composition/feed-function.ts).
const { settings, s3, logger, uploadDeps } = createFeedFunction(process.env);

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
