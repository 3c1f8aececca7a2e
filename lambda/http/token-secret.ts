import { TokenConfigError } from './errors';
/**
 * The two ways tokens are written down. In Secrets Manager: the token itself, or during a rotation
 * `{"current":"…","previous":"…"}` so both are accepted while mParticle switches over. Locally:
 * TOKEN_ENV.tokens, comma-separated, at most two. Errors name the problem, never a value.
 */

export function parseTokenSecret(secretString: string): string[] {
  // Trimmed: `put-secret-value --secret-string file://token.txt` keeps the file's trailing newline.
  const text = secretString.trim();
  if (text === '') throw new TokenConfigError('the token secret is empty');
  // A token never starts with a bracket; a secret that does is JSON (an array is a mistake, said so below).
  if (!text.startsWith('{') && !text.startsWith('[')) return [text];

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    // Not quoted: the parser's message repeats part of the secret.
    throw new TokenConfigError('the token secret starts like JSON but is not valid JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenConfigError('the token secret must be a token or a JSON object {"current", "previous"}');
  }
  const { current, previous } = value as Record<string, unknown>;
  if (typeof current !== 'string' || current.trim() === '') {
    throw new TokenConfigError('the token secret\'s "current" must be a non-empty string');
  }
  if (previous !== undefined && previous !== null && typeof previous !== 'string') {
    throw new TokenConfigError('the token secret\'s "previous" must be a string when present');
  }
  const tokens = [current.trim()];
  if (typeof previous === 'string' && previous.trim() !== '') tokens.push(previous.trim());
  return tokens;
}

export function parseTokenList(value: string, variable: string): string[] {
  const tokens = value
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
  if (tokens.length > 2)
    throw new TokenConfigError(`${variable} holds at most two tokens (current and previous), got ${tokens.length}`);
  return tokens;
}
