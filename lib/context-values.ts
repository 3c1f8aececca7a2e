/**
 * Readers for single CDK context values. `-c` values arrive as strings, cdk.json values as JSON, so every
 * reader accepts both; an empty value counts as unset.
 */

/** `-c` passes JSON as text; anything that does not parse stays the plain string it was. */
export function parseJsonString(raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') return raw;
  const text = raw.trim();
  if (!text.startsWith('[') && !text.startsWith('{')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`context value ${JSON.stringify(text)} is not valid JSON`);
  }
}

/** `-c regions=a,b`, `-c 'regions=["a","b"]'` and a JSON array all work. */
export function readStringList(raw: unknown, key: string): string[] | undefined {
  const value = parseJsonString(raw);
  if (value === undefined) return undefined;
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) {
    return value.map((item) => item.trim());
  }
  throw new Error(`context "${key}" must be a list of strings`);
}

export function readString(raw: unknown, key: string): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') throw new Error(`context "${key}" must be a string`);
  return raw.trim() === '' ? undefined : raw.trim();
}

export function readHttpsUrl(raw: unknown, key: string): string | undefined {
  const value = readString(raw, key);
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || new URL(value).protocol !== 'https:')
    throw new Error(`context "${key}" must be an https:// URL`);
  return value;
}

export function readBoolean(raw: unknown, key: string): boolean | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`context "${key}" must be true or false`);
}

export function readWholeNumber(raw: unknown, key: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`context "${key}" must be a whole number ≥ 0`);
  }
  return value;
}
