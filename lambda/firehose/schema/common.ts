import { list, map, object } from './containers';
import { boolean, number, text, type Infer } from './shape';

/**
 * Building blocks of the Firehose 3.2.0 model (docs/firehose-protocol.md, "Envelope" and "Event batches").
 *
 * Tolerant reader, as mParticle's Java SDK (Jackson) is: every field is optional and may be `null`, a
 * `String` field takes any scalar (`5`, `true`), a number field takes a numeric string, unknown fields are
 * kept, and enum-like fields are plain text so a new identity or event sub-type cannot fail a batch. What
 * Jackson refuses (an object where the model has a string, a list where it has an object, …) is refused
 * here too, with the field's path. Values reach the partner exactly as they were sent.
 */

export const optText = text;
export const optNum = number;
export const optBool = boolean;
/** Java `long` fields: a `bigint` when the text held an integer beyond 2^53 (see exact-integers.ts). */
export const optInt64 = number;
/** Java `BigDecimal` fields (prices, amounts): any JSON number, big integers as `bigint`. */
export const optDecimal = number;
/** `Map<String, String>`: values are any scalar or null, passed on unchanged. */
export const stringMap = map(text);
export const optStringMap = stringMap;
export const optStringList = list(text);

/** `{type, encoding, value}`. Kept even when incomplete; `usableIdentities` drops what cannot be used. */
export const identitySchema = object({ type: text, encoding: text, value: text });
export const optIdentities = list(identitySchema);

export const accountSchema = object({
  /** Java `int`. Read for logs and metrics through `accountIdOf` (settings.ts). */
  account_id: number,
  /** Values are strings on the wire ("false", "123"); read them through settings.ts. */
  account_settings: optStringMap,
});

export const locationSchema = object({ latitude: number, longitude: number, accuracy: number });

export const consentSchema = object({
  consented: boolean,
  document: text,
  timestamp_unixtime_ms: number,
  location: text,
  hardware_id: text,
});

export const consentStateSchema = object({
  gdpr_consent_state: map(consentSchema),
  ccpa_consent_state: map(consentSchema),
});

/** Discriminated by `type` on the wire; an unknown platform is accepted, so only shared fields are typed. */
export const runtimeEnvironmentSchema = object({
  type: text,
  is_debug: boolean,
  client_ip_address: text,
  sdk_version: text,
  http_header_user_agent: text,
  identities: optIdentities,
});

/** System notifications describe a consent change; unknown notification types are accepted as they are. */
export const systemNotificationSchema = object({
  type: text,
  purpose: text,
  old_gdpr_consent_state: consentSchema,
  new_gdpr_consent_state: consentSchema,
  old_ccpa_consent_state: consentSchema,
  new_ccpa_consent_state: consentSchema,
});

export const platformFieldsSchema = object({
  mp_account_id: number,
  mp_account_name: text,
  workspace_id: number,
  workspace_name: text,
  input_name: text,
  app_name: text,
  app_version: text,
  dataplan_id: text,
  dataplan_name: text,
  dataplan_version: number,
});

type Present<S> = NonNullable<Infer<S>>;
export type Identity = Present<typeof identitySchema>;
export type Account = Present<typeof accountSchema>;
export type Consent = Present<typeof consentSchema>;
export type ConsentState = Present<typeof consentStateSchema>;
export type RuntimeEnvironment = Present<typeof runtimeEnvironmentSchema>;
export type SystemNotification = Present<typeof systemNotificationSchema>;
export type PlatformFields = Present<typeof platformFieldsSchema>;
export type Location = Present<typeof locationSchema>;
