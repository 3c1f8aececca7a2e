import { accountSettings, confidentialSettingIds, type Account } from '../firehose';
import type { PartnerIntegration } from './partner-integration';

/** The confidential settings only: the rest of the account settings reach the mapping, not the transport. */
export function pickSecrets(
  account: Account | null | undefined,
  integration: PartnerIntegration,
): Record<string, string> {
  const settings = accountSettings(account);
  const secrets: Record<string, string> = {};
  for (const id of secretIds(integration)) {
    const value = settings[id];
    if (value !== undefined) secrets[id] = value;
  }
  return secrets;
}

const secretIdCache = new WeakMap<PartnerIntegration, ReadonlySet<string>>();
function secretIds(integration: PartnerIntegration): ReadonlySet<string> {
  let ids = secretIdCache.get(integration);
  if (!ids) secretIdCache.set(integration, (ids = confidentialSettingIds(integration.registration)));
  return ids;
}
