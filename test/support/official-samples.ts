import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readWithSource, writeWithSource } from './source-oracle';

/** mParticle's own 3.2.0 sample messages (test/fixtures/official/), and helpers to mutate and compare them. */

export type OfficialSample =
  | 'EventProcessingRequest_android'
  | 'EventProcessingRequest_ios'
  | 'AudienceSubscriptionRequest'
  | 'AudienceMembershipChangeRequest'
  | 'DsrProcessingRequest';

export function officialSample(name: OfficialSample): Record<string, unknown> {
  const file = path.join(__dirname, '../fixtures/official', `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The model's `Map<String, String>` fields. */
export const STRING_MAP_FIELDS = new Set([
  'user_attributes',
  'attributes',
  'custom_flags',
  'integration_attributes',
  'account_settings',
  'audience_subscription_settings',
  'previous_audience_subscription_settings',
]);

/** The model's `BigDecimal` fields. */
export const DECIMAL_FIELDS = new Set(['price', 'quantity', 'total_amount', 'tax_amount', 'shipping_amount']);

/** Every object held under one of `names` (string maps), found anywhere in the tree. */
export function objectsUnder(
  value: unknown,
  names: ReadonlySet<string>,
  out: Record<string, unknown>[] = [],
): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const item of value) objectsUnder(item, names, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (names.has(key) && child !== null && typeof child === 'object' && !Array.isArray(child))
        out.push(child as Record<string, unknown>);
      objectsUnder(child, names, out);
    }
  }
  return out;
}

/** Every `[holder, key]` whose key is one of `names` and whose value is a number. */
export function numberFields(
  value: unknown,
  names: ReadonlySet<string>,
  out: [Record<string, unknown>, string][] = [],
): [Record<string, unknown>, string][] {
  if (Array.isArray(value)) for (const item of value) numberFields(item, names, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (names.has(key) && typeof child === 'number') out.push([value as Record<string, unknown>, key]);
      numberFields(child, names, out);
    }
  }
  return out;
}

/**
 * JSON text as mParticle would send it, with `bigint`s written as plain digits. Independent of the kit's
 * own serializer: each bigint becomes a placeholder string first, then its digits.
 */
export function wireText(value: unknown): string {
  const digits: string[] = [];
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'bigint' ? `@@big${digits.push(v.toString()) - 1}@@` : v),
    2,
  );
  return text.replace(/"@@big(\d+)@@"/g, (_m, i: string) => digits[Number(i)] as string);
}

/** Canonical text of a JSON fragment with every number written as its source text, for comparing. */
export function canonical(value: unknown): string {
  return value === undefined ? 'undefined' : writeWithSource(value);
}

/** Reads JSON keeping every number's source text (source-oracle.ts), independent of the kit's reader. */
export function readLossless(text: string): Record<string, unknown> {
  return readWithSource(text) as Record<string, unknown>;
}
