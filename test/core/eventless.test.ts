import { describe, expect, it } from 'vitest';
import { carriedFields, decideEventless } from '../../lambda/core/eventless';
import { pickSecrets } from '../../lambda/core/secrets';
import type { EventProcessingRequest } from '../../lambda/firehose';
import { parseFirehoseRequest } from '../../lambda/firehose';
import type { PartnerIntegration } from '../../lambda/core/partner-integration';
import { eventBatch, SECRET_API_KEY } from '../support/factories';

/**
 * What counts as user data in an eventless batch, null and empty values included, and which settings travel as
 * secrets. Written for the survivors of `npm run mutation` in lambda/core (README, "Mutation testing").
 */

const batch = (fields: Record<string, unknown>): EventProcessingRequest =>
  parseFirehoseRequest(eventBatch([], fields)).request as EventProcessingRequest;

describe('an eventless batch carries user data only when a field holds something', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['nothing', {}, []],
    ['null fields', { user_identities: null, user_attributes: null, consent_state: null }, []],
    ['empty fields', { user_identities: [], user_attributes: {}, system_notifications: [] }, []],
    ['one identity', { user_identities: [{ type: 'email', value: 'ada@example.com' }] }, ['user_identities']],
    ['one attribute', { user_attributes: { plan: 'gold' } }, ['user_attributes']],
    ['integration attributes only', { integration_attributes: { list: 'a' } }, ['integration_attributes']],
  ])('%s', (_name, fields, expected) => {
    // Act
    const request = batch(fields);
    // Assess
    expect(carriedFields(request)).toEqual(expected);
    expect(decideEventless(request, 0, true).decision).toBe(expected.length > 0 ? 'forward' : 'verification');
  });
});

/** Only the registration matters to pickSecrets: one confidential text setting, one plain. */
const integration = {
  registration: {
    name: 'Test',
    version: '1',
    event_processing_registration: {
      supported_event_types: ['custom_event'],
      account_settings: [
        { type: 'text', id: 'apiKey', name: 'API key', confidential: true },
        { type: 'text', id: 'region', name: 'Region' },
      ],
    },
  },
} as unknown as PartnerIntegration;

describe('the secrets a call carries', () => {
  it('are the confidential settings the account has, and no key for one it lacks', () => {
    // Assess
    expect(
      pickSecrets({ account_id: 1, account_settings: { apiKey: SECRET_API_KEY, region: 'eu' } }, integration),
    ).toStrictEqual({
      apiKey: SECRET_API_KEY,
    });
    expect(pickSecrets({ account_id: 1, account_settings: { region: 'eu' } }, integration)).toStrictEqual({});
    expect(pickSecrets(undefined, integration)).toStrictEqual({});
  });
});
