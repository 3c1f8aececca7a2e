import type { ModuleRegistration, Setting } from '../firehose';
import { EVENT_TYPES } from '../firehose';

/**
 * The integration as mParticle sees it: declared once, here. `npm run registration` checks it against
 * docs/firehose-protocol.md, "Registration" and prints the module registration response. Replace the names, settings and
 * permissions with your own; keep `apiKey` confidential if your API uses a per-customer key.
 */

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
  name: 'Example Webhook',
  description: 'Forwards mParticle events, audiences and erasure requests to the Example Webhook API.',
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
