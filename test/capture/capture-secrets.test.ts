import { describe, expect, it } from 'vitest';
import { folderCaptureSink } from '../../lambda/capture/capture-sink';
import type { PartnerIntegration } from '../../lambda/core/partner-integration';
import type { ModuleRegistration } from '../../lambda/firehose';
import { integration as defaultIntegration } from '../support/kit-integration';
import { readCaptures } from '../../local/replay/capture-source';
import { capturingIngress, readAll, tempFolder } from './support';

// Issue 22, item 8: every settings block of every request type, each with a planted secret.
const PLANTED = 'PLANTED_capture_secret_4242';

// A confidential subscription setting whose id does not look like a credential: only its declaration says so.
const registration: ModuleRegistration = {
  ...defaultIntegration.registration,
  audience_processing_registration: {
    ...defaultIntegration.registration.audience_processing_registration,
    audience_subscription_settings: [
      { type: 'text', id: 'listRoute', name: 'List route', confidential: true },
      { type: 'text', id: 'listName', name: 'List name' },
    ],
  },
};
const integration: PartnerIntegration = { ...defaultIntegration, registration };

const account = { account_id: 42, account_settings: { apiKey: `${PLANTED}-account`, region: 'eu' } };
const subscriptionSettings = (tag: string) => ({
  apiKey: `${PLANTED}-${tag}-key`,
  listSecret: `${PLANTED}-${tag}-listSecret`,
  listRoute: `${PLANTED}-${tag}-declared`,
  listName: `kept-${tag}`,
});

describe('capture strips every settings block', () => {
  it('removes planted secrets from account, current, previous and per-audience subscription settings', async () => {
    // Prepare
    const folder = tempFolder();
    try {
      const { handle, capture } = capturingIngress({ sink: folderCaptureSink(folder.path), integration });
      const subscription = {
        type: 'audience_subscription_request',
        id: 's-1',
        timestamp_ms: 1,
        firehose_version: '3.2.0',
        account,
        audience_id: 7,
        action: 'update',
        audience_subscription_settings: subscriptionSettings('current'),
        previous_audience_subscription_settings: subscriptionSettings('previous'),
      };
      const membership = {
        type: 'audience_membership_change_request',
        id: 's-2',
        timestamp_ms: 1,
        firehose_version: '3.2.0',
        account,
        user_profiles: [
          {
            mpid: '1',
            audiences: [
              { audience_id: 7, action: 'add', audience_subscription_settings: subscriptionSettings('member') },
            ],
          },
        ],
      };

      // Act
      await handle(subscription);
      await handle(membership);
      await capture.flush();

      // Assess
      expect(readAll(folder.path).join('\n')).not.toContain('PLANTED');
      const [first, second] = await readCaptures(folder.path);
      const stored = JSON.parse(first?.request ?? '{}');
      expect(stored.account.account_settings).toEqual({ region: 'eu' });
      expect(stored.audience_subscription_settings).toEqual({ listName: 'kept-current' });
      expect(stored.previous_audience_subscription_settings).toEqual({ listName: 'kept-previous' });
      expect(JSON.parse(second?.request ?? '{}').user_profiles[0].audiences[0].audience_subscription_settings).toEqual({
        listName: 'kept-member',
      });
    } finally {
      folder.remove();
    }
  });
});
