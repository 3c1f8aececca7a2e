import type { Account } from './schema/common';

/**
 * Reading account settings, whose values arrive as strings (docs/firehose-protocol.md, "Envelope"), parsed
 * the way the Java SDK parses them. Errors name the setting id, never its value.
 */

export class SettingError extends Error {
  override readonly name = 'SettingError';
  constructor(
    readonly settingId: string,
    reason: string,
  ) {
    super(`account setting "${settingId}" ${reason}`);
  }
}

/**
 * The settings as strings, as the Java SDK reads them: Jackson turns a scalar into its text (`true` →
 * "true", `5` → "5"), and a `null` value is a setting that is not there. The request itself keeps the
 * values as they were sent.
 */
export function accountSettings(account: Account | null | undefined): Readonly<Record<string, string>> {
  const settings = account?.account_settings;
  if (!settings) return {};
  let out: Record<string, string> | undefined;
  for (const id in settings) {
    const value = settings[id];
    if (typeof value === 'string') {
      if (out) out[id] = value;
      continue;
    }
    // Copy on the first value that is not a string; all-string settings (the usual case) are used as they are.
    out ??= copyStrings(settings, id);
    if (value !== null && value !== undefined) out[id] = String(value);
  }
  return out ?? (settings as Record<string, string>);
}

function copyStrings(settings: Readonly<Record<string, unknown>>, upTo: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const id in settings) {
    if (id === upTo) break;
    out[id] = settings[id] as string;
  }
  return out;
}

/** The account id for logs, metrics and queue messages: a number when the wire value reads as one. */
export function accountIdOf(account: Account | null | undefined): number | undefined {
  const id = account?.account_id;
  const value =
    typeof id === 'number' ? id : typeof id === 'bigint' || typeof id === 'string' ? Number(id) : Number.NaN;
  return Number.isFinite(value) && (typeof id !== 'string' || id.trim() !== '') ? value : undefined;
}

export function stringSetting(settings: Readonly<Record<string, string>>, id: string): string | undefined {
  const value = settings[id];
  return value === undefined || value === '' ? undefined : value;
}

export function requiredStringSetting(settings: Readonly<Record<string, string>>, id: string): string {
  const value = stringSetting(settings, id);
  if (value === undefined) throw new SettingError(id, 'is required but missing');
  return value;
}

/** Java's Boolean.parseBoolean: "true" in any case is true, anything else false. */
export function booleanSetting(settings: Readonly<Record<string, string>>, id: string, fallback = false): boolean {
  const value = stringSetting(settings, id);
  return value === undefined ? fallback : value.toLowerCase() === 'true';
}

export function integerSetting(settings: Readonly<Record<string, string>>, id: string): number | undefined {
  const value = stringSetting(settings, id);
  if (value === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(value.trim())) throw new SettingError(id, 'is not a whole number');
  return Number(value.trim());
}

export function floatSetting(settings: Readonly<Record<string, string>>, id: string): number | undefined {
  const value = stringSetting(settings, id);
  if (value === undefined) return undefined;
  const parsed = Number(value.trim());
  if (value.trim() === '' || Number.isNaN(parsed)) throw new SettingError(id, 'is not a number');
  return parsed;
}
