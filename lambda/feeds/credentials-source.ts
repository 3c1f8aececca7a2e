import { FeedCredentials, parseFeedSecret } from './feed-credentials';

/** Fetches a secret's string value; the Secrets Manager implementation lives in secrets-manager-reader.ts. */
export type SecretStringReader = (secretId: string) => Promise<string>;

export interface CredentialsEnv {
  readonly MPARTICLE_SECRET_ARN?: string | undefined;
  readonly MPARTICLE_API_KEY?: string | undefined;
  readonly MPARTICLE_API_SECRET?: string | undefined;
}

/**
 * In AWS the key and secret come from the secret named by MPARTICLE_SECRET_ARN; locally from
 * MPARTICLE_API_KEY and MPARTICLE_API_SECRET. The secret wins when both are set.
 */
export async function loadFeedCredentials(env: CredentialsEnv, readSecret: SecretStringReader): Promise<FeedCredentials> {
  const secretArn = env.MPARTICLE_SECRET_ARN?.trim();
  if (secretArn) {
    let secretString: string;
    try {
      secretString = await readSecret(secretArn);
    } catch (cause) {
      throw new Error(`could not read secret ${secretArn}`, { cause });
    }
    return parseFeedSecret(secretString, secretArn);
  }
  const apiKey = env.MPARTICLE_API_KEY ?? '';
  const apiSecret = env.MPARTICLE_API_SECRET ?? '';
  if (apiKey.trim() === '' || apiSecret.trim() === '') {
    throw new Error('no mParticle credentials: set MPARTICLE_API_KEY and MPARTICLE_API_SECRET, or MPARTICLE_SECRET_ARN');
  }
  return new FeedCredentials(apiKey, apiSecret);
}
