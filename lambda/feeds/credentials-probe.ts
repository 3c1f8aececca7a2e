import type { HttpClient } from '../common/http-client';
import { HttpTransportError } from '../common/http-client';
import { eventsApiUrl } from './events-api-endpoint';
import type { FeedCredentials } from './feed-credentials';

export type ProbeVerdict =
  | { readonly kind: 'accepted'; readonly status: number }
  | { readonly kind: 'refused'; readonly status: number }
  | { readonly kind: 'unknown'; readonly message: string };

/**
 * Checks a customer's key and secret against their endpoint with an empty bulk request (`[]`): it carries no
 * batch, so nothing is ingested. 401/403 mean the credentials are refused; any other answer past
 * authentication (202, or 400 for the empty body) means they were accepted.
 */
export async function probeCredentials(
  http: HttpClient,
  baseUrl: URL,
  credentials: FeedCredentials,
  timeoutMs = 10_000,
): Promise<ProbeVerdict> {
  const url = eventsApiUrl(baseUrl, 'bulkevents');
  try {
    const answer = await http.request({
      method: 'POST',
      url,
      headers: { authorization: credentials.authorization(), 'content-type': 'application/json' },
      body: '[]',
      deadlineMs: timeoutMs,
    });
    if (answer.status === 401 || answer.status === 403) return { kind: 'refused', status: answer.status };
    if ((answer.status >= 200 && answer.status < 300) || answer.status === 400)
      return { kind: 'accepted', status: answer.status };
    return { kind: 'unknown', message: `${url.origin}${url.pathname} answered ${answer.status}` };
  } catch (error) {
    if (error instanceof HttpTransportError) return { kind: 'unknown', message: error.message };
    throw error;
  }
}
