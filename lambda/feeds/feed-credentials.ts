import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * One customer's Events API key and secret. The values sit in private fields and the object
 * renders as redacted in logs, JSON and `console.log`, so a stray log line cannot leak them.
 */
export class FeedCredentials {
  readonly #apiKey: string;
  readonly #apiSecret: string;

  constructor(apiKey: string, apiSecret: string) {
    if (apiKey.trim() === '') throw new Error('the mParticle API key is empty');
    if (apiSecret.trim() === '') throw new Error('the mParticle API secret is empty');
    this.#apiKey = apiKey;
    this.#apiSecret = apiSecret;
  }

  /** `Authorization` header value: HTTP Basic with the key as user name and the secret as password. */
  authorization(): string {
    return `Basic ${Buffer.from(`${this.#apiKey}:${this.#apiSecret}`, 'utf8').toString('base64')}`;
  }

  /**
   * Which credentials these are, for keying progress by destination: a hash of the API key only, so it
   * changes when the customer's key does, and never reveals the secret (nor the key).
   */
  identity(): string {
    return `key-sha256:${createHash('sha256').update(`mparticle-events-api-key\n${this.#apiKey}`, 'utf8').digest('hex').slice(0, 16)}`;
  }

  toJSON(): string {
    return '[FeedCredentials redacted]';
  }

  toString(): string {
    return '[FeedCredentials redacted]';
  }

  [inspect.custom](): string {
    return '[FeedCredentials redacted]';
  }
}

/**
 * Reads the Secrets Manager secret's JSON, `{"apiKey":"…","apiSecret":"…"}`.
 * Messages name what is missing, never the values.
 */
export function parseFeedSecret(secretString: string, secretName: string): FeedCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // No cause attached: the parser's message quotes the text around the error, which may be the secret.
    throw new Error(`secret ${secretName} is not JSON; expected {"apiKey":"…","apiSecret":"…"}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`secret ${secretName} must be a JSON object {"apiKey":"…","apiSecret":"…"}`);
  }
  const record = parsed as Record<string, unknown>;
  const apiKey = record['apiKey'];
  const apiSecret = record['apiSecret'];
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new Error(`secret ${secretName} has no apiKey yet: store the customer's Events API key and secret in it`);
  }
  if (typeof apiSecret !== 'string' || apiSecret.trim() === '') {
    throw new Error(`secret ${secretName} has no apiSecret: store the customer's Events API key and secret in it`);
  }
  return new FeedCredentials(apiKey, apiSecret);
}
