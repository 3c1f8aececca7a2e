/**
 * Reads the kit's CDK context (cdk.json, `-c key=value`, or a test's context object) into typed,
 * validated settings. `-c` values arrive as strings, cdk.json values as JSON, so every reader accepts both.
 */

import { errorMessage } from '../lambda/common/errors';
import { checkCustomerSecretPrefix } from '../lambda/feeds/feed-customer';
import { EVENTS_API_POD_BASE_URLS, isEventsApiPod } from '../lambda/feeds/events-api-endpoint';
import { DEFAULT_METRICS_NAMESPACE } from '../lambda/observability/metrics';
import {
  CONTEXT_KEYS,
  DEFAULT_REGIONS,
  type LogLevel,
  readAccounts,
  readAlarmTopicArn,
  readBoolean,
  readCapture,
  readHttpsUrl,
  readLogLevel,
  readRetention,
  readString,
  readStringList,
  readWholeNumber,
} from './context-readers';

// Tests read the default accounts beside readAppConfig.
export { MPARTICLE_ACCOUNTS } from './context-readers';

/** Settings for one regional stack. */
export interface RegionConfig {
  readonly region: string;
  readonly mparticleAccounts: readonly string[];
  readonly partnerApiUrl: string | undefined;
  /** Log partner calls instead of sending them; without it and without a partner URL, data is refused. */
  readonly dryRun: boolean;
  /** 0 means no provisioned concurrency at all. */
  readonly provisionedConcurrency: number;
  readonly httpEndpoint: boolean;
  readonly feed: boolean;
  /** The customer's mParticle pod for the feed (us1, us2, eu1, au1); unset: mParticle's partner inbound URL. */
  readonly feedPod: string | undefined;
  /** The feed serves every mutual customer (CustomerFeeds), one secret each under `feedSecretPrefix`. */
  readonly feedCustomers: boolean;
  /** Many customers: the prefix of their secrets; unset: the construct's default (docs/feeds.md). */
  readonly feedSecretPrefix: string | undefined;
  readonly alarmTopicArn: string | undefined;
  readonly alarmEmail: string | undefined;
  readonly logRetentionDays: number;
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
  /** Opt-in request capture (docs/capture-and-replay.md): the share of requests kept, or undefined when off. */
  readonly captureSampleRate: number | undefined;
}

export interface AppConfig {
  readonly regions: readonly string[];
  readonly forRegion: (region: string) => RegionConfig;
}

/** How a construct's context is read; `Node.tryGetContext` has this shape. */
export type ContextReader = (key: string) => unknown;

export function readAppConfig(read: ContextReader): AppConfig {
  const regions = readStringList(read(CONTEXT_KEYS.regions), CONTEXT_KEYS.regions) ?? [...DEFAULT_REGIONS];
  if (regions.length === 0) throw new Error('context "regions" must name at least one region');
  for (const region of regions) {
    if (!/^[a-z]{2,4}(-[a-z]+)+-\d+$/.test(region))
      throw new Error(`context "regions": "${region}" is not an AWS region`);
  }
  if (new Set(regions).size !== regions.length) throw new Error('context "regions" lists a region twice');

  const accounts = readAccounts(read(CONTEXT_KEYS.mparticleAccounts));
  const partnerApiUrl = readHttpsUrl(read(CONTEXT_KEYS.partnerApiUrl), CONTEXT_KEYS.partnerApiUrl);
  const dryRun = readBoolean(read(CONTEXT_KEYS.dryRun), CONTEXT_KEYS.dryRun) ?? false;
  // Both would deploy a partner URL that is never called: the silent loss this flag exists to prevent.
  if (dryRun && partnerApiUrl !== undefined)
    throw new Error('set either context "partnerApiUrl" or "dryRun=true", not both');
  const feed = readBoolean(read(CONTEXT_KEYS.feed), CONTEXT_KEYS.feed) ?? false;
  const feedPod = readString(read(CONTEXT_KEYS.feedPod), CONTEXT_KEYS.feedPod);
  const feedCustomers = readBoolean(read(CONTEXT_KEYS.feedCustomers), CONTEXT_KEYS.feedCustomers) ?? false;
  const feedSecretPrefix = readString(read(CONTEXT_KEYS.feedSecretPrefix), CONTEXT_KEYS.feedSecretPrefix);
  if (feedCustomers && !feed)
    throw new Error('context "feedCustomers" needs "feed=true" (it chooses the kind of feed)');
  // Each customer's pod is in their own secret: a deployment-wide pod would be silently ignored.
  if (feedCustomers && feedPod !== undefined)
    throw new Error(
      'context "feedPod" is for a single-customer feed; with "feedCustomers" each customer\'s pod is in their secret',
    );
  // Checked here too (the construct checks it at synth): a context mistake is one line, not a stack trace.
  if (feedPod !== undefined && !isEventsApiPod(feedPod.trim().toLowerCase()))
    throw new Error(
      `context "feedPod" must be one of ${Object.keys(EVENTS_API_POD_BASE_URLS).join(', ')}, got "${feedPod}"`,
    );
  if (feedSecretPrefix !== undefined && !feedCustomers)
    throw new Error('context "feedSecretPrefix" needs "feedCustomers=true"');
  if (feedSecretPrefix !== undefined) {
    try {
      checkCustomerSecretPrefix(feedSecretPrefix);
    } catch (error) {
      throw new Error(`context "feedSecretPrefix": ${errorMessage(error)}`);
    }
  }
  const shared = {
    partnerApiUrl,
    dryRun,
    provisionedConcurrency:
      readWholeNumber(read(CONTEXT_KEYS.provisionedConcurrency), CONTEXT_KEYS.provisionedConcurrency) ?? 0,
    httpEndpoint: readBoolean(read(CONTEXT_KEYS.httpEndpoint), CONTEXT_KEYS.httpEndpoint) ?? false,
    feed,
    feedPod,
    feedCustomers,
    feedSecretPrefix,
    alarmEmail: readString(read(CONTEXT_KEYS.alarmEmail), CONTEXT_KEYS.alarmEmail),
    logRetentionDays: readRetention(read(CONTEXT_KEYS.logRetentionDays)),
    logLevel: readLogLevel(read(CONTEXT_KEYS.logLevel)),
    metricsNamespace:
      readString(read(CONTEXT_KEYS.metricsNamespace), CONTEXT_KEYS.metricsNamespace) ?? DEFAULT_METRICS_NAMESPACE,
    captureSampleRate: readCapture(read(CONTEXT_KEYS.capture), read(CONTEXT_KEYS.captureSampleRate)),
  };
  const alarmTopicArn = readAlarmTopicArn(read(CONTEXT_KEYS.alarmTopicArn));

  return {
    regions,
    forRegion: (region) => {
      const topicArn = alarmTopicArn(region);
      if (topicArn !== undefined && shared.alarmEmail !== undefined) {
        throw new Error('set either context "alarmTopicArn" or "alarmEmail", not both');
      }
      return { region, mparticleAccounts: accounts(region), alarmTopicArn: topicArn, ...shared };
    },
  };
}
