import type { SecretStringReader } from '../common/secrets-manager-reader';
import { PartnerCredentialUnavailableError } from './errors';
import { DELIVERY_ENV } from '../config/environment';
import type { Env } from '../config/env-readers';

/**
 * The partner-level credential: how the kit authenticates a call that carries no customer settings (an
 * mParticle DSR request has no `account`, so no customer key). Resolved only when an integration asks for
 * it, so functions and calls that never need it never read a secret.
 */
export type PartnerCredential = () => Promise<string>;

/** How long a value read from Secrets Manager is used before it is read again (a rotation reaches every container). */
export const PARTNER_CREDENTIAL_TTL_MS = 5 * 60_000;

/** For integrations that were given no credential at all (e.g. tests of the core). */
export const noPartnerCredential: PartnerCredential = () =>
  Promise.reject(
    new PartnerCredentialUnavailableError(
      `no partner credential is configured: set ${DELIVERY_ENV.partnerCredentialSecretArn} or ${DELIVERY_ENV.partnerCredential}`,
    ),
  );

/**
 * The credential the environment names: the secret at DELIVERY_ENV.partnerCredentialSecretArn (it wins), read on
 * first use, cached per container for PARTNER_CREDENTIAL_TTL_MS and shared by concurrent callers (a failed
 * re-read keeps the value it had); else DELIVERY_ENV.partnerCredential (local runs, tests); else none.
 */
export function partnerCredentialFromEnv(
  env: Env,
  options: { readSecret?: SecretStringReader; now?: () => number } = {},
): PartnerCredential {
  const secretArn = env[DELIVERY_ENV.partnerCredentialSecretArn]?.trim();
  if (secretArn)
    return cachedSecretCredential(secretArn, options.readSecret ?? readWithSecretsManager, options.now ?? Date.now);
  const local = env[DELIVERY_ENV.partnerCredential]?.trim();
  if (local) return () => Promise.resolve(local);
  return noPartnerCredential;
}

function cachedSecretCredential(
  secretArn: string,
  readSecret: SecretStringReader,
  now: () => number,
): PartnerCredential {
  let cached: { value: string; validUntil: number } | undefined;
  let inFlight: Promise<string> | undefined;
  const read = async (): Promise<string> => {
    try {
      const value = (await readSecret(secretArn)).trim();
      if (value === '') throw new Error('the secret is empty');
      cached = { value, validUntil: now() + PARTNER_CREDENTIAL_TTL_MS };
      return value;
    } catch (error) {
      if (cached) {
        // Keep using what was read before; try again no sooner than in ten seconds.
        cached = { value: cached.value, validUntil: now() + 10_000 };
        return cached.value;
      }
      // The ARN is not secret; the value never appears in an error.
      throw new PartnerCredentialUnavailableError(
        `the partner credential secret ${secretArn} could not be read`,
        error,
      );
    }
  };
  return async () => {
    if (cached && now() < cached.validUntil) return cached.value;
    inFlight ??= read().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

let secretsManager: Promise<SecretStringReader> | undefined;

/** Secrets Manager, imported and built on the first read only (a failed import is retried by the next). */
async function readWithSecretsManager(secretId: string): Promise<string> {
  secretsManager ??= import('../common/secrets-manager-reader').then(
    ({ secretsManagerReader }) => secretsManagerReader(),
    (error: unknown) => {
      secretsManager = undefined;
      throw error;
    },
  );
  return (await secretsManager)(secretId);
}
