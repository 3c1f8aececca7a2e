import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FEED_ENV, LOCAL_ENV, PLATFORM_ENV } from '../../../lambda/config/environment';

/** The prefix the many-customer tests keep their customers' secrets under. */
const CUSTOMER_SECRET_PREFIX = 'mparticle-feed/customers/';

/**
 * The feed function's environment for many customers, against the local S3 emulator and Secrets Manager stand-in
 * (set in `process.env`, as Lambda sets it before the module loads), with `settings` on top; the single-customer
 * settings are removed so every send goes through a customer's own secret. Returns the clients a test uses to
 * upload, read progress and register customers, and makes the bucket.
 */
export async function setUpCustomerFeed(options: {
  readonly s3Endpoint: string;
  readonly secretsManagerEndpoint: string;
  readonly bucket: string;
  readonly settings: Readonly<Record<string, string>>;
}): Promise<{ s3: S3Client; registry: SecretsManagerClient }> {
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  Object.assign(process.env, {
    [PLATFORM_ENV.awsRegion]: 'us-east-1',
    [PLATFORM_ENV.awsAccessKeyId]: credentials.accessKeyId,
    [PLATFORM_ENV.awsSecretAccessKey]: credentials.secretAccessKey,
    [LOCAL_ENV.s3Endpoint]: options.s3Endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: options.secretsManagerEndpoint,
    [FEED_ENV.customerSecretPrefix]: CUSTOMER_SECRET_PREFIX,
    ...options.settings,
  });
  for (const key of [FEED_ENV.apiKey, FEED_ENV.apiSecret, FEED_ENV.secretArn, FEED_ENV.baseUrl, FEED_ENV.pod])
    delete process.env[key];
  const region = 'us-east-1';
  const s3 = new S3Client({ region, endpoint: options.s3Endpoint, forcePathStyle: true, credentials });
  const registry = new SecretsManagerClient({ region, endpoint: options.secretsManagerEndpoint, credentials });
  await s3.send(new CreateBucketCommand({ Bucket: options.bucket }));
  return { s3, registry };
}
