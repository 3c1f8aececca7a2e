import * as v from 'valibot';

/**
 * Building blocks of the Firehose 3.2.0 wire format (docs/firehose-protocol.md, "Envelope", "Event batches", "Identities").
 *
 * Tolerant reader: every object is a `looseObject` (unknown properties are kept), enum-like fields are plain
 * strings (a new identity or event sub-type must not fail a batch), and almost every field is optional, as
 * mParticle's serializer drops empty and null values. Types are checked where a field is present.
 */

export const str = v.string();
export const optStr = v.optional(str);
export const optNum = v.optional(v.number());
export const optBool = v.optional(v.boolean());
/** Java `long` fields: a `bigint` when the raw text held an integer beyond 2^53 (see json.ts). */
export const optInt64 = v.optional(v.union([v.number(), v.bigint()]));
export const stringMap = v.record(v.string(), v.string());
export const optStringMap = v.optional(stringMap);
export const optStringList = v.optional(v.array(str));

/** `{type, encoding, value}`. Kept even when incomplete; `usableIdentities` drops what cannot be used. */
export const identitySchema = v.looseObject({ type: optStr, encoding: optStr, value: optStr });
export const optIdentities = v.optional(v.array(identitySchema));

export const accountSchema = v.looseObject({
  account_id: optNum,
  /** Values are always strings, booleans and numbers included ("false", "123"). */
  account_settings: optStringMap,
});

export const locationSchema = v.looseObject({ latitude: optNum, longitude: optNum, accuracy: optNum });

export const consentSchema = v.looseObject({
  consented: optBool,
  document: optStr,
  timestamp_unixtime_ms: optNum,
  location: optStr,
  hardware_id: optStr,
});

export const consentStateSchema = v.looseObject({
  gdpr_consent_state: v.optional(v.record(v.string(), consentSchema)),
  ccpa_consent_state: v.optional(v.record(v.string(), consentSchema)),
});

/** Discriminated by `type` on the wire; an unknown platform is accepted, so only shared fields are typed. */
export const runtimeEnvironmentSchema = v.looseObject({
  type: optStr,
  is_debug: optBool,
  client_ip_address: optStr,
  sdk_version: optStr,
  http_header_user_agent: optStr,
  identities: optIdentities,
});

/** System notifications describe a consent change; unknown notification types are accepted as they are. */
export const systemNotificationSchema = v.looseObject({
  type: optStr,
  purpose: optStr,
  old_gdpr_consent_state: v.optional(consentSchema),
  new_gdpr_consent_state: v.optional(consentSchema),
  old_ccpa_consent_state: v.optional(consentSchema),
  new_ccpa_consent_state: v.optional(consentSchema),
});

export const platformFieldsSchema = v.looseObject({
  mp_account_id: optNum,
  mp_account_name: optStr,
  workspace_id: optNum,
  workspace_name: optStr,
  input_name: optStr,
  app_name: optStr,
  app_version: optStr,
  dataplan_id: optStr,
  dataplan_name: optStr,
  dataplan_version: optNum,
});

export type Identity = v.InferOutput<typeof identitySchema>;
export type Account = v.InferOutput<typeof accountSchema>;
export type Consent = v.InferOutput<typeof consentSchema>;
export type ConsentState = v.InferOutput<typeof consentStateSchema>;
export type RuntimeEnvironment = v.InferOutput<typeof runtimeEnvironmentSchema>;
export type SystemNotification = v.InferOutput<typeof systemNotificationSchema>;
export type PlatformFields = v.InferOutput<typeof platformFieldsSchema>;
export type Location = v.InferOutput<typeof locationSchema>;
