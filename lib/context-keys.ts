/** The kit's CDK context keys and the defaults that are not a plain literal. */

/** The AWS accounts mParticle invokes Firehose Lambda functions from (docs/firehose-protocol.md, "Deployment"). */
export const MPARTICLE_ACCOUNTS = ['338661164609', '457804467337'] as const;

export const DEFAULT_REGIONS = ['us-east-1'] as const;

export const CONTEXT_KEYS = {
  regions: 'regions',
  mparticleAccounts: 'mparticleAccounts',
  partnerApiUrl: 'partnerApiUrl',
  dryRun: 'dryRun',
  provisionedConcurrency: 'provisionedConcurrency',
  httpEndpoint: 'httpEndpoint',
  feed: 'feed',
  feedPod: 'feedPod',
  feedCustomers: 'feedCustomers',
  feedSecretPrefix: 'feedSecretPrefix',
  alarmTopicArn: 'alarmTopicArn',
  alarmEmail: 'alarmEmail',
  logRetentionDays: 'logRetentionDays',
  logLevel: 'logLevel',
  metricsNamespace: 'metricsNamespace',
  capture: 'capture',
  captureSampleRate: 'captureSampleRate',
} as const;
