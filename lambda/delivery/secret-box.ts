import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { stringifyJson } from '../firehose/json';
import { DELIVERY_ENV } from '../config/environment';
import { SealedSecretsUnreadableError } from './errors';

/**
 * Envelope encryption of confidential settings inside queue messages (AES-256-GCM, node:crypto).
 * A data key comes from a KeySource (KMS in AWS, an env var locally), is cached per container, and travels
 * encrypted beside the ciphertext, so the worker can ask KMS to decrypt it. Queue bodies, DLQ copies and
 * redrive output therefore never hold a secret in clear. Each sealed blob is bound to its call (AES-GCM
 * additional authenticated data, `sealedFor`): moved into another queue message it does not open.
 */

export interface DataKey {
  readonly plaintext: Buffer;
  /** The data key encrypted under the master key, base64; opaque to this module. */
  readonly encrypted: string;
}

export interface KeySource {
  /** A data key to encrypt with; may be cached. */
  dataKey(): Promise<DataKey>;
  /** The plaintext of a data key this source (or its twin in another function) produced. */
  decryptDataKey(encrypted: string): Promise<Buffer>;
}

/** What a queue message carries instead of the secrets. */
export interface SealedSecrets {
  readonly key: string;
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

/** The call a sealed blob belongs to: the fields of its queue message that say whose call it is. */
export interface SealedFor {
  readonly requestType: string;
  readonly accountId?: number | undefined;
  readonly path: string;
  readonly idempotencyKey: string;
}

/** The additional authenticated data of a blob: its call, in a fixed, unambiguous form. */
function binding(call: SealedFor): Buffer {
  return Buffer.from(
    JSON.stringify(['sealed-for/1', call.requestType, call.accountId ?? null, call.path, call.idempotencyKey]),
    'utf8',
  );
}

export class SecretBox {
  constructor(private readonly keys: KeySource) {}

  async seal(secrets: Readonly<Record<string, string>>, call: SealedFor): Promise<SealedSecrets> {
    const key = await this.keys.dataKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv);
    cipher.setAAD(binding(call));
    const data = Buffer.concat([cipher.update(stringifyJson(secrets), 'utf8'), cipher.final()]);
    return {
      key: key.encrypted,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  /**
   * Opens a blob sealed for `call`. A blob sealed before blobs were bound (no additional data) is still
   * read, so messages queued or parked before the upgrade are delivered: binding only adds a check, and a
   * bound blob never opens without its call's data, so the fallback cannot unbind one.
   */
  async open(sealed: SealedSecrets, call: SealedFor): Promise<Record<string, string>> {
    const key = await this.keys.decryptDataKey(sealed.key);
    let failure: unknown;
    for (const aad of [binding(call), undefined]) {
      try {
        return decrypt(key, sealed, aad);
      } catch (error) {
        failure ??= error;
      }
    }
    // The same bytes fail the same way every time: GCM's tag check refused them, or they were never ours.
    throw new SealedSecretsUnreadableError(failure);
  }
}

function decrypt(key: Buffer, sealed: SealedSecrets, aad: Buffer | undefined): Record<string, string> {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  const text = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  return JSON.parse(text) as Record<string, string>;
}

/** Local runs and tests: one 32-byte key from DELIVERY_ENV.localSealingKey (base64), used directly as the data key. */
export function localKeySource(base64Key: string): KeySource {
  const key = Buffer.from(base64Key, 'base64');
  if (key.length !== 32) throw new Error(`${DELIVERY_ENV.localSealingKey} must be 32 bytes, base64-encoded`);
  return {
    dataKey: async () => ({ plaintext: key, encrypted: 'local' }),
    decryptDataKey: async (encrypted) => {
      if (encrypted !== 'local') {
        // Sealed under KMS where only a local key is set: no retry will open it.
        throw new SealedSecretsUnreadableError(
          new Error('sealed with a KMS data key, but only a local key is configured'),
        );
      }
      return key;
    },
  };
}
