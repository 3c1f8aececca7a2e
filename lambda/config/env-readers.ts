/**
 * Parsers for the catalogue's variables (environment.ts). Errors name the variable, never its value
 * (a misplaced secret must not reach a log). No AWS imports.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** A positive whole number, or `fallback` when unset or empty. */
export function readPositiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number`);
  return value;
}

/** `true` (any case) is true, anything else set is false; unset or empty: `fallback`. */
export function readFlag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  return raw === undefined || raw === '' ? fallback : raw === 'true';
}
