/** Enumerations of Firehose 3.2.0 (docs/firehose-protocol.md, "Event batches", "Events", "Identities"), used to check a registration. */

export const IDENTITY_ENCODINGS = ['raw', 'md5', 'sha1', 'sha256'] as const;

export const DEVICE_IDENTITY_TYPES = [
  'android_id',
  'google_advertising_id',
  'ios_advertising_id',
  'ios_vendor_id',
  'google_cloud_messaging_token',
  'apple_push_notification_token',
  'roku_advertising_id',
  'microsoft_advertising_id',
  'microsoft_publisher_id',
  'fire_advertising_id',
  'roku_publisher_id',
] as const;

export const USER_IDENTITY_TYPES = [
  'other',
  'customer',
  'facebook',
  'twitter',
  'google',
  'microsoft',
  'yahoo',
  'email',
  'other2',
  'other3',
  'other4',
  'other5',
  'other6',
  'other7',
  'other8',
  'other9',
  'other10',
  'mobile_number',
  'phone_number_2',
  'phone_number_3',
] as const;

export const RUNTIME_ENVIRONMENT_TYPES = [
  'unknown',
  'android',
  'ios',
  'tvos',
  'mobileweb',
  'roku',
  'xbox',
  'firetv',
  'smarttv',
  'alexa',
] as const;

export const SYSTEM_NOTIFICATION_TYPES = ['gdpr_consent_state', 'ccpa_consent_state'] as const;

/** mParticle's directory shows descriptions up to this length (Firehose docs page: "under 230 characters"). */
export const MAX_DESCRIPTION_LENGTH = 229;
