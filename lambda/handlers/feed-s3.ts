import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { errorMessage } from '../common/errors';
import { loadFeedCredentials, type SecretStringReader } from '../feeds/credentials-source';
import { createFeedHttpClient, EventsApiClient } from '../feeds/events-api-client';
import type { FeedCredentials } from '../feeds/feed-credentials';
import { FeedStoppedError } from '../feeds/feed-errors';
import { feedSettingsFromEnv, optionalInteger } from '../feeds/feed-settings';
import { INCOMING_PREFIX, uploadKeyOfResumeMarker } from '../feeds/feed-bucket-layout';
import {
  decodeS3EventKey,
  DEFAULT_MAX_OBJECT_BYTES,
  feedS3Object,
  type S3ObjectLocation,
} from '../feeds/s3-object-feed';
import { S3Progress } from '../feeds/s3-progress';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { ENV, FEED_ENV } from '../config/environment';
import { createLogger } from '../observability/logger';

/**
 * S3 ObjectCreated → mParticle Events API. Thin on purpose: reading, validating, sending and
 * reporting live in lambda/feeds. Progress is saved beside the upload (progress/), so a retried
 * invocation resends nothing already accepted. Out of time, it saves and writes a resume marker,
 * whose own notification runs the function again. A stopped run (credentials refused, retries
 * exhausted) throws, so S3's asynchronous invocation retries the object and the errors alarm fires.
 */

// Module scope: built once per container and reused by warm invocations.
const settings = feedSettingsFromEnv(process.env);
const maxObjectBytes =
  optionalInteger(process.env[FEED_ENV.maxObjectBytes], FEED_ENV.maxObjectBytes) ?? DEFAULT_MAX_OBJECT_BYTES;
// The kit's logger: the same redaction of secret-looking keys as every other function.
const logger = createLogger('mparticle-feed');
const s3 = new S3Client(s3ClientConfig(process.env[ENV.s3Endpoint]));
const http = createFeedHttpClient(16);
let readSecret: SecretStringReader | undefined;
let credentials: Promise<FeedCredentials> | undefined;

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
  const client = new EventsApiClient({
    baseUrl: settings.baseUrl,
    credentials: await getCredentials(),
    http,
    retry: settings.retry,
    requestTimeoutMs: settings.requestTimeoutMs,
  });

  const result = { objects: 0, sent: 0, rejected: 0, continued: 0 };
  for (const record of event.Records) {
    const location = await locate(
      record.s3.bucket.name,
      decodeS3EventKey(record.s3.object.key),
      record.s3.object.versionId,
    );
    if (!location) continue;
    const { bucket, key } = location;
    logger.info('feeding object', { bucket, key, size: record.s3.object.size });
    const outcome = await feedS3Object(location, {
      s3,
      sender: client,
      limits: settings.limits,
      historicalAfterDays: settings.historicalAfterDays,
      concurrency: settings.concurrency,
      deadlineAt,
      exchangeDeadlineAt,
      maxObjectBytes,
      onSendEvent: (sendEvent) => {
        if (sendEvent.type === 'retry-wait') logger.warn('waiting before a retry', { ...sendEvent });
        else if (sendEvent.body.trim() !== '')
          logger.info('mParticle accepted a request with a body', { status: sendEvent.status, body: sendEvent.body });
      },
    });
    const { report, rejectedKey } = outcome;
    if (!report) {
      const message =
        outcome.state === 'stale'
          ? 'resume marker for an upload since replaced: nothing to do'
          : 'object already sent by an earlier invocation';
      logger.info(message, { bucket, key, state: outcome.state, totals: outcome.totals });
      continue;
    }
    const summary = {
      bucket,
      key,
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
      result.continued += 1;
      logger.info('out of time: progress saved, continuing in a new invocation', summary);
      continue;
    }
    if (report.stop) {
      if (report.stop.kind === 'auth') credentials = undefined; // the secret may have been fixed or rotated meanwhile
      logger.error('feed stopped before the object was fully sent', { ...summary, stop: report.stop });
      throw new FeedStoppedError(`s3://${bucket}/${key}: ${report.stop.message}`, report.stop.kind);
    }
    if (report.rejected.length > 0) logger.warn('object sent with rejected batches', summary);
    else logger.info('object sent', summary);
  }
  return result;
};

/** Where an event points: an upload, or (for a resume marker) the upload it stands for at its tracked ETag. */
async function locate(
  bucket: string,
  key: string,
  versionId: string | undefined,
): Promise<S3ObjectLocation | undefined> {
  const uploadKey = uploadKeyOfResumeMarker(key);
  if (uploadKey !== undefined) {
    const stored = await S3Progress.read(s3, bucket, uploadKey);
    if (!stored || stored.complete) {
      logger.info('resume marker with nothing left to send', { bucket, key });
      return undefined;
    }
    return { bucket, key: uploadKey, expectedEtag: stored.etag };
  }
  if (!key.startsWith(INCOMING_PREFIX)) {
    logger.warn('skipping an object outside incoming/ (the notification filter should exclude it)', { bucket, key });
    return undefined;
  }
  return { bucket, key, versionId };
}

function getCredentials(): Promise<FeedCredentials> {
  readSecret ??= secretsManagerReader();
  credentials ??= loadFeedCredentials(process.env, readSecret).catch((error: unknown) => {
    credentials = undefined; // try again on the next invocation
    logger.error('could not load mParticle credentials', { error: errorMessage(error) });
    throw error;
  });
  return credentials;
}

/** Tests and local runs point the client at an emulator; S3 emulators want path-style URLs. */
function s3ClientConfig(endpoint: string | undefined): S3ClientConfig {
  return endpoint ? { endpoint, forcePathStyle: true } : {};
}
