import type { Account } from './schema/common';

/**
 * Reading account settings, whose values always arrive as strings (docs/firehose-protocol.md, "Envelope"), parsed the way the
 * Java SDK parses them. Errors name the setting id, never its value.
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

export function accountSettings(account: Account | undefined): Readonly<Record<string, string>> {
  return account?.account_settings ?? {};
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
