import { TokenSet } from './token-auth';
import { TOKEN_ENV } from '../config/environment';
import { parseTokenList, parseTokenSecret } from './token-secret';
import { TokenSourceUnavailableError } from './errors';
import type { Env } from '../config/env-readers';

/** Where the valid tokens come from. Implementations cache; the token check asks on every call. */
export interface TokenSource {
  /** The tokens valid now. Throws TokenSourceUnavailableError when there are none to be had. */
  current(): Promise<TokenSet>;
  /**
   * After a presented token did not match: the tokens re-read from their origin, if a re-read is due, so a
   * rotation takes effect at once instead of after the cache's lifetime. `undefined` when nothing was re-read.
   */
  refreshAfterMismatch(): Promise<TokenSet | undefined>;
}

/** Fixed tokens (TOKEN_ENV.tokens, tests). */
export function staticTokenSource(tokens: readonly string[]): TokenSource {
  const set = new TokenSet(tokens);
  return {
    current: async () => {
      if (set.size === 0)
        throw new TokenSourceUnavailableError(
          `no Firehose token is configured: set ${TOKEN_ENV.secretArn} or ${TOKEN_ENV.tokens}`,
        );
      return set;
    },
    refreshAfterMismatch: async () => undefined,
  };
}

export interface SecretTokenSourceOptions {
  /** Reads the secret's string value (Secrets Manager in AWS; a stand-in in tests). */
  readonly readSecret: () => Promise<string>;
  /** How long a read stays valid. @default 5 minutes */
  readonly ttlMs?: number;
  /**
   * The least time between two reads caused by mismatching tokens or by failures. Bounds what a caller
   * sending wrong tokens can cost in Secrets Manager calls. @default 10 seconds
   */
  readonly minRereadIntervalMs?: number;
  /** Told when a read fails while older tokens are kept in use. */
  readonly onStaleKept?: (error: unknown) => void;
  readonly now?: () => number;
}

export const TOKEN_CACHE_TTL_MS = 5 * 60_000;
export const TOKEN_MIN_REREAD_MS = 10_000;

/**
 * Tokens from a secret, cached per container for `ttlMs` so a rotation reaches every container within
 * minutes, re-read early after a mismatch, shared by concurrent callers (one read in flight at a time).
 * A failed read keeps the previous tokens; with none, it throws TokenSourceUnavailableError.
 */
export function cachedSecretTokenSource(options: SecretTokenSourceOptions): TokenSource {
  const ttlMs = options.ttlMs ?? TOKEN_CACHE_TTL_MS;
  const minRereadMs = options.minRereadIntervalMs ?? TOKEN_MIN_REREAD_MS;
  const now = options.now ?? Date.now;
  let cached: { set: TokenSet; validUntil: number } | undefined;
  let lastReadAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<TokenSet> | undefined;

  const read = async (): Promise<TokenSet> => {
    lastReadAt = now();
    try {
      const set = new TokenSet(parseTokenSecret(await options.readSecret()));
      cached = { set, validUntil: now() + ttlMs };
      return set;
    } catch (error) {
      if (!cached) throw new TokenSourceUnavailableError('the Firehose token secret could not be read', error);
      // Keep answering with the tokens we had; try again no sooner than the re-read interval.
      options.onStaleKept?.(error);
      cached = { set: cached.set, validUntil: now() + minRereadMs };
      return cached.set;
    }
  };
  const readOnce = (): Promise<TokenSet> => {
    inFlight ??= read().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  return {
    async current() {
      if (cached && now() < cached.validUntil) return cached.set;
      return readOnce();
    },
    async refreshAfterMismatch() {
      if (inFlight) return inFlight;
      if (now() - lastReadAt < minRereadMs) return undefined;
      return readOnce();
    },
  };
}

/**
 * The token source the environment describes: the secret named by TOKEN_ENV.secretArn (it wins),
 * else TOKEN_ENV.tokens, else none: every call that needs a token is then answered 503 (retried by mParticle),
 * registration still works.
 */
export function tokenSourceFromEnv(
  env: Env,
  options: { readSecret?: (secretArn: string) => Promise<string>; onStaleKept?: (error: unknown) => void } = {},
): TokenSource {
  const secretArn = env[TOKEN_ENV.secretArn]?.trim();
  if (secretArn) {
    const readSecret = options.readSecret ?? readSecretsManagerSecret;
    return cachedSecretTokenSource({
      readSecret: () => readSecret(secretArn),
      ...(options.onStaleKept ? { onStaleKept: options.onStaleKept } : {}),
    });
  }
  return staticTokenSource(parseTokenList(env[TOKEN_ENV.tokens] ?? '', TOKEN_ENV.tokens));
}

let secretsManager: Promise<(secretId: string) => Promise<string>> | undefined;

/**
 * Secrets Manager, loaded on first use: the SDK client is imported and built once per container, only by
 * the first call that needs a token (registration and local runs never load it).
 */
async function readSecretsManagerSecret(secretArn: string): Promise<string> {
  secretsManager ??= import('../common/secrets-manager-reader').then(
    ({ secretsManagerReader }) => secretsManagerReader(),
    (error: unknown) => {
      secretsManager = undefined; // a failed load is tried again by the next call, not cached
      throw error;
    },
  );
  const readSecret = await secretsManager;
  return readSecret(secretArn);
}
