/**
 * The kit's CDK context: its keys, the defaults that are not a plain literal, and a reader for each value
 * (config.ts puts them together per region). `-c` values arrive as strings, cdk.json values as JSON, so
 * every reader accepts both; an empty value counts as unset.
 */
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

// Single values.
/** `-c` passes JSON as text; anything that does not parse stays the plain string it was. */
export function parseJsonString(raw: unknown): unknown {
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

/** `-c regions=a,b`, `-c 'regions=["a","b"]'` and a JSON array all work. */
export function readStringList(raw: unknown, key: string): string[] | undefined {
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

export function readString(raw: unknown, key: string): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') throw new Error(`context "${key}" must be a string`);
  return raw.trim() === '' ? undefined : raw.trim();
}

export function readHttpsUrl(raw: unknown, key: string): string | undefined {
  const value = readString(raw, key);
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || new URL(value).protocol !== 'https:')
    throw new Error(`context "${key}" must be an https:// URL`);
  return value;
}

export function readBoolean(raw: unknown, key: string): boolean | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`context "${key}" must be true or false`);
}

export function readWholeNumber(raw: unknown, key: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`context "${key}" must be a whole number ≥ 0`);
  }
  return value;
}

// Settings that can differ by region: mParticle's accounts and the alarm topic.
/**
 * One topic ARN, or a map by region: CloudWatch alarms can only notify a topic in their own region, so a
 * single ARN serves only the stack in that ARN's region.
 */
export function readAlarmTopicArn(raw: unknown): (region: string) => string | undefined {
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
export function readAccounts(raw: unknown): (region: string) => readonly string[] {
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

// What the functions record: log level, log retention and request capture.
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The values CloudWatch Logs accepts for a retention period (logs.RetentionDays, without "infinite"). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function readRetention(raw: unknown): number {
  const key = CONTEXT_KEYS.logRetentionDays;
  const days = readWholeNumber(raw, key) ?? 30;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new Error(`context "${key}" must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  return days;
}

export function readLogLevel(raw: unknown): LogLevel {
  const key = CONTEXT_KEYS.logLevel;
  const value = readString(raw, key)?.toUpperCase() ?? 'INFO';
  const level = LOG_LEVELS.find((candidate) => candidate === value);
  if (level === undefined) throw new Error(`context "${key}" must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

/** `capture=true` turns capture on (every request unless `captureSampleRate` says less); a rate alone does not. */
export function readCapture(rawOn: unknown, rawRate: unknown): number | undefined {
  if (readBoolean(rawOn, CONTEXT_KEYS.capture) !== true) return undefined;
  if (rawRate === undefined || rawRate === null || rawRate === '') return 1;
  const rate = typeof rawRate === 'number' ? rawRate : Number(String(rawRate));
  if (!(rate > 0 && rate <= 1))
    throw new Error(`context "${CONTEXT_KEYS.captureSampleRate}" must be a number above 0 and at most 1`);
  return rate;
}
