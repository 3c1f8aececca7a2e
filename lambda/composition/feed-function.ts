import type { Logger } from '@aws-lambda-powertools/logger';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { readOptionalInteger, type Env } from '../config/env-readers';
import { FEED_ENV, LOCAL_ENV } from '../config/environment';
import type { SecretStringReader } from '../feeds/credentials-source';
import { DEFAULT_MAX_UPLOADS_PER_CUSTOMER } from '../feeds/customer-slots';
import { createFeedHttpClient } from '../feeds/events-api-client';
import { checkCustomerSecretPrefix } from '../feeds/feed-customer';
import { type FeedSettings, feedSettingsFromEnv } from '../feeds/feed-settings';
import { DEFAULT_MAX_OBJECT_BYTES } from '../feeds/s3-object-feed';
import type { UploadFeedDeps } from '../feeds/upload-feed';
import { UploadSenders } from '../feeds/upload-senders';
import { createLogger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';

/**
 * The one place the S3 feed function is put together from its environment: settings, the S3 client,
 * the per-customer senders and what feedUpload needs. The handler builds it once per container.
 */
export interface FeedFunction {
  readonly settings: FeedSettings;
  readonly s3: S3Client;
  readonly logger: Logger;
  readonly uploadDeps: UploadFeedDeps;
}

export function createFeedFunction(env: Env): FeedFunction {
  const settings = feedSettingsFromEnv(env);
  const maxObjectBytes = readOptionalInteger(env, FEED_ENV.maxObjectBytes) ?? DEFAULT_MAX_OBJECT_BYTES;
  const customerPrefixSetting = env[FEED_ENV.customerSecretPrefix]?.trim();
  // Many customers: uploads of one customer sent at a time (0: no cap); see lambda/feeds/customer-slots.ts.
  const maxUploadsPerCustomer =
    readOptionalInteger(env, FEED_ENV.maxUploadsPerCustomer) ?? DEFAULT_MAX_UPLOADS_PER_CUSTOMER;
  // The kit's logger: the same redaction of secret-looking keys as every other function.
  const logger = createLogger('mparticle-feed');
  const s3 = new S3Client(s3ClientConfig(env[LOCAL_ENV.s3Endpoint]));
  // The Secrets Manager client is made at the first credentials load, not at start-up.
  let readSecret: SecretStringReader | undefined;
  const senders = new UploadSenders({
    settings,
    http: createFeedHttpClient(16),
    env,
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
  return { settings, s3, logger, uploadDeps };
}

/** Tests and local runs point the client at an emulator; S3 emulators want path-style URLs. */
function s3ClientConfig(endpoint: string | undefined): S3ClientConfig {
  return endpoint ? { endpoint, forcePathStyle: true } : {};
}
