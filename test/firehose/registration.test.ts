import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  checkRegistration,
  moduleRegistrationResponse,
  type IdentityPermission,
  type ModuleRegistration,
  type Setting,
} from '../../lambda/firehose';
import { integration } from '../support/kit-integration';

const minimal: ModuleRegistration = {
  name: 'Acme',
  version: '1.0',
  event_processing_registration: { supported_event_types: ['custom_event'] },
};

function withSettings(settings: Setting[]): ModuleRegistration {
  return {
    ...minimal,
    event_processing_registration: { supported_event_types: ['custom_event'], account_settings: settings },
  };
}

describe('checkRegistration', () => {
  it('accepts the kit default registration and a minimal one', () => {
    expect(checkRegistration(integration.registration)).toEqual([]);
    expect(checkRegistration(minimal)).toEqual([]);
  });

  it.each<[string, ModuleRegistration, RegExp]>([
    ['an empty name', { ...minimal, name: ' ' }, /^name: /],
    ['an empty version', { ...minimal, version: '' }, /^version: /],
    [
      'a description of 230 characters',
      { ...minimal, description: 'x'.repeat(230) },
      /^description: has 230 characters/,
    ],
    [
      'an unknown event type',
      { ...minimal, event_processing_registration: { supported_event_types: ['hologram'] } },
      /supported_event_types\[0\]: "hologram"/,
    ],
    [
      'an unknown identity encoding',
      {
        ...minimal,
        permissions: { user_identities: [{ type: 'email', encoding: 'base64' as 'raw', required: false }] },
      },
      /permissions\.user_identities\[0\]\.encoding: "base64"/,
    ],
    [
      'an unknown device identity type',
      { ...minimal, permissions: { device_identities: [{ type: 'imei', encoding: 'raw', required: false }] } },
      /permissions\.device_identities\[0\]\.type: "imei"/,
    ],
    [
      'two partner identities',
      {
        ...minimal,
        permissions: {
          partner_identities: [
            { type: 'Acme_A', encoding: 'raw', required: false },
            { type: 'Acme_B', encoding: 'raw', required: false },
          ],
        },
      },
      /only one partner identity/,
    ],
    [
      'push receipts without a provider id',
      { ...minimal, event_processing_registration: { supported_event_types: ['push_message_receipt'] } },
      /push_messaging_provider_id: is required/,
    ],
    [
      'user attribute changes without the permission',
      { ...minimal, event_processing_registration: { supported_event_types: ['user_attribute_change'] } },
      /allow_user_attributes: must be true/,
    ],
    [
      'an unknown user identity type',
      { ...minimal, permissions: { user_identities: [{ type: 'shoe_size', encoding: 'raw', required: false }] } },
      /permissions\.user_identities\[0\]\.type: "shoe_size"/,
    ],
    [
      'a partner identity without a type',
      { ...minimal, permissions: { partner_identities: [{ type: ' ', encoding: 'raw', required: false }] } },
      /permissions\.partner_identities\[0\]\.type: must be a non-empty string/,
    ],
    [
      'the Java name is_required on an identity permission',
      {
        ...minimal,
        permissions: {
          user_identities: [{ type: 'email', encoding: 'raw', is_required: true } as unknown as IdentityPermission],
        },
      },
      /permissions\.user_identities\[0\]\.is_required: is a Java getter name; the wire name is "required"/,
    ],
    [
      'the Java name is_confidential on a partner identity',
      {
        ...minimal,
        permissions: {
          partner_identities: [
            {
              type: 'Acme_Id',
              encoding: 'raw',
              required: false,
              is_confidential: false,
            } as unknown as IdentityPermission,
          ],
        },
      },
      /permissions\.partner_identities\[0\]\.is_confidential: is a Java getter name/,
    ],
    [
      'no supported event type',
      { ...minimal, event_processing_registration: { supported_event_types: [] } },
      /supported_event_types: lists no event type/,
    ],
    [
      'an unknown runtime environment',
      {
        ...minimal,
        event_processing_registration: {
          supported_event_types: ['custom_event'],
          supported_runtime_environments: ['toaster' as 'ios'],
        },
      },
      /supported_runtime_environments\[0\]: "toaster"/,
    ],
    [
      'an unknown system notification type',
      {
        ...minimal,
        event_processing_registration: {
          supported_event_types: ['custom_event'],
          supported_system_notification_types: ['weather' as 'gdpr_consent_state'],
        },
      },
      /supported_system_notification_types\[0\]: "weather"/,
    ],
    [
      'a data age that is not a whole number of hours',
      {
        ...minimal,
        event_processing_registration: { supported_event_types: ['custom_event'], max_data_age_hours: 1.5 },
      },
      /max_data_age_hours: must be a whole number/,
    ],
    [
      'a DSR block without types',
      { ...minimal, dsr_processing_registration: { supported_dsr_types: [] } },
      /supported_dsr_types: lists no type/,
    ],
    [
      'a DSR type other than erasure',
      { ...minimal, dsr_processing_registration: { supported_dsr_types: ['portability' as 'erasure'] } },
      /supported_dsr_types\[0\]: "portability"/,
    ],
  ])('reports %s', (_name, registration, expected) => {
    const problems = checkRegistration(registration);
    expect(
      problems.some((p) => expected.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it.each<[string, Setting, RegExp]>([
    [
      'required on a boolean setting',
      { type: 'boolean', id: 'b', name: 'B', required: true } as unknown as Setting,
      /\.required: boolean settings take no "required"/,
    ],
    [
      'confidential on an integer setting',
      { type: 'integer', id: 'n', name: 'N', confidential: true } as unknown as Setting,
      /\.confidential: only text settings/,
    ],
    [
      'the Java name is_required',
      { type: 'text', id: 't', name: 'T', is_required: true } as unknown as Setting,
      /\.is_required: is a Java getter name/,
    ],
    [
      'the Java name is_confidential',
      { type: 'text', id: 't', name: 'T', is_confidential: true } as unknown as Setting,
      /\.is_confidential: is a Java getter name/,
    ],
    ['an empty id', { type: 'text', id: '', name: 'T' }, /\.id: must be a non-empty string/],
    ['an empty name', { type: 'text', id: 't', name: '' }, /\.name: must be a non-empty string/],
    [
      'confidential on a boolean setting',
      { type: 'boolean', id: 'b', name: 'B', confidential: true } as unknown as Setting,
      /\.confidential: only text settings/,
    ],
    [
      'an unknown setting type',
      { type: 'date', id: 'd', name: 'D' } as unknown as Setting,
      /\.type: "date" is not one of/,
    ],
  ])('reports %s', (_name, setting, expected) => {
    const problems = checkRegistration(withSettings([setting]));
    expect(
      problems.some((p) => expected.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('accepts confidential: false on a boolean setting: it claims no secrecy', () => {
    const setting = { type: 'boolean', id: 'b', name: 'B', confidential: false } as unknown as Setting;
    expect(checkRegistration(withSettings([setting]))).toEqual([]);
  });

  it('checks the settings of every block', () => {
    const bad = { type: 'boolean', id: 'b', name: 'B', required: true } as unknown as Setting;
    const registration: ModuleRegistration = {
      ...minimal,
      audience_processing_registration: { account_settings: [bad], audience_subscription_settings: [bad] },
      dsr_processing_registration: { supported_dsr_types: ['erasure'], account_settings: [bad] },
    };
    expect(checkRegistration(registration).map((p) => p.split(':')[0])).toEqual([
      'audience_processing_registration.account_settings[0].required',
      'audience_processing_registration.audience_subscription_settings[0].required',
      'dsr_processing_registration.account_settings[0].required',
    ]);
  });

  it('never sends a Java getter name to mParticle, even when the registration carries one', () => {
    // Prepare
    const registration: ModuleRegistration = {
      ...withSettings([{ type: 'text', id: 't', name: 'T', is_required: true } as unknown as Setting]),
      permissions: {
        user_identities: [{ type: 'email', encoding: 'raw', is_required: true } as unknown as IdentityPermission],
      },
    };
    // Act
    const wire = JSON.stringify(moduleRegistrationResponse(registration));
    // Assess
    expect(wire).not.toContain('is_required');
    expect(wire).toContain('"type":"email"');
  });

  it('reports a setting id declared twice in one block', () => {
    const setting: Setting = { type: 'text', id: 'apiKey', name: 'Key' };
    expect(checkRegistration(withSettings([setting, setting]))).toEqual([
      'event_processing_registration.account_settings[1].id: "apiKey" is declared twice',
    ]);
  });
});

describe('npm run registration', () => {
  it('prints a registration response that follows the wire rules of the protocol', () => {
    // Act
    const stdout = execFileSync('npx', ['tsx', 'scripts/registration.ts'], { encoding: 'utf8' });
    const response = JSON.parse(stdout) as Record<string, unknown>;
    // Assess: envelope
    expect(response).toMatchObject({
      type: 'module_registration_response',
      firehose_version: '3.2.0',
      sdk_version: '3.2.0',
    });
    expect(response['id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(response['description']).length).toBeLessThan(230);
    // Assess: every setting, in every block, spelled as on the wire
    const blocks = ['event_processing_registration', 'audience_processing_registration', 'dsr_processing_registration'];
    const settings = blocks.flatMap((block) => {
      const value = response[block] as Record<string, unknown[]> | undefined;
      return [...(value?.['account_settings'] ?? []), ...(value?.['audience_subscription_settings'] ?? [])] as Record<
        string,
        unknown
      >[];
    });
    expect(settings.length).toBeGreaterThan(0);
    for (const setting of settings) {
      expect(setting).not.toHaveProperty('is_required');
      expect(setting).not.toHaveProperty('is_confidential');
      if (setting['type'] === 'boolean') expect(setting).not.toHaveProperty('required');
      if (setting['type'] !== 'text') expect(setting).not.toHaveProperty('confidential');
    }
    // The default integration's deliveries carry mpids, and it takes erasure requests.
    expect(response).toMatchObject({
      permissions: { allow_access_mpid: true },
      dsr_processing_registration: { supported_dsr_types: ['erasure'] },
    });
    expect(settings.find((s) => s['id'] === 'apiKey')).toMatchObject({
      type: 'text',
      required: true,
      confidential: true,
    });
  });
});
