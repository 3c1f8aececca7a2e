import type { ModuleRegistration, Setting } from '../../../lambda/firehose';
import { EVENT_TYPES } from '../../../lambda/firehose';

// The kit tests' integration as mParticle sees it: one confidential per-customer key, every request kind.

/** The customer's key for the partner API. Confidential: masked by mParticle, encrypted in queues, never logged. */
export const API_KEY_SETTING = 'apiKey';

const apiKey: Setting = {
  type: 'text',
  id: API_KEY_SETTING,
  name: 'API Key',
  description: 'Your API key for the partner API, found in its account settings',
  visible: true,
  required: true,
  confidential: true,
};

export const registration: ModuleRegistration = {
  name: 'Kit Test Webhook',
  description: 'The integration the kit tests run: events, audiences and erasures to a webhook.',
  version: '1.0',
  permissions: {
    device_identities: [
      { type: 'ios_advertising_id', encoding: 'raw', required: false },
      { type: 'google_advertising_id', encoding: 'raw', required: false },
    ],
    user_identities: [
      { type: 'email', encoding: 'sha256', required: false },
      { type: 'customer', encoding: 'raw', required: false },
    ],
    // Deliveries carry each profile's and batch's mpid verbatim (docs/partner-api.md).
    allow_access_mpid: true,
    allow_consent_state: true,
    allow_user_attributes: true,
    allow_audience_user_attributes: true,
  },
  event_processing_registration: {
    account_settings: [apiKey],
    supported_event_types: [...EVENT_TYPES.filter((type) => type !== 'push_message_receipt')],
    supported_runtime_environments: [
      'android',
      'ios',
      'mobileweb',
      'tvos',
      'roku',
      'xbox',
      'firetv',
      'smarttv',
      'alexa',
      'unknown',
    ],
    supported_system_notification_types: ['gdpr_consent_state', 'ccpa_consent_state'],
    max_data_age_hours: 24,
  },
  audience_processing_registration: {
    account_settings: [apiKey],
  },
  dsr_processing_registration: {
    account_settings: [apiKey],
    // Without this block mParticle sends no DSR requests at all.
    supported_dsr_types: ['erasure'],
  },
};
