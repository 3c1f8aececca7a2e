import { requiredStringSetting } from '../firehose';
import { API_KEY_SETTING } from './registration';

/** The Example Webhook authenticates each customer with their own key, as a bearer token. */
export function authHeaders(secrets: Readonly<Record<string, string>>): Record<string, string> {
  return { authorization: `Bearer ${requiredStringSetting(secrets, API_KEY_SETTING)}` };
}
