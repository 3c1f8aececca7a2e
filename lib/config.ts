/**
 * Reads the kit's CDK context (cdk.json, `-c key=value`, or a test's context object) into typed,
 * validated settings. `-c` values arrive as strings, cdk.json values as JSON, so every reader accepts both.
 */

import { DEFAULT_METRICS_NAMESPACE } from '../lambda/observability/metrics';

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
  alarmTopicArn: 'alarmTopicArn',
  alarmEmail: 'alarmEmail',
  logRetentionDays: 'logRetentionDays',
  logLevel: 'logLevel',
  metricsNamespace: 'metricsNamespace',
  capture: 'capture',
  captureSampleRate: 'captureSampleRate',
} as const;

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

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The values CloudWatch Logs accepts for a retention period (logs.RetentionDays, without "infinite"). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

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
  const shared = {
    partnerApiUrl,
    dryRun,
    provisionedConcurrency:
      readWholeNumber(read(CONTEXT_KEYS.provisionedConcurrency), CONTEXT_KEYS.provisionedConcurrency) ?? 0,
    httpEndpoint: readBoolean(read(CONTEXT_KEYS.httpEndpoint), CONTEXT_KEYS.httpEndpoint) ?? false,
    feed: readBoolean(read(CONTEXT_KEYS.feed), CONTEXT_KEYS.feed) ?? false,
    feedPod: readString(read(CONTEXT_KEYS.feedPod), CONTEXT_KEYS.feedPod),
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

/**
 * One topic ARN, or a map by region: CloudWatch alarms can only notify a topic in their own region, so a
 * single ARN serves only the stack in that ARN's region.
 */
function readAlarmTopicArn(raw: unknown): (region: string) => string | undefined {
  const key = CONTEXT_KEYS.alarmTopicArn;
  const value = parseJsonString(raw);
  const byRegion = new Map<string, string>();
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [region, arn] of Object.entries(value)) {
      const topicArn = readString(arn, `${key}.${region}`);
      if (topicArn !== undefined) byRegion.set(region, topicArn);
    }
  } else {
    const topicArn = readString(value, key);
    if (topicArn !== undefined) byRegion.set(topicRegion(topicArn), topicArn);
  }
  for (const [region, arn] of byRegion) {
    if (topicRegion(arn) !== region) throw new Error(`context "${key}": ${arn} is not in ${region}`);
  }
  return (region) => byRegion.get(region);
}

function topicRegion(arn: string): string {
  const region = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[\w.-]+$/.exec(arn)?.[1];
  if (region === undefined)
    throw new Error(`context "${CONTEXT_KEYS.alarmTopicArn}": "${arn}" is not an SNS topic ARN`);
  return region;
}

/** A list, or a per-region map with an optional "default" entry; regions without an entry get mParticle's two accounts. */
function readAccounts(raw: unknown): (region: string) => readonly string[] {
  const key = CONTEXT_KEYS.mparticleAccounts;
  const value = parseJsonString(raw);
  if (value === undefined) return () => MPARTICLE_ACCOUNTS;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const byRegion = new Map<string, readonly string[]>();
    for (const [region, list] of Object.entries(value)) {
      byRegion.set(region, checkAccounts(readStringList(list, `${key}.${region}`) ?? [], `${key}.${region}`));
    }
    return (region) => byRegion.get(region) ?? byRegion.get('default') ?? MPARTICLE_ACCOUNTS;
  }
  const list = checkAccounts(readStringList(value, key) ?? [], key);
  return () => list;
}

function checkAccounts(accounts: string[], key: string): readonly string[] {
  if (accounts.length === 0) throw new Error(`context "${key}" must list at least one account`);
  for (const account of accounts) {
    if (!/^\d{12}$/.test(account)) throw new Error(`context "${key}": "${account}" is not a 12-digit AWS account id`);
  }
  if (new Set(accounts).size !== accounts.length) throw new Error(`context "${key}" lists an account twice`);
  return accounts;
}

/** `-c regions=a,b`, `-c 'regions=["a","b"]'` and a JSON array all work. */
function readStringList(raw: unknown, key: string): string[] | undefined {
  const value = parseJsonString(raw);
  if (value === undefined) return undefined;
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) {
    return value.map((item) => item.trim());
  }
  throw new Error(`context "${key}" must be a list of strings`);
}

function readString(raw: unknown, key: string): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') throw new Error(`context "${key}" must be a string`);
  return raw.trim() === '' ? undefined : raw.trim();
}

function readHttpsUrl(raw: unknown, key: string): string | undefined {
  const value = readString(raw, key);
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || new URL(value).protocol !== 'https:')
    throw new Error(`context "${key}" must be an https:// URL`);
  return value;
}

/** `capture=true` turns capture on (every request unless `captureSampleRate` says less); a rate alone does not. */
function readCapture(rawOn: unknown, rawRate: unknown): number | undefined {
  if (readBoolean(rawOn, CONTEXT_KEYS.capture) !== true) return undefined;
  if (rawRate === undefined || rawRate === null || rawRate === '') return 1;
  const rate = typeof rawRate === 'number' ? rawRate : Number(String(rawRate));
  if (!(rate > 0 && rate <= 1))
    throw new Error(`context "${CONTEXT_KEYS.captureSampleRate}" must be a number above 0 and at most 1`);
  return rate;
}

function readBoolean(raw: unknown, key: string): boolean | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`context "${key}" must be true or false`);
}

function readWholeNumber(raw: unknown, key: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`context "${key}" must be a whole number ≥ 0`);
  }
  return value;
}

function readRetention(raw: unknown): number {
  const key = CONTEXT_KEYS.logRetentionDays;
  const days = readWholeNumber(raw, key) ?? 30;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new Error(`context "${key}" must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  return days;
}

function readLogLevel(raw: unknown): LogLevel {
  const key = CONTEXT_KEYS.logLevel;
  const value = readString(raw, key)?.toUpperCase() ?? 'INFO';
  const level = LOG_LEVELS.find((candidate) => candidate === value);
  if (level === undefined) throw new Error(`context "${key}" must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

/** `-c` passes JSON as text; anything that does not parse stays the plain string it was. */
function parseJsonString(raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') return raw;
  const text = raw.trim();
  if (!text.startsWith('[') && !text.startsWith('{')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`context value ${JSON.stringify(text)} is not valid JSON`);
  }
}
