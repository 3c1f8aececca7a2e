import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, FIREHOSE_VERSION } from '../lambda/firehose';

/**
 * The messages certify sends. Every one is marked so a receiver can recognise and drop it:
 * `account.account_id` is CERTIFY_ACCOUNT_ID (0, which mParticle never assigns) and, where the protocol
 * has one, `source_id` starts with CERTIFY_SOURCE_PREFIX. Documented in docs/certify.md.
 */
export const CERTIFY_ACCOUNT_ID = 0;
export const CERTIFY_SOURCE_PREFIX = 'certify-';

export type Json = Record<string, unknown>;

/** One message with what its answer must be. */
export interface CertifyMessage {
  readonly name: string;
  readonly request: Json;
  /** The response `type` mParticle expects back. */
  readonly responseType: string;
}

export interface MessageContext {
  /** Marks this run (`certify-<runId>`), so the partner stand-in's deliveries can be matched. */
  readonly runId: string;
  /** Account settings to send (placeholders by default; only `--with-data` reaches the partner with them). */
  readonly accountSettings: Readonly<Record<string, string>>;
}

const responseTypeOf = (requestType: string): string => requestType.replace(/_request$/, '_response');

function envelope(type: string): Json {
  return { type, id: randomUUID(), timestamp_ms: Date.now(), firehose_version: FIREHOSE_VERSION };
}

function account(context: MessageContext): Json {
  return { account_id: CERTIFY_ACCOUNT_ID, account_settings: { ...context.accountSettings } };
}

function message(name: string, request: Json): CertifyMessage {
  return { name, request, responseType: responseTypeOf(String(request['type'])) };
}

export function registrationRequest(): CertifyMessage {
  return message('registration', envelope('module_registration_request'));
}

export function eventBatch(context: MessageContext, events: Json[] | undefined): Json {
  const batch: Json = {
    ...envelope('event_processing_request'),
    source_id: `${CERTIFY_SOURCE_PREFIX}${context.runId}`,
    account: account(context),
    mpid: '0',
  };
  if (events !== undefined) batch['events'] = events;
  return batch;
}

export function membershipChange(context: MessageContext, profiles: Json[] | undefined): Json {
  const request: Json = { ...envelope('audience_membership_change_request'), account: account(context) };
  if (profiles !== undefined) request['user_profiles'] = profiles;
  return request;
}

/** mParticle's connection checks (docs/firehose-protocol.md, "Verification messages"): answered, nothing delivered. */
export function verificationMessages(context: MessageContext): CertifyMessage[] {
  return [
    message('verification: events []', eventBatch(context, [])),
    message('verification: no events', eventBatch(context, undefined)),
    message('verification: user_profiles []', membershipChange(context, [])),
    message('verification: no user_profiles', membershipChange(context, undefined)),
  ];
}

function event(context: MessageContext, type: string): Json {
  return {
    type,
    id: randomUUID(),
    timestamp_ms: Date.now(),
    source_id: `${CERTIFY_SOURCE_PREFIX}${context.runId}`,
    session_id: 1,
  };
}

function profile(action: string): Json {
  const audience: Json = { audience_id: CERTIFY_ACCOUNT_ID, audience_name: 'certify', action };
  if (action === 'attribute_update')
    audience['user_attributes'] = [{ key: 'certify', value: 'certify', action: 'upsert' }];
  return {
    mpid: '0',
    user_identities: [{ type: 'customer', encoding: 'raw', value: 'certify' }],
    audiences: [audience],
  };
}

/** `--with-data`: one message of every request kind and one event of every type, all marked (see above). */
export function dataMessages(context: MessageContext): CertifyMessage[] {
  const subscription = (action: string): Json => ({
    ...envelope('audience_subscription_request'),
    account: account(context),
    audience_id: CERTIFY_ACCOUNT_ID,
    audience_name: 'certify',
    action,
  });
  return [
    message(
      'data: event batch (every event type)',
      eventBatch(
        context,
        EVENT_TYPES.map((type) => event(context, type)),
      ),
    ),
    ...['add', 'update', 'remove'].map((action) =>
      message(`data: audience subscription ${action}`, subscription(action)),
    ),
    ...['add', 'delete', 'attribute_update'].map((action) =>
      message(`data: membership ${action}`, membershipChange(context, [profile(action)])),
    ),
    message('data: DSR erasure', {
      ...envelope('dsr_processing_request'),
      account: account(context),
      subject_request_id: `${CERTIFY_SOURCE_PREFIX}${context.runId}`,
      subject_request_type: 'erasure',
      submitted_time: Date.now() / 1000,
      subject_identities: { controller_customer_id: { encoding: 'raw', value: 'certify' } },
      regulation: 'gdpr',
    }),
  ];
}
