import {
  accountSchema,
  consentStateSchema,
  optIdentities,
  optNum,
  optStringMap,
  optText,
  platformFieldsSchema,
  runtimeEnvironmentSchema,
  systemNotificationSchema,
} from './common';
import { eventSchemas, type FirehoseEvent } from './events';
import { list, map, object, readUnknown, type ObjectShape } from './containers';
import {
  describe,
  enter,
  isPlainObject,
  number,
  requiredId,
  ShapeIssue,
  tag,
  text,
  type Infer,
  type Shape,
} from './shape';

/**
 * The five Firehose 3.2.0 request messages (docs/firehose-protocol.md), discriminated on `type`.
 * Strict only where the kit relies on the shape: `type`, a non-empty `id`, and lists it walks (`events`,
 * `user_profiles`, `audiences`) must be lists. Events of an unknown type are skipped and counted.
 */

const envelope = {
  /** The request id: the kit derives idempotency keys from it, so it must be a non-empty string. */
  id: requiredId,
  timestamp_ms: optNum,
  /** Any version is accepted: a newer sender must not be turned away. */
  firehose_version: optText,
};

const eventShapes = new Map<string, ObjectShape<FirehoseEvent>>(
  Object.entries(eventSchemas) as [string, ObjectShape<FirehoseEvent>][],
);

/**
 * `events`: known events checked one by one, unknown types skipped and counted (still walked for their
 * nesting depth, which is refused beyond the limit wherever it is), null entries dropped.
 */
const eventList: Shape<FirehoseEvent[] | null> = {
  read(value, cx) {
    if (value === null) return null;
    if (!Array.isArray(value)) throw new ShapeIssue(`must be an array, got ${describe(value)}`);
    enter(cx);
    const changesBefore = cx.changes;
    let out: unknown[] = value;
    // Runs of one type are the rule: comparing with the last type costs less than a map lookup, which
    // hashes each event's freshly parsed `type` string. ('' is no event type: its shape is undefined.)
    let lastType = '';
    let lastShape: ObjectShape<FirehoseEvent> | undefined;
    for (let i = 0; i < value.length; i++) {
      const event: unknown = value[i];
      let keep = event !== null;
      if (keep) {
        if (!isPlainObject(event)) throw issueAt(i, `must be an object, got ${describe(event)}`);
        const type = event['type'];
        if (type === undefined) throw issueAt(i, 'is required', 'type');
        if (typeof type !== 'string') throw issueAt(i, `must be a string, got ${describe(type)}`, 'type');
        if (type !== lastType) {
          lastType = type;
          lastShape = eventShapes.get(type);
        }
        const shape = lastShape;
        try {
          if (shape !== undefined) shape.readRoot(event, cx);
          else {
            readUnknown(event, cx);
            cx.skippedEventTypes.set(type, (cx.skippedEventTypes.get(type) ?? 0) + 1);
            keep = false;
          }
        } catch (error) {
          if (error instanceof ShapeIssue) error.path.unshift(i);
          throw error;
        }
      }
      if (!keep && out === value) out = value.slice(0, i);
      else if (keep && out !== value) out.push(event);
    }
    if (out === value && cx.changes === changesBefore) cx.unchangedEvents = value;
    cx.depth--;
    return out as FirehoseEvent[];
  },
};

function issueAt(index: number, reason: string, field?: string): ShapeIssue {
  const issue = new ShapeIssue(reason);
  issue.path.push(index);
  if (field !== undefined) issue.path.push(field);
  return issue;
}

/** DSR `submitted_time`: a Java `Instant`, seconds as a number or an ISO-8601 string. */
const instant: Shape<number | bigint | string | null> = {
  read(value, cx, key, holder) {
    if (typeof value === 'string') return value;
    try {
      return number.read(value, cx, key, holder);
    } catch {
      throw new ShapeIssue(`expected a number or a string, got ${describe(value)}`);
    }
  },
};

export const moduleRegistrationRequestSchema = object({
  type: tag('module_registration_request'),
  ...envelope,
  // Registration needs no id of its own; older test requests omit fields.
  id: optText,
});

export const eventBatchSchema = object({
  type: tag('event_processing_request'),
  ...envelope,
  source_id: optText,
  account: accountSchema,
  user_identities: optIdentities,
  partner_identities: optIdentities,
  user_attributes: optStringMap,
  user_attribute_lists: map(list(text)),
  runtime_environment: runtimeEnvironmentSchema,
  integration_attributes: optStringMap,
  events: eventList,
  device_application_stamp: optText,
  consent_state: consentStateSchema,
  system_notifications: list(systemNotificationSchema),
  mpid: optText,
  platform_fields: platformFieldsSchema,
  source_channel: optText,
});

export const audienceSubscriptionRequestSchema = object({
  type: tag('audience_subscription_request'),
  ...envelope,
  account: accountSchema,
  audience_id: optNum,
  audience_name: optText,
  audience_description: optText,
  audience_subscription_settings: optStringMap,
  previous_audience_subscription_settings: optStringMap,
  /** `add`, `update` or `remove` (not `delete`: that is a membership action). */
  action: optText,
});

export const audienceAttributeChangeSchema = object({
  key: optText,
  value: optText,
  list_value: list(text),
  /** `upsert` or `delete`; the official sample also carries an empty `{}` entry, skipped by mappings. */
  action: optText,
});

export const audienceSchema = object({
  audience_id: optNum,
  audience_name: optText,
  audience_subscription_settings: optStringMap,
  /** `add`, `delete` or `attribute_update`. */
  action: optText,
  user_attributes: list(audienceAttributeChangeSchema),
});

export const userProfileSchema = object({
  user_identities: optIdentities,
  device_identities: optIdentities,
  partner_identities: optIdentities,
  mpid: optText,
  audiences: list(audienceSchema),
});

export const audienceMembershipChangeRequestSchema = object({
  type: tag('audience_membership_change_request'),
  ...envelope,
  account: accountSchema,
  /** Absent in mParticle's verification calls. */
  user_profiles: list(userProfileSchema),
});

export const dsrIdentitySchema = object({ encoding: optText, value: optText });

export const dsrProcessingRequestSchema = object({
  type: tag('dsr_processing_request'),
  ...envelope,
  /** Marked required by the SDK class but absent from its own sample. */
  account: accountSchema,
  subject_request_id: optText,
  /** Only `erasure` exists today. */
  subject_request_type: optText,
  /** Seconds since the epoch (fractional), or an ISO-8601 string: never milliseconds. */
  submitted_time: instant,
  subject_identities: map(dsrIdentitySchema),
  api_version: optText,
  /** `unknown`, `ccpa` or `gdpr`. */
  regulation: optText,
});

type Read<S> = S extends ObjectShape<infer T> ? T : never;
export type ModuleRegistrationRequest = Read<typeof moduleRegistrationRequestSchema>;
export type EventProcessingRequest = Read<typeof eventBatchSchema> & {
  /** Always a list after parsing: a missing or null `events` field is read as `[]`. */
  events: FirehoseEvent[];
};
export type AudienceSubscriptionRequest = Read<typeof audienceSubscriptionRequestSchema>;
export type AudienceAttributeChange = NonNullable<Infer<typeof audienceAttributeChangeSchema>>;
export type Audience = NonNullable<Infer<typeof audienceSchema>>;
export type UserProfile = NonNullable<Infer<typeof userProfileSchema>>;
export type AudienceMembershipChangeRequest = Read<typeof audienceMembershipChangeRequestSchema>;
export type DsrProcessingRequest = Read<typeof dsrProcessingRequestSchema>;

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
