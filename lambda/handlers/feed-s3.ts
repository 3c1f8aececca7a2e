import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { HttpClient } from '../shared/http-client';
import { errorMessage } from '../shared/errors';
import { loadFeedCredentials, type SecretStringReader } from '../feeds/credentials-source';
import { EventsApiClient } from '../feeds/events-api-client';
import type { FeedCredentials } from '../feeds/feed-credentials';
import { FeedStoppedError } from '../feeds/feed-errors';
import { feedSettingsFromEnv, optionalInteger } from '../feeds/feed-settings';
import { REJECTED_PREFIX } from '../feeds/feed-bucket-layout';
import { decodeS3EventKey, DEFAULT_MAX_OBJECT_BYTES, feedS3Object } from '../feeds/s3-object-feed';
import { secretsManagerReader } from '../shared/secrets-manager-reader';

/**
 * S3 ObjectCreated → mParticle Events API. Thin on purpose: reading, validating, sending and
 * reporting live in lambda/feeds. A stopped run (credentials refused, retries exhausted, no time
 * left) throws, so S3's asynchronous invocation retries the object and the errors alarm fires.
 */

// Module scope: built once per container and reused by warm invocations.
const settings = feedSettingsFromEnv(process.env);
const maxObjectBytes = optionalInteger(process.env['FEED_MAX_OBJECT_BYTES'], 'FEED_MAX_OBJECT_BYTES') ?? DEFAULT_MAX_OBJECT_BYTES;
const logger = new Logger({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'mparticle-feed' });
const s3 = new S3Client(s3ClientConfig(process.env['S3_ENDPOINT']));
const http = new HttpClient({ maxSockets: 16 });
let readSecret: SecretStringReader | undefined;
let credentials: Promise<FeedCredentials> | undefined;

/** Time kept back from the Lambda timeout to write rejected batches and fail cleanly. */
const SAFETY_MARGIN_MS = 15_000;

export interface FeedS3Result {
  readonly objects: number;
  readonly sent: number;
  readonly rejected: number;
}

export const handler = async (event: S3Event, context: Context): Promise<FeedS3Result> => {
  logger.addContext(context);
  const deadlineAt = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS);
  const client = new EventsApiClient({
    baseUrl: settings.baseUrl,
    credentials: await getCredentials(),
    http,
    retry: settings.retry,
    requestTimeoutMs: settings.requestTimeoutMs,
  });

  const result = { objects: 0, sent: 0, rejected: 0 };
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = decodeS3EventKey(record.s3.object.key);
    if (key.startsWith(REJECTED_PREFIX)) {
      logger.warn('skipping an object under rejected/ (the notification filter should exclude it)', { bucket, key });
      continue;
    }
    logger.info('feeding object', { bucket, key, size: record.s3.object.size });
    const { report, rejectedKey } = await feedS3Object(
      { bucket, key, versionId: record.s3.object.versionId },
      {
        s3,
        sender: client,
        limits: settings.limits,
        historicalAfterDays: settings.historicalAfterDays,
        concurrency: settings.concurrency,
        deadlineAt,
        maxObjectBytes,
        onSendEvent: (sendEvent) => {
          if (sendEvent.type === 'retry-wait') logger.warn('waiting before a retry', { ...sendEvent });
          else if (sendEvent.body.trim() !== '') logger.info('mParticle accepted a request with a body', { status: sendEvent.status, body: sendEvent.body });
        },
      },
    );
    const summary = {
      bucket,
      key,
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
