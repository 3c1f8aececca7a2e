import { randomUUID } from 'node:crypto';
import { FIREHOSE_VERSION } from '../lambda/firehose';
import { CERTIFY_ACCOUNT_ID, type Json } from './messages';

/**
 * Input mParticle's side could get wrong, one kind each (docs/firehose-protocol.md, "Tolerance"). The answer
 * must be a refusal (Lambda FunctionError, or HTTP 400) naming `field`, with no stack trace, and never
 * repeating the planted canary: a made-up secret in the account settings and in the faulty value itself.
 */
export interface BadInput {
  readonly name: string;
  /** The payload text exactly as sent. */
  readonly text: string;
  /** What the refusal must name: a field path, or for a root-level fault the words that say what is wrong. */
  readonly field: string;
  /** Only over HTTP: Lambda refuses a non-JSON payload itself, before the function runs. */
  readonly httpOnly?: boolean;
}

export function badInputs(canary: string): BadInput[] {
  const account = { account_id: CERTIFY_ACCOUNT_ID, account_settings: { apiKey: canary } };
  const base = (type: string, extra: Json = {}): Json => ({
    type,
    id: randomUUID(),
    timestamp_ms: Date.now(),
    firehose_version: FIREHOSE_VERSION,
    account,
    ...extra,
  });
  const events = (extra: Json): Json => base('event_processing_request', extra);
  const membership = (extra: Json): Json => base('audience_membership_change_request', extra);
  const withoutKey = (value: Json, key: string): Json =>
    Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
  const json = (name: string, value: unknown, field: string): BadInput => ({
    name: `bad input: ${name}`,
    text: JSON.stringify(value),
    field,
  });

  return [
    {
      name: 'bad input: not JSON',
      text: `{"type":"event_processing_request","account":{"account_settings":{"apiKey":"${canary}"`,
      field: 'JSON',
      httpOnly: true,
    },
    json('an array, not an object', [account], 'object'),
    json('no type', withoutKey(events({ events: [] }), 'type'), 'type'),
    json('type not a string', { ...events({ events: [] }), type: 42 }, 'type'),
    // The unknown type is a fixed word: the kit may quote an unknown type back, so the canary stays out of it.
    json('unknown type', base('certify_unknown_request'), 'type'),
    json('a response type sent as a request', base('event_processing_response'), 'type'),
    json('no id', withoutKey(events({ events: [] }), 'id'), 'id'),
    json('events not an array', events({ events: canary }), 'events'),
    json('an event not an object', events({ events: [canary] }), 'events[0]'),
    json('an event without type', events({ events: [{ id: canary }] }), 'events[0].type'),
    json(
      'an event field of the wrong type',
      events({ events: [{ type: 'custom_event', timestamp_ms: canary }] }),
      'events[0].timestamp_ms',
    ),
    json(
      'account_id not a number',
      { ...events({ events: [] }), account: { account_id: canary, account_settings: { apiKey: canary } } },
      'account.account_id',
    ),
    json('user_profiles not an array', membership({ user_profiles: canary }), 'user_profiles'),
    json(
      'audiences not an array',
      membership({ user_profiles: [{ mpid: '0', audiences: canary }] }),
      'user_profiles[0].audiences',
    ),
  ];
}
