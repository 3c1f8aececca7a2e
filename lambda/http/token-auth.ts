import { createHash, timingSafeEqual } from 'node:crypto';

/** What an `Authorization` header holds, as far as mParticle's Token scheme is concerned. */
export type PresentedCredential =
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'token'; readonly token: string };

/** Why a call was refused: the values of the `reason` field in the RejectedAuth log line. */
export type RejectionReason = 'missing' | 'malformed' | 'mismatch';

const TOKEN_HEADER = /^Token[ \t]+(\S+)[ \t]*$/i;

/** Reads `Authorization: Token <token>` (scheme case-insensitive, RFC 9110 §11.1). Anything else is malformed. */
export function readAuthorization(header: string | undefined): PresentedCredential {
  if (header === undefined || header.trim() === '') return { kind: 'missing' };
  const token = TOKEN_HEADER.exec(header.trim())?.[1];
  return token === undefined ? { kind: 'malformed' } : { kind: 'token', token };
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The tokens valid right now: one, or two while mParticle moves from the previous token to the current
 * one. Kept as SHA-256 digests so every comparison is between equal-length buffers (timingSafeEqual needs
 * that, and a length check would leak the token's length); every token is compared, no early exit.
 */
export class TokenSet {
  private readonly digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = [...new Set(tokens)].map(digest);
  }

  get size(): number {
    return this.digests.length;
  }

  matches(presented: string): boolean {
    const candidate = digest(presented);
    let match = false;
    for (const known of this.digests) match = timingSafeEqual(known, candidate) || match;
    return match;
  }
}
