import { parseJson, stringifyJson } from '../firehose/json';
import { isSecretKey } from '../observability/redact';

/**
 * A Firehose request as it may be stored: every confidential account setting removed. Settings the
 * registration declares confidential go, and so does any setting whose id looks like a credential
 * (`apiKey`, `token`, …), so a setting added to the registration without the flag is not captured either.
 * Everything else is kept exactly, 64-bit integers included (the lossless reader and writer).
 */
export function stripConfidential(raw: string, confidentialIds: ReadonlySet<string>): string {
  const value = parseJson(raw);
  if (!isObject(value)) return raw;
  const removeFrom = (settings: unknown): void => {
    if (!isObject(settings)) return;
    for (const id of Object.keys(settings)) {
      if (confidentialIds.has(id) || isSecretKey(id)) delete settings[id];
    }
  };
  const account = value['account'];
  if (isObject(account)) removeFrom(account['account_settings']);
  // Subscription settings travel on subscriptions and on every audience of a membership change.
  removeFrom(value['audience_subscription_settings']);
  const profiles = value['user_profiles'];
  if (Array.isArray(profiles)) {
    for (const profile of profiles) {
      const audiences = isObject(profile) ? profile['audiences'] : undefined;
      if (Array.isArray(audiences))
        for (const audience of audiences)
          if (isObject(audience)) removeFrom(audience['audience_subscription_settings']);
    }
  }
  return stringifyJson(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
