import { randomUUID } from 'node:crypto';
import type { OutboundCall } from '../../lambda/core/outbound-call';

/** Builders of Firehose requests for tests: small by default, overridable field by field. */

export const SECRET_API_KEY = 'sk_test_planted_secret_7f3a9c';

export function account(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { account_id: 4242, account_settings: { apiKey: SECRET_API_KEY }, ...overrides };
}

function envelope(type: string): Record<string, unknown> {
  return { type, id: randomUUID(), timestamp_ms: Date.now(), firehose_version: '3.2.0' };
}

export function event(type: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { type, id: randomUUID(), timestamp_ms: Date.now(), source_id: randomUUID(), session_id: 42, ...overrides };
}

export function eventBatch(
  events: unknown[] | undefined,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const batch: Record<string, unknown> = {
    ...envelope('event_processing_request'),
    source_id: randomUUID(),
    account: account(),
    mpid: '8012345678901234567',
    ...overrides,
  };
  if (events !== undefined) batch['events'] = events;
  return batch;
}

/** `count` custom events with distinct ids and a few attributes (about 300 bytes each). */
export function customEvents(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) =>
    event('custom_event', {
      name: `event ${i}`,
      custom_event_type: 'other',
      attributes: { index: String(i), page: 'checkout' },
    }),
  );
}

export function profile(mpid: string, actions: string[] = ['add']): Record<string, unknown> {
  return {
    mpid,
    user_identities: [{ type: 'email', encoding: 'sha256', value: `hash-of-${mpid}-0123456789abcdef0123456789abcdef` }],
    device_identities: [{ type: 'ios_advertising_id', encoding: 'raw', value: randomUUID() }],
    audiences: actions.map((action, i) => ({ audience_id: 500 + i, audience_name: `Audience ${500 + i}`, action })),
  };
}

export function membershipChange(
  profiles: unknown[] | undefined,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const request: Record<string, unknown> = {
    ...envelope('audience_membership_change_request'),
    account: account(),
    ...overrides,
  };
  if (profiles !== undefined) request['user_profiles'] = profiles;
  return request;
}

export function profiles(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => profile(String(1_000_000 + i), ['add', 'delete']));
}

export function subscription(action: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...envelope('audience_subscription_request'),
    account: account(),
    audience_id: 77,
    audience_name: 'Lapsed',
    action,
    ...overrides,
  };
}

export function dsrErasure(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...envelope('dsr_processing_request'),
    subject_request_id: randomUUID(),
    subject_request_type: 'erasure',
    submitted_time: 1763899999.125,
    subject_identities: { email: { encoding: 'raw', value: 'ada@example.com' } },
    regulation: 'gdpr',
    ...overrides,
  };
}

export function registrationRequest(): Record<string, unknown> {
  return envelope('module_registration_request');
}

/** One partner call as the core hands it to delivery (a single chunk; its idempotency key from `requestId`). */
export function outboundCall(requestId: string, overrides: Partial<OutboundCall> = {}): OutboundCall {
  return {
    requestType: 'event_processing_request',
    requestId,
    idempotencyKey: `${requestId}:0`,
    chunk: { index: 0, count: 1 },
    accountId: 7,
    path: '/events',
    bodyText: '{"events":[]}',
    secrets: {},
    ...overrides,
  };
}
