import { FeedCredentials, parseFeedSecret } from './feed-credentials';
import { FEED_ENV } from '../config/environment';

/** Fetches a secret's string value; the Secrets Manager implementation lives in secrets-manager-reader.ts. */
export type SecretStringReader = (secretId: string) => Promise<string>;

/** Reads FEED_ENV's secretArn, apiKey and apiSecret. */
export type CredentialsEnv = Readonly<Record<string, string | undefined>>;

/**
 * In AWS the key and secret come from the secret named by FEED_ENV.secretArn; locally from
 * FEED_ENV.apiKey and FEED_ENV.apiSecret. The secret wins when both are set.
 */
export async function loadFeedCredentials(
  env: CredentialsEnv,
  readSecret: SecretStringReader,
): Promise<FeedCredentials> {
  const secretArn = env[FEED_ENV.secretArn]?.trim();
  if (secretArn) {
    let secretString: string;
    try {
      secretString = await readSecret(secretArn);
    } catch (cause) {
      throw new Error(`could not read secret ${secretArn}`, { cause });
    }
    return parseFeedSecret(secretString, secretArn);
  }
  const apiKey = env[FEED_ENV.apiKey] ?? '';
  const apiSecret = env[FEED_ENV.apiSecret] ?? '';
  if (apiKey.trim() === '' || apiSecret.trim() === '') {
    throw new Error(
      `no mParticle credentials: set ${FEED_ENV.apiKey} and ${FEED_ENV.apiSecret}, or ${FEED_ENV.secretArn}`,
    );
  }
  return new FeedCredentials(apiKey, apiSecret);
}
