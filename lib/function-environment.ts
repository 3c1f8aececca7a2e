import { ENV, PLATFORM_ENV } from '../lambda/config/environment';

/** Where the delivering functions find their resources (names, URLs, ARNs; CDK tokens at synth time). */
export interface DeliveryLocations {
  readonly deliveryQueueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly sealingKeyArn: string;
  readonly claimCheckBucketName: string;
  readonly partnerCredentialSecretArn?: string | undefined;
  /** The delivery queue's message size limit, which the functions chunk queued deliveries to. */
  readonly queueMessageMaxBytes?: number | undefined;
}

export interface EnvironmentSettings {
  readonly partnerApiUrl?: string | undefined;
  readonly dryRun?: boolean | undefined;
  readonly logLevel?: string | undefined;
  /** The construct applies the default (DEFAULT_METRICS_NAMESPACE), so the alarms read the same namespace. */
  readonly metricsNamespace: string;
}

/**
 * The variables every Firehose function gets (each adds its own service name and settings). The functions
 * deliver when they have the partner URL *and* the queues, and run their dry run when they have neither
 * (lambda/delivery/delivery-config.ts); so without a partner URL no delivery setting is set.
 */
export function sharedEnvironment(settings: EnvironmentSettings, locations: DeliveryLocations): Record<string, string> {
  return {
    [PLATFORM_ENV.nodeOptions]: '--enable-source-maps',
    [PLATFORM_ENV.metricsNamespace]: settings.metricsNamespace,
    [ENV.logLevel]: settings.logLevel ?? 'INFO',
    ...(settings.dryRun === true && settings.partnerApiUrl === undefined ? { [ENV.dryRun]: 'true' } : {}),
    ...(settings.partnerApiUrl === undefined ? {} : deliveryEnvironment(settings.partnerApiUrl, locations)),
  };
}

function deliveryEnvironment(partnerApiUrl: string, locations: DeliveryLocations): Record<string, string> {
  return {
    [ENV.partnerApiUrl]: partnerApiUrl,
    [ENV.deliveryQueueUrl]: locations.deliveryQueueUrl,
    [ENV.deadLetterQueueUrl]: locations.deadLetterQueueUrl,
    [ENV.sealingKeyId]: locations.sealingKeyArn,
    ...(locations.partnerCredentialSecretArn === undefined
      ? {}
      : { [ENV.partnerCredentialSecretArn]: locations.partnerCredentialSecretArn }),
    [ENV.claimCheckBucket]: locations.claimCheckBucketName,
    ...(locations.queueMessageMaxBytes === undefined
      ? {}
      : { [ENV.queueMessageMaxBytes]: String(locations.queueMessageMaxBytes) }),
  };
}
