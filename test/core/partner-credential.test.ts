import { describe, expect, it } from 'vitest';
import {
  noPartnerCredential,
  PARTNER_CREDENTIAL_TTL_MS,
  partnerCredentialFromEnv,
} from '../../lambda/delivery/partner-credential';
import { SettingError } from '../../lambda/firehose/settings';
import { integration } from '../support/kit-integration';
import { isRetryable } from '../../lambda/common/errors';
import { SECRET_API_KEY } from '../support/factories';
import { PartnerCredentialUnavailableError } from '../../lambda/delivery/errors';
import { DELIVERY_ENV } from '../../lambda/config/environment';

const PARTNER_SECRET = 'pk_partner_level_9d1e77';
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:partner-credential-AbCdEf';

/** A stand-in for Secrets Manager that counts reads and can be made to fail. */
function secretStore(value = PARTNER_SECRET) {
  const store = { value, failing: false, reads: [] as string[] };
  const readSecret = async (secretId: string): Promise<string> => {
    store.reads.push(secretId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (store.failing) throw new Error('AccessDeniedException');
    return store.value;
  };
  return { store, readSecret };
}

describe('the default integration authenticates', () => {
  const credential = async () => PARTNER_SECRET;

  it('a DSR request without an account with the partner credential', async () => {
    const headers = await integration.authHeaders({
      secrets: {},
      requestType: 'dsr_processing_request',
      partnerCredential: credential,
    });
    expect(headers).toEqual({ authorization: `Bearer ${PARTNER_SECRET}` });
  });

  it('a DSR request that carries the customer key with that key', async () => {
    const headers = await integration.authHeaders({
      secrets: { apiKey: SECRET_API_KEY },
      requestType: 'dsr_processing_request',
      partnerCredential: credential,
    });
    expect(headers).toEqual({ authorization: `Bearer ${SECRET_API_KEY}` });
  });

  it('customer data only with the customer key: an event batch without it is a setting error, never the partner credential', async () => {
    const attempt = integration.authHeaders({
      secrets: {},
      requestType: 'event_processing_request',
      partnerCredential: credential,
    });
    await expect(Promise.resolve().then(() => attempt)).rejects.toBeInstanceOf(SettingError);
  });
});

describe('partnerCredentialFromEnv', () => {
  it('reads the secret once per container and shares the read between concurrent callers', async () => {
    // Prepare
    const { store, readSecret } = secretStore();
    const credential = partnerCredentialFromEnv({ [DELIVERY_ENV.partnerCredentialSecretArn]: ARN }, { readSecret });
    // Act
    const values = await Promise.all([credential(), credential(), credential()]);
    const later = await credential();
    // Assess
    expect([...values, later]).toEqual(Array(4).fill(PARTNER_SECRET));
    expect(store.reads).toEqual([ARN]);
  });

  it('re-reads after its time to live, and keeps the old value while the secret cannot be read', async () => {
    // Prepare
    let clock = 0;
    const { store, readSecret } = secretStore();
    const credential = partnerCredentialFromEnv(
      { [DELIVERY_ENV.partnerCredentialSecretArn]: ARN },
      { readSecret, now: () => clock },
    );
    await credential();
    // Act
    clock += PARTNER_CREDENTIAL_TTL_MS + 1;
    store.failing = true;
    const duringOutage = await credential();
    store.failing = false;
    store.value = 'pk_rotated';
    clock += PARTNER_CREDENTIAL_TTL_MS + 1;
    const afterRotation = await credential();
    // Assess
    expect(duringOutage).toBe(PARTNER_SECRET);
    expect(afterRotation).toBe('pk_rotated');
    expect(store.reads).toHaveLength(3);
  });

  it('fails retryably, naming the secret but never a value, when the first read fails; the next call tries again', async () => {
    const { store, readSecret } = secretStore();
    store.failing = true;
    const credential = partnerCredentialFromEnv({ [DELIVERY_ENV.partnerCredentialSecretArn]: ARN }, { readSecret });
    const error = await credential().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerCredentialUnavailableError);
    expect(isRetryable(error)).toBe(true);
    expect((error as Error).message).toBe(`the partner credential secret ${ARN} could not be read`);
    store.failing = false;
    expect(await credential()).toBe(PARTNER_SECRET);
  });

  it(`takes ${DELIVERY_ENV.partnerCredential} for local runs, the secret winning when both are set`, async () => {
    const { readSecret } = secretStore();
    expect(await partnerCredentialFromEnv({ [DELIVERY_ENV.partnerCredential]: 'pk_local' })()).toBe('pk_local');
    expect(
      await partnerCredentialFromEnv(
        { [DELIVERY_ENV.partnerCredential]: 'pk_local', [DELIVERY_ENV.partnerCredentialSecretArn]: ARN },
        { readSecret },
      )(),
    ).toBe(PARTNER_SECRET);
  });

  it('without either, fails retryably with the settings to set', async () => {
    await expect(partnerCredentialFromEnv({})()).rejects.toThrow(
      `no partner credential is configured: set ${DELIVERY_ENV.partnerCredentialSecretArn} or ${DELIVERY_ENV.partnerCredential}`,
    );
    expect(isRetryable(await noPartnerCredential().catch((e: unknown) => e))).toBe(true);
  });
});
