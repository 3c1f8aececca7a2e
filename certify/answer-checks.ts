import { FIREHOSE_VERSION } from '../lambda/firehose';
import type { Answer } from './types';

/**
 * What mParticle reads in every answer (docs/firehose-protocol.md, "Envelope" and "Message types"): the
 * response `type`, a fresh `id`, a current `timestamp_ms`, `firehose_version`, and the fields each kind
 * requires. Returns one line per problem; empty means the answer is right.
 */

/** How far `timestamp_ms` may be from this machine's clock (clock skew, slow networks). */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function checkResponse(
  answer: Answer,
  request: { readonly id?: unknown },
  responseType: string,
  now = Date.now(),
): string[] {
  if (answer.outcome !== 'ok') return [`expected a ${responseType}, got ${describeRefusal(answer)}`];
  const body = answer.body;
  if (!isObject(body)) return [`the answer is not a JSON object`];
  const problems: string[] = [];
  if (body['type'] !== responseType) problems.push(`type is ${quote(body['type'])}, expected "${responseType}"`);
  const id = body['id'];
  if (typeof id !== 'string' || id.trim() === '') problems.push('id is missing or not a string');
  else if (id === request.id) problems.push("id repeats the request's id; a response needs a fresh one");
  const timestamp = body['timestamp_ms'];
  if (typeof timestamp !== 'number' || !Number.isInteger(timestamp))
    problems.push('timestamp_ms is missing or not an integer of epoch milliseconds');
  else if (Math.abs(timestamp - now) > TIMESTAMP_TOLERANCE_MS)
    problems.push(`timestamp_ms is ${Math.round((timestamp - now) / 1000)} s away from now`);
  const version = body['firehose_version'];
  if (typeof version !== 'string') problems.push('firehose_version is missing');
  else if (version !== FIREHOSE_VERSION)
    problems.push(`firehose_version is "${version}", expected "${FIREHOSE_VERSION}"`);
  problems.push(...kindFields(body, responseType));
  return problems;
}

/** The fields a response kind requires beyond the envelope (SDK serializer: what it always writes). */
function kindFields(body: Record<string, unknown>, responseType: string): string[] {
  const problems: string[] = [];
  switch (responseType) {
    case 'module_registration_response':
      for (const key of ['name', 'version', 'sdk_version']) {
        if (typeof body[key] !== 'string' || (body[key] as string).trim() === '') problems.push(`${key} is missing`);
      }
      break;
    case 'audience_membership_change_response':
      if (typeof body['suspend_subscription'] !== 'boolean')
        problems.push('suspend_subscription must be true or false');
      break;
    case 'event_processing_response':
      if (body['suspend_subscription'] !== undefined && typeof body['suspend_subscription'] !== 'boolean') {
        problems.push('suspend_subscription must be a boolean when present');
      }
      break;
    case 'audience_subscription_response': {
      const settings = body['audience_subscription_settings'];
      if (
        settings !== undefined &&
        (!isObject(settings) || Object.values(settings).some((v) => typeof v !== 'string'))
      ) {
        problems.push('audience_subscription_settings must map setting ids to strings');
      }
      break;
    }
  }
  return problems;
}

export function describeRefusal(answer: Answer): string {
  if (answer.outcome === 'function-error') return `a function error: ${excerpt(errorText(answer))}`;
  if (answer.outcome === 'http-error') return `HTTP ${answer.status ?? '?'}: ${excerpt(errorText(answer))}`;
  if (answer.outcome === 'transport-error') return `no answer: ${excerpt(answer.text)}`;
  return 'a response';
}

/** The message a refusal carries: Lambda's `errorMessage`, the HTTP variant's `error`, or the raw text. */
export function errorText(answer: Answer): string {
  if (isObject(answer.body)) {
    for (const key of ['errorMessage', 'error', 'message']) {
      if (typeof answer.body[key] === 'string') return answer.body[key] as string;
    }
  }
  return answer.text;
}

export const excerpt = (text: string, max = 160): string => (text.length > max ? `${text.slice(0, max)}…` : text);
const quote = (value: unknown): string => (typeof value === 'string' ? `"${excerpt(value, 60)}"` : String(value));
