import type { AuthContext } from '../../../lambda/core/partner-integration';
import { requiredStringSetting } from '../../../lambda/firehose';
import { API_KEY_SETTING } from './registration';

/**
 * The kit tests' webhook authenticates each customer with their own key, as a bearer token. mParticle's DSR
 * requests may carry no `account` (its official sample has none), so an erasure without the customer's key
 * is sent with the partner's own credential instead; every other call needs the customer's key.
 */
export async function authHeaders({
  secrets,
  requestType,
  partnerCredential,
}: AuthContext): Promise<Record<string, string>> {
  const customerKey = secrets[API_KEY_SETTING];
  if (requestType === 'dsr_processing_request' && !customerKey)
    return { authorization: `Bearer ${await partnerCredential()}` };
  return { authorization: `Bearer ${requiredStringSetting(secrets, API_KEY_SETTING)}` };
}
