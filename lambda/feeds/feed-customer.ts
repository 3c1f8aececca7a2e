import { resolveEventsApiBaseUrl } from './events-api-endpoint';
import { type FeedCredentials, parseFeedSecret } from './feed-credentials';
import { checkHistoricalAfterDays, DEFAULT_HISTORICAL_AFTER_DAYS } from './feed-limits';
import { INCOMING_PREFIX } from './feed-bucket-layout';

/**
 * One mutual customer of a multi-customer feed (docs/feeds.md, "Many customers"): uploads under
 * `incoming/<customer>/…`, and one Secrets Manager secret `<prefix><customer>` holding
 * `{"apiKey","apiSecret","pod"}` (or `"baseUrl"` for local stand-ins) and optionally `"historicalAfterDays"`.
 */

/** Secrets live under this prefix unless the deployment names another; the function may read only it. */
export const DEFAULT_CUSTOMER_SECRET_PREFIX = 'mparticle-feed/customers/';

const CUSTOMER_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Lower-case letters, digits and hyphens, 1 to 63 characters: safe as an S3 path segment, a secret name and a metric dimension. */
export function checkCustomerName(name: string): string {
  if (!CUSTOMER_NAME.test(name)) {
    throw new Error(
      `customer name "${name.slice(0, 80)}" must be 1 to 63 lower-case letters, digits or hyphens, starting with a letter or digit`,
    );
  }
  return name;
}

/** Checks a secret prefix: non-empty, ending in `/` so one customer's name is never another's prefix. */
export function checkCustomerSecretPrefix(prefix: string): string {
  if (!/^[A-Za-z0-9/_+=.@-]+\/$/.test(prefix)) {
    throw new Error(`customer secret prefix "${prefix}" must be a Secrets Manager name path ending in "/"`);
  }
  return prefix;
}

export function customerSecretName(prefix: string, customer: string): string {
  return `${prefix}${checkCustomerName(customer)}`;
}

/** `incoming/acme/2025/a.ndjson` → `acme`; undefined when the key names no valid customer. */
export function customerOfKey(key: string): string | undefined {
  if (!key.startsWith(INCOMING_PREFIX)) return undefined;
  const rest = key.slice(INCOMING_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const name = rest.slice(0, slash);
  return CUSTOMER_NAME.test(name) ? name : undefined;
}

/** What a customer's secret says, read and checked. Credentials render redacted. */
export interface CustomerFeedConfig {
  readonly customer: string;
  readonly credentials: FeedCredentials;
  readonly baseUrl: URL;
  /** The pod when the secret names one (undefined for an explicit base URL or the partner URL). */
  readonly pod: string | undefined;
  readonly historicalAfterDays: number;
}

/** Reads a customer's secret JSON. Messages name the secret and the field, never a value. */
export function parseCustomerSecret(secretString: string, customer: string, secretName: string): CustomerFeedConfig {
  const credentials = parseFeedSecret(secretString, secretName);
  const record = JSON.parse(secretString) as Record<string, unknown>; // parseFeedSecret checked it is an object
  const text = (field: string): string | undefined => {
    const value = record[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`secret ${secretName}: ${field} must be a string`);
    return value;
  };
  const pod = text('pod');
  let baseUrl: URL;
  try {
    baseUrl = resolveEventsApiBaseUrl({ pod, baseUrl: text('baseUrl') });
  } catch (error) {
    throw new Error(`secret ${secretName}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const days = record['historicalAfterDays'];
  if (days !== undefined && typeof days !== 'number') {
    throw new Error(`secret ${secretName}: historicalAfterDays must be a number`);
  }
  return {
    customer,
    credentials,
    baseUrl,
    pod: pod?.toLowerCase(),
    historicalAfterDays: checkHistoricalAfterDays(days ?? DEFAULT_HISTORICAL_AFTER_DAYS),
  };
}
