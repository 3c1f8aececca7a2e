/**
 * Parsers for the catalogue's variables (environment.ts). Errors name the variable, never its value
 * (a misplaced secret must not reach a log), except the number readers' (a number is no secret). No AWS imports.
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

/** `true` or `false` (any case, spaces around ignored); unset or empty: `undefined`; anything else throws. */
export function readBoolean(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new Error(`${name} must be true or false`);
}

/** A number from 0 to 1, or `fallback` when unset or empty. */
export function readFraction(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${name} must be a number from 0 to 1`);
  return value;
}

/** A TCP port (0 lets the system pick one), or `fallback` when unset or empty. */
export function readPort(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new Error(`${name} must be a port number`);
  return value;
}

/** A finite number, or `undefined` when unset or blank. (Numbers only, so the message may quote the value.) */
export function readOptionalNumber(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

/** A whole number, or `undefined` when unset or blank. */
export function readOptionalInteger(env: Env, name: string): number | undefined {
  const value = readOptionalNumber(env, name);
  if (value !== undefined && !Number.isInteger(value))
    throw new Error(`${name} must be an integer, got "${env[name]}"`);
  return value;
}

/** `value` when above 0 (a read setting or its default); otherwise throws naming the variable. */
export function checkPositive(value: number, name: string): number {
  if (!(value > 0)) throw new Error(`${name} must be positive, got ${value}`);
  return value;
}
