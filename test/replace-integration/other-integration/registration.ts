import type { ModuleRegistration, Setting } from '../firehose';

/**
 * A partner's integration unlike the example in every way the contract allows: other settings, other paths,
 * another auth header, no DSR support. replace-integration.test.ts puts it in lambda/integration/ of a copy
 * of the kit and checks that the kit's tests, `npm run registration` and `npm run certify` do not notice.
 */

/** The customer's workspace token: sent as `X-Acme-Token`. */
export const WORKSPACE_TOKEN = 'workspaceToken';

const workspaceToken: Setting = {
  type: 'text',
  id: WORKSPACE_TOKEN,
  name: 'Workspace token',
  description: 'The token of your Acme Segments workspace',
  visible: true,
  required: true,
  confidential: true,
};

const segmentPrefix: Setting = {
  type: 'text',
  id: 'segmentPrefix',
  name: 'Segment prefix',
  description: 'Put before every audience name in Acme Segments',
  visible: true,
  required: false,
  default_value: 'mp-',
};

export const registration: ModuleRegistration = {
  name: 'Acme Segments',
  description: 'Sends custom events and audience memberships to Acme Segments.',
  version: '2.3',
  permissions: {
    user_identities: [{ type: 'customer', encoding: 'raw', required: false }],
    allow_access_mpid: true,
  },
  event_processing_registration: {
    account_settings: [workspaceToken],
    supported_event_types: ['custom_event', 'screen_view'],
    supported_runtime_environments: ['ios', 'android', 'mobileweb'],
  },
  audience_processing_registration: {
    account_settings: [workspaceToken],
    audience_subscription_settings: [segmentPrefix],
  },
  // No dsr_processing_registration: Acme Segments takes no data subject requests.
};
