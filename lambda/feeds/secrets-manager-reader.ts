import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretStringReader } from './credentials-source';

/** A SecretStringReader backed by Secrets Manager. Create once per container and reuse. */
export function secretsManagerReader(client: SecretsManagerClient = new SecretsManagerClient({})): SecretStringReader {
  return async (secretId) => {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (answer.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
    return answer.SecretString;
  };
}
