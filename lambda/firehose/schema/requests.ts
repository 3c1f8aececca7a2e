import * as v from 'valibot';
import {
  accountSchema,
  consentStateSchema,
  optIdentities,
  optNum,
  optStr,
  optStringMap,
  platformFieldsSchema,
  runtimeEnvironmentSchema,
  str,
  systemNotificationSchema,
} from './common';
import type { FirehoseEvent } from './events';

/**
 * The five Firehose 3.2.0 request messages (docs/firehose-protocol.md, "Message types"), discriminated on `type`.
 * `events` is validated event by event in parse.ts (unknown event types are skipped there), so the batch
 * schema below leaves it out and parse.ts puts the checked events back.
 */

const envelope = {
  /** The request id: the kit derives idempotency keys from it, so it must be a non-empty string. */
  id: v.pipe(str, v.minLength(1, 'must be a non-empty string')),
  timestamp_ms: optNum,
  /** Any version is accepted: a newer sender must not be turned away. */
  firehose_version: optStr,
};

export const moduleRegistrationRequestSchema = v.looseObject({
  type: v.literal('module_registration_request'),
  ...envelope,
  // Registration needs no id of its own; older test requests omit fields.
  id: optStr,
});

export const eventBatchSchema = v.looseObject({
  type: v.literal('event_processing_request'),
  ...envelope,
  source_id: optStr,
  account: v.optional(accountSchema),
  user_identities: optIdentities,
  partner_identities: optIdentities,
  user_attributes: optStringMap,
  user_attribute_lists: v.optional(v.record(v.string(), v.array(str))),
  runtime_environment: v.optional(runtimeEnvironmentSchema),
  integration_attributes: optStringMap,
  device_application_stamp: optStr,
  consent_state: v.optional(consentStateSchema),
  system_notifications: v.optional(v.array(systemNotificationSchema)),
  mpid: optStr,
  platform_fields: v.optional(platformFieldsSchema),
  source_channel: optStr,
});

export const audienceSubscriptionRequestSchema = v.looseObject({
  type: v.literal('audience_subscription_request'),
  ...envelope,
  account: v.optional(accountSchema),
  audience_id: optNum,
  audience_name: optStr,
  audience_description: optStr,
  audience_subscription_settings: optStringMap,
  previous_audience_subscription_settings: optStringMap,
  /** `add`, `update` or `remove` (not `delete`: that is a membership action). */
  action: optStr,
});

export const audienceAttributeChangeSchema = v.looseObject({
  key: optStr,
  value: optStr,
  list_value: v.optional(v.array(str)),
  /** `upsert` or `delete`; the official sample also carries an empty `{}` entry, skipped by mappings. */
  action: optStr,
});

export const audienceSchema = v.looseObject({
  audience_id: optNum,
  audience_name: optStr,
  audience_subscription_settings: optStringMap,
  /** `add`, `delete` or `attribute_update`. */
  action: optStr,
  user_attributes: v.optional(v.array(audienceAttributeChangeSchema)),
});

export const userProfileSchema = v.looseObject({
  user_identities: optIdentities,
  device_identities: optIdentities,
  partner_identities: optIdentities,
  mpid: optStr,
  audiences: v.optional(v.array(audienceSchema)),
});

export const audienceMembershipChangeRequestSchema = v.looseObject({
  type: v.literal('audience_membership_change_request'),
  ...envelope,
  account: v.optional(accountSchema),
  /** Absent in mParticle's verification calls. */
  user_profiles: v.optional(v.array(userProfileSchema)),
});

export const dsrIdentitySchema = v.looseObject({ encoding: optStr, value: optStr });

export const dsrProcessingRequestSchema = v.looseObject({
  type: v.literal('dsr_processing_request'),
  ...envelope,
  /** Marked required by the SDK class but absent from its own sample. */
  account: v.optional(accountSchema),
  subject_request_id: optStr,
  /** Only `erasure` exists today. */
  subject_request_type: optStr,
  /** Seconds since the epoch (fractional), or an ISO-8601 string: never milliseconds. */
  submitted_time: v.optional(v.union([v.number(), str])),
  subject_identities: v.optional(v.record(v.string(), dsrIdentitySchema)),
  api_version: optStr,
  /** `unknown`, `ccpa` or `gdpr`. */
  regulation: optStr,
});

export type ModuleRegistrationRequest = v.InferOutput<typeof moduleRegistrationRequestSchema>;
export type EventProcessingRequest = v.InferOutput<typeof eventBatchSchema> & {
  /** Always an array after parsing: a missing `events` field is read as `[]`. */
  events: FirehoseEvent[];
};
export type AudienceSubscriptionRequest = v.InferOutput<typeof audienceSubscriptionRequestSchema>;
export type AudienceAttributeChange = v.InferOutput<typeof audienceAttributeChangeSchema>;
export type Audience = v.InferOutput<typeof audienceSchema>;
export type UserProfile = v.InferOutput<typeof userProfileSchema>;
export type AudienceMembershipChangeRequest = v.InferOutput<typeof audienceMembershipChangeRequestSchema>;
export type DsrProcessingRequest = v.InferOutput<typeof dsrProcessingRequestSchema>;

/** Every request mParticle sends, discriminated on the wire `type`. */
export type FirehoseRequest =
  | ModuleRegistrationRequest
  | EventProcessingRequest
  | AudienceSubscriptionRequest
  | AudienceMembershipChangeRequest
  | DsrProcessingRequest;

export type FirehoseRequestType = FirehoseRequest['type'];

export const requestSchemas = {
  module_registration_request: moduleRegistrationRequestSchema,
  event_processing_request: eventBatchSchema,
  audience_subscription_request: audienceSubscriptionRequestSchema,
  audience_membership_change_request: audienceMembershipChangeRequestSchema,
  dsr_processing_request: dsrProcessingRequestSchema,
} as const;

export const REQUEST_TYPES = Object.keys(requestSchemas) as readonly FirehoseRequestType[];
