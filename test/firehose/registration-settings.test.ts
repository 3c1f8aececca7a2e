import { describe, expect, it } from 'vitest';
import {
  allAccountSettings,
  confidentialSettingIds,
  type ModuleRegistration,
  moduleRegistrationResponse,
  type Setting,
} from '../../lambda/firehose';

/**
 * Which declared settings are secrets, from every block of a registration, and the wire form of the response.
 * Written for the survivors of `npm run mutation` in lambda/firehose (README, "Mutation testing").
 */

const text = (id: string, confidential?: boolean): Setting => ({
  type: 'text',
  id,
  name: id,
  ...(confidential === undefined ? {} : { confidential }),
});

const registration: ModuleRegistration = {
  name: 'Test',
  version: '1.0',
  event_processing_registration: {
    supported_event_types: ['custom_event'],
    account_settings: [text('eventKey', true), text('eventRegion')],
    event_connection_settings: [text('connectionToken', true), text('connectionName', false)],
  },
  audience_processing_registration: {
    account_settings: [text('audienceKey', true), { type: 'integer', id: 'audienceLimit', name: 'limit' }],
  },
  dsr_processing_registration: {
    supported_dsr_types: ['erasure'],
    account_settings: [text('dsrKey', true), { type: 'boolean', id: 'dsrOn', name: 'on' }],
  },
};

describe('the settings a registration declares', () => {
  it('are read from every block, in order', () => {
    expect(allAccountSettings(registration).map((setting) => setting.id)).toEqual([
      'eventKey',
      'eventRegion',
      'connectionToken',
      'connectionName',
      'audienceKey',
      'audienceLimit',
      'dsrKey',
      'dsrOn',
    ]);
    expect(allAccountSettings({ name: 'Empty', version: '1' })).toEqual([]);
  });

  it('are secrets when they are confidential text, whichever block declares them', () => {
    expect([...confidentialSettingIds(registration)].sort()).toEqual([
      'audienceKey',
      'connectionToken',
      'dsrKey',
      'eventKey',
    ]);
    // `confidential` on a non-text setting (only reachable through a cast) makes no secret.
    const odd = { type: 'integer', id: 'n', name: 'n', confidential: true } as unknown as Setting;
    expect(
      confidentialSettingIds({
        name: 'x',
        version: '1',
        dsr_processing_registration: { supported_dsr_types: ['erasure'], account_settings: [odd] },
      }).size,
    ).toBe(0);
  });
});

describe('the registration response', () => {
  it('drops Java getter names at any depth and keeps every other field and list as declared', () => {
    // Prepare: is_required / is_confidential only reach a registration through a cast.
    const withGetters = {
      ...registration,
      event_processing_registration: {
        ...registration.event_processing_registration,
        account_settings: [{ ...text('eventKey', true), is_confidential: true, is_required: false }],
      },
    } as unknown as ModuleRegistration;
    // Act
    const response = moduleRegistrationResponse(withGetters);
    // Assess
    expect(JSON.stringify(response)).not.toMatch(/is_required|is_confidential/);
    expect(response.event_processing_registration?.account_settings).toEqual([text('eventKey', true)]);
    expect(response.event_processing_registration?.supported_event_types).toEqual(['custom_event']);
    expect(response.dsr_processing_registration).toEqual(registration.dsr_processing_registration);
    expect(response).toMatchObject({ name: 'Test', version: '1.0', type: 'module_registration_response' });
  });
});
