import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Fetches a secret's string value by id or ARN. */
export type SecretStringReader = (secretId: string) => Promise<string>;

/**
 * A SecretStringReader backed by Secrets Manager, shared by every function that reads a secret (the HTTP
 * variant's token, the partner credential, the feed's key). Create once per container and reuse; callers
 * import this module lazily, so a function that never reads a secret never loads the SDK client.
 */
export function secretsManagerReader(client: SecretsManagerClient = new SecretsManagerClient({})): SecretStringReader {
  return async (secretId) => {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (answer.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
    return answer.SecretString;
  };
}
