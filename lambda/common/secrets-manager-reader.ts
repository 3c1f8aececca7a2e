import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Fetches a secret's string value by id or ARN. */
export type SecretStringReader = (secretId: string) => Promise<string>;

type SecretsManagerApi = typeof import('@aws-sdk/client-secrets-manager');

/**
 * A SecretStringReader backed by Secrets Manager, shared by every function that reads a secret (the HTTP
 * variant's token, the partner credential, the feed's key). Create once per container and reuse. The SDK
 * module is imported on the first read, not with this module: an ES module bundle (the HTTP function's)
 * would otherwise import it at load, and a function that never reads a secret would pay for it.
 */
export function secretsManagerReader(client?: SecretsManagerClient): SecretStringReader {
  let connection: Promise<{ api: SecretsManagerApi; client: SecretsManagerClient }> | undefined;
  const connect = (): Promise<{ api: SecretsManagerApi; client: SecretsManagerClient }> => {
    const loading = (connection ??= import('@aws-sdk/client-secrets-manager').then((api) => ({
      api,
      client: client ?? new api.SecretsManagerClient({}),
    })));
    // A module that failed to load is tried again by the next read.
    loading.catch(() => {
      if (connection === loading) connection = undefined;
    });
    return loading;
  };
  return async (secretId) => {
    const { api, client: secrets } = await connect();
    const answer = await secrets.send(new api.GetSecretValueCommand({ SecretId: secretId }));
    if (answer.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
    return answer.SecretString;
  };
}
