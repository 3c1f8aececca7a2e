/**
 * The one place that keeps secrets out of output. Every logger uses `redactingReplacer`; error texts and
 * dead-letter attributes that may quote a partner's answer pass through `scrubSecrets`.
 */

export const REDACTED = '[redacted]';

/** Keys whose values are credentials wherever they appear (headers, settings, config). */
const SECRET_KEY = /authori[sz]ation|api[-_]?key|apikey|secret|token|password|passwd|credential|cookie/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A JSON.stringify replacer: masks values under secret-looking keys, and writes bigints as digits. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSecretKey(key) && value !== undefined && value !== null && value !== '') return REDACTED;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Replaces every occurrence of the given secret values in a text (e.g. a partner's error body). */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    // Short values would blank out ordinary words; real keys are longer than this.
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}
