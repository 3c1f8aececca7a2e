import { parseJson, stringifyJson } from '../firehose/json';
import { allAccountSettings, type ModuleRegistration, type Setting } from '../firehose/registration';
import { isSecretKey } from '../observability/redact';

/**
 * A Firehose request as it may be stored: every confidential setting removed. Settings the registration
 * declares confidential (account, connection and subscription settings alike) go, and so does any setting
 * whose id looks like a credential (`apiKey`, `token`, …), so a setting added without the flag is not
 * captured either. Every block named `…_settings` is stripped, wherever it sits (account settings, the
 * current and previous subscription settings, each audience of a membership change, and any block a newer
 * Firehose version adds). Everything else is kept exactly, 64-bit integers included.
 */
export function stripConfidential(raw: string, confidentialIds: ReadonlySet<string>): string {
  const value = parseJson(raw);
  if (!isObject(value)) return raw;
  stripSettingsBlocks(value, confidentialIds);
  return stringifyJson(value);
}

/** Ids declared confidential in any settings block of the registration, subscription settings included. */
export function capturedConfidentialIds(registration: ModuleRegistration): ReadonlySet<string> {
  const declared: Setting[] = [
    ...allAccountSettings(registration),
    ...(registration.audience_processing_registration?.audience_subscription_settings ?? []),
  ];
  return new Set(declared.filter((s) => s.type === 'text' && s.confidential).map((s) => s.id));
}

function stripSettingsBlocks(node: unknown, confidentialIds: ReadonlySet<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) stripSettingsBlocks(item, confidentialIds);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, child] of Object.entries(node)) {
    if (key.endsWith('_settings') && isObject(child)) {
      for (const id of Object.keys(child)) if (confidentialIds.has(id) || isSecretKey(id)) delete child[id];
    } else {
      stripSettingsBlocks(child, confidentialIds);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
