import type { KMSClient } from '@aws-sdk/client-kms';
import type { DataKey, KeySource } from './secret-box';
import { SealedSecretsUnreadableError } from './errors';
import { SEALING_ENCRYPTION_CONTEXT } from './infrastructure';

/**
 * Data keys from AWS KMS. The ingress calls GenerateDataKey once per container and reuses the key for a
 * bounded time; the worker calls Decrypt once per distinct encrypted key and caches the answer.
 * The SDK client is loaded lazily, so a function that never seals pays nothing for it at cold start.
 * Both calls carry SEALING_ENCRYPTION_CONTEXT, which the functions' IAM permissions require.
 */
export function kmsKeySource(
  keyId: string,
  /** `api`: how the SDK module is loaded (create-delivery.ts can load it during init); @default import() on first use */
  options: { maxAgeMs?: number; client?: KMSClient; api?: () => Promise<typeof import('@aws-sdk/client-kms')> } = {},
): KeySource {
  const maxAgeMs = options.maxAgeMs ?? 15 * 60_000;
  let client: Promise<KMSClient> | undefined = options.client ? Promise.resolve(options.client) : undefined;
  let current: { key: Promise<DataKey>; created: number } | undefined;
  const decrypted = new Map<string, Promise<Buffer>>();
  const api = options.api ?? (() => import('@aws-sdk/client-kms'));

  const kms = (): Promise<KMSClient> => (client ??= api().then(({ KMSClient: Client }) => new Client({})));

  return {
    dataKey() {
      if (!current || Date.now() - current.created > maxAgeMs) {
        const key = kms().then(async (c) => {
          const { GenerateDataKeyCommand } = await api();
          const out = await c.send(
            new GenerateDataKeyCommand({
              KeyId: keyId,
              KeySpec: 'AES_256',
              EncryptionContext: { ...SEALING_ENCRYPTION_CONTEXT },
            }),
          );
          if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
          return {
            plaintext: Buffer.from(out.Plaintext),
            encrypted: Buffer.from(out.CiphertextBlob).toString('base64'),
          };
        });
        current = { key, created: Date.now() };
        // A failed request must not be cached: the next call tries again.
        key.catch(() => (current = undefined));
      }
      return current.key;
    },
    decryptDataKey(encrypted) {
      let key = decrypted.get(encrypted);
      if (!key) {
        key = kms().then(async (c) => {
          const { DecryptCommand, InvalidCiphertextException } = await api();
          const out = await c
            .send(
              new DecryptCommand({
                CiphertextBlob: Buffer.from(encrypted, 'base64'),
                KeyId: keyId,
                EncryptionContext: { ...SEALING_ENCRYPTION_CONTEXT },
              }),
            )
            .catch((error: unknown) => {
              // KMS refuses an altered data key (or another context) for good; anything else may be an outage.
              throw error instanceof InvalidCiphertextException ? new SealedSecretsUnreadableError(error) : error;
            });
          if (!out.Plaintext) throw new Error('KMS returned no plaintext');
          return Buffer.from(out.Plaintext);
        });
        if (decrypted.size > 100) decrypted.clear();
        decrypted.set(encrypted, key);
        key.catch(() => decrypted.delete(encrypted));
      }
      return key;
    },
  };
}
