import { DELIVERY_ENV, FUNCTION_ENV, PLATFORM_ENV } from '../lambda/config/environment';

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
    [FUNCTION_ENV.logLevel]: settings.logLevel ?? 'INFO',
    ...(settings.dryRun === true && settings.partnerApiUrl === undefined ? { [DELIVERY_ENV.dryRun]: 'true' } : {}),
    ...(settings.partnerApiUrl === undefined ? {} : deliveryEnvironment(settings.partnerApiUrl, locations)),
  };
}

function deliveryEnvironment(partnerApiUrl: string, locations: DeliveryLocations): Record<string, string> {
  return {
    [DELIVERY_ENV.partnerApiUrl]: partnerApiUrl,
    [DELIVERY_ENV.deliveryQueueUrl]: locations.deliveryQueueUrl,
    [DELIVERY_ENV.deadLetterQueueUrl]: locations.deadLetterQueueUrl,
    [DELIVERY_ENV.sealingKeyId]: locations.sealingKeyArn,
    ...(locations.partnerCredentialSecretArn === undefined
      ? {}
      : { [DELIVERY_ENV.partnerCredentialSecretArn]: locations.partnerCredentialSecretArn }),
    [DELIVERY_ENV.claimCheckBucket]: locations.claimCheckBucketName,
    ...(locations.queueMessageMaxBytes === undefined
      ? {}
      : { [DELIVERY_ENV.queueMessageMaxBytes]: String(locations.queueMessageMaxBytes) }),
  };
}
