import { randomUUID } from 'node:crypto';
import { FIREHOSE_VERSION } from './version';
import type { ModuleRegistrationResponse } from './registration';

/** Response messages (docs/firehose-protocol.md, "Envelope" and "Message types"): a fresh id, the current time, the version. */

export interface ResponseEnvelope<T extends string> {
  readonly type: T;
  readonly id: string;
  readonly timestamp_ms: number;
  readonly firehose_version: string;
}

export interface EventProcessingResponse extends ResponseEnvelope<'event_processing_response'> {
  /** Written only when true: it asks mParticle to stop sending (meaning on this response: docs/firehose-protocol.md, "Open questions"). */
  readonly suspend_subscription?: true;
}
export interface AudienceSubscriptionResponse extends ResponseEnvelope<'audience_subscription_response'> {
  readonly audience_subscription_settings?: Readonly<Record<string, string>>;
}
export interface AudienceMembershipChangeResponse extends ResponseEnvelope<'audience_membership_change_response'> {
  /** The SDK always writes it, `false` included. */
  readonly suspend_subscription: boolean;
}
export type DsrProcessingResponse = ResponseEnvelope<'dsr_processing_response'>;

/** Every response the kit sends, discriminated on `type`. */
export type FirehoseResponse =
  | ModuleRegistrationResponse
  | EventProcessingResponse
  | AudienceSubscriptionResponse
  | AudienceMembershipChangeResponse
  | DsrProcessingResponse;

export function envelope<T extends string>(type: T): ResponseEnvelope<T> {
  return { type, id: randomUUID(), timestamp_ms: Date.now(), firehose_version: FIREHOSE_VERSION };
}

export function eventProcessingResponse(options: { suspendSubscription?: boolean } = {}): EventProcessingResponse {
  const response = envelope('event_processing_response');
  return options.suspendSubscription ? { ...response, suspend_subscription: true } : response;
}

export function audienceSubscriptionResponse(
  settings?: Readonly<Record<string, string>>,
): AudienceSubscriptionResponse {
  const response = envelope('audience_subscription_response');
  return settings && Object.keys(settings).length > 0
    ? { ...response, audience_subscription_settings: settings }
    : response;
}

export function audienceMembershipChangeResponse(
  options: { suspendSubscription?: boolean } = {},
): AudienceMembershipChangeResponse {
  return {
    ...envelope('audience_membership_change_response'),
    suspend_subscription: options.suspendSubscription === true,
  };
}

export function dsrProcessingResponse(): DsrProcessingResponse {
  return envelope('dsr_processing_response');
}
