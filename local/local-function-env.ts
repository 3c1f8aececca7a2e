import { randomBytes } from 'node:crypto';
import { DELIVERY_ENV, LOCAL_ENV, PLATFORM_ENV, TOKEN_ENV } from '../lambda/config/environment';
import type { SqsEmulator } from './sqs-emulator';

/**
 * The environment the local functions run with: local credentials and a fresh sealing key, the caller's
 * extra settings, then what points them at the emulator and the partner (never overridden).
 */
export function localFunctionEnv(options: {
  readonly partnerUrl: string;
  readonly sqs: SqsEmulator;
  readonly extra?: Readonly<Record<string, string | undefined>>;
}): Record<string, string> {
  const { sqs } = options;
  return {
    [DELIVERY_ENV.localSealingKey]: randomBytes(32).toString('base64'),
    [TOKEN_ENV.tokens]: 'local-token',
    // What calls without customer settings (mParticle's DSR requests) authenticate with; DELIVERY_ENV.partnerCredential overrides it.
    [DELIVERY_ENV.partnerCredential]: 'local-partner-credential',
    ...Object.fromEntries(
      Object.entries(options.extra ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
    ),
    // One worker runner locally: it alone shares PARTNER_MAX_RPS.
    [DELIVERY_ENV.workerMaxConcurrency]: '1',
    ...emulatorDeliveryEnv(sqs, options.partnerUrl),
  };
}

/**
 * What points a function at the emulator (queues, and the claim-check bucket on the same endpoint) and at
 * the partner: the one place local runs, tests and benches take these settings from.
 */
export function emulatorDeliveryEnv(
  sqs: Pick<SqsEmulator, 'queueUrl' | 'deadLetterQueueUrl' | 'endpoint' | 'bucketName' | 'maxMessageBytes'>,
  partnerUrl: string,
): Record<string, string> {
  return {
    [DELIVERY_ENV.partnerApiUrl]: partnerUrl,
    [DELIVERY_ENV.deliveryQueueUrl]: sqs.queueUrl,
    [DELIVERY_ENV.deadLetterQueueUrl]: sqs.deadLetterQueueUrl,
    [LOCAL_ENV.sqsEndpoint]: sqs.endpoint,
    [DELIVERY_ENV.claimCheckBucket]: sqs.bucketName,
    [LOCAL_ENV.s3Endpoint]: sqs.endpoint,
    // Chunk to what the queue is set to, as the construct makes the deployed functions do.
    [DELIVERY_ENV.queueMessageMaxBytes]: String(sqs.maxMessageBytes),
  };
}

/** Bare emulator clients need a region and credentials; these never leave the machine. */
export function useLocalAwsCredentials(region: string): void {
  process.env[PLATFORM_ENV.awsRegion] ??= region;
  process.env[PLATFORM_ENV.awsAccessKeyId] ??= 'local';
  process.env[PLATFORM_ENV.awsSecretAccessKey] ??= 'local';
}
