import { envelope, type ResponseEnvelope } from './responses';
import { SDK_VERSION } from './version';

/** The module registration a partner declares, in wire form (docs/firehose-protocol.md, "Registration"). */

export type IdentityEncoding = 'raw' | 'md5' | 'sha1' | 'sha256';

export interface IdentityPermission {
  readonly type: string;
  readonly encoding: IdentityEncoding;
  readonly required: boolean;
}

export interface Permissions {
  readonly device_identities?: readonly IdentityPermission[];
  readonly user_identities?: readonly IdentityPermission[];
  readonly partner_identities?: readonly IdentityPermission[];
  readonly allow_access_location?: boolean;
  readonly allow_access_ip_address?: boolean;
  readonly allow_access_http_user_agent?: boolean;
  readonly allow_access_device_application_stamp?: boolean;
  readonly allow_device_info?: boolean;
  readonly allow_user_attributes?: boolean;
  readonly allow_audience_user_attributes?: boolean;
  readonly allow_consent_state?: boolean;
  readonly allow_access_mpid?: boolean;
  readonly allow_platform_fields?: boolean;
  readonly allow_eventless_batches?: boolean;
}

interface SettingBase {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly visible?: boolean;
}
export interface TextSetting extends SettingBase {
  readonly type: 'text';
  readonly required?: boolean;
  /** Masked in mParticle's UI; the kit also keeps it out of logs and encrypts it in queues. */
  readonly confidential?: boolean;
  readonly default_value?: string;
}
export interface IntegerSetting extends SettingBase {
  readonly type: 'integer';
  readonly required?: boolean;
  readonly default_value?: number;
  readonly min_value?: number;
  readonly max_value?: number;
}
export interface FloatSetting extends SettingBase {
  readonly type: 'float';
  readonly required?: boolean;
  readonly default_value?: number;
  readonly min_value?: number;
  readonly max_value?: number;
}
export interface BooleanSetting extends SettingBase {
  readonly type: 'boolean';
  readonly default_value?: boolean;
  readonly checked?: boolean;
}
/** Setting descriptors, discriminated on `type`. Wire names are `required`/`confidential`, never `is_*`. */
export type Setting = TextSetting | IntegerSetting | FloatSetting | BooleanSetting;

export interface OAuth2Authentication {
  readonly type: 'oauth2';
  readonly authorization_url: string;
  readonly token_url: string;
  readonly refresh_url?: string;
  readonly grant_type?: 'authorization_code';
  readonly default_expires_in?: number;
  readonly client_id?: string;
  readonly access_token_type?: 'bearer' | 'custom_header';
  readonly custom_header_name?: string;
  readonly param_client_id_name?: string;
  readonly param_secret_name?: string;
  readonly scopes?: readonly { readonly name: string; readonly description?: string }[];
}

export interface EventProcessingRegistration {
  readonly account_settings?: readonly Setting[];
  readonly event_connection_settings?: readonly Setting[];
  readonly supported_event_types: readonly string[];
  readonly supported_runtime_environments?: readonly string[];
  readonly supported_system_notification_types?: readonly string[];
  readonly max_data_age_hours?: number;
  readonly push_messaging_provider_id?: string;
  readonly authentication?: OAuth2Authentication;
}

export interface AudienceProcessingRegistration {
  readonly account_settings?: readonly Setting[];
  readonly audience_subscription_settings?: readonly Setting[];
  readonly authentication?: OAuth2Authentication;
  readonly bulk_configuration?: {
    readonly bulk_forward_wait_for_messages?: number;
    readonly bulk_forward_wait_in_minutes?: number;
  };
}

export interface DsrProcessingRegistration {
  readonly account_settings?: readonly Setting[];
  readonly supported_dsr_types: readonly 'erasure'[];
  readonly domain?: string;
}

/** What a partner declares: the registration response minus the envelope. */
export interface ModuleRegistration {
  readonly name: string;
  readonly description?: string;
  readonly version: string;
  readonly permissions?: Permissions;
  readonly event_processing_registration?: EventProcessingRegistration;
  readonly audience_processing_registration?: AudienceProcessingRegistration;
  readonly dsr_processing_registration?: DsrProcessingRegistration;
}

export interface ModuleRegistrationResponse
  extends ResponseEnvelope<'module_registration_response'>,
    ModuleRegistration {
  readonly sdk_version: string;
}

export function moduleRegistrationResponse(registration: ModuleRegistration): ModuleRegistrationResponse {
  return { ...envelope('module_registration_response'), sdk_version: SDK_VERSION, ...wireForm(registration) };
}

/** Java getter names of `required` / `confidential`; they reach a registration only through a cast. */
export const JAVA_GETTER_NAMES: readonly string[] = ['is_required', 'is_confidential'];

/** A copy without Java getter names anywhere, so mParticle never receives them (checkRegistration flags them). */
function wireForm<T>(value: T): T {
  if (Array.isArray(value)) return value.map(wireForm) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !JAVA_GETTER_NAMES.includes(key))
      .map(([key, v]) => [key, wireForm(v)]),
  ) as T;
}

/** Every account setting declared in any block, for lookups such as "which ones are confidential". */
export function allAccountSettings(registration: ModuleRegistration): Setting[] {
  return [
    ...(registration.event_processing_registration?.account_settings ?? []),
    ...(registration.event_processing_registration?.event_connection_settings ?? []),
    ...(registration.audience_processing_registration?.account_settings ?? []),
    ...(registration.dsr_processing_registration?.account_settings ?? []),
  ];
}

/** Ids of settings marked `confidential`: these values never reach a log line, an error or a queue in clear. */
export function confidentialSettingIds(registration: ModuleRegistration): ReadonlySet<string> {
  return new Set(
    allAccountSettings(registration)
      .filter((s) => s.type === 'text' && s.confidential)
      .map((s) => s.id),
  );
}
