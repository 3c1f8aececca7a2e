import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  accountIdOf,
  accountSettings,
  audienceMembershipChangeResponse,
  audienceSubscriptionResponse,
  booleanSetting,
  eventProcessingResponse,
  FirehoseInputError,
  floatSetting,
  integerSetting,
  parseFirehoseRequest,
  requiredStringSetting,
  SettingError,
  stringSetting,
} from '../../lambda/firehose';
import { formatPath, printable, validate } from '../../lambda/firehose/validate';

/**
 * The small readers and messages of lambda/firehose, exactly: setting parsers as the Java SDK parses, the
 * errors' wording (what an operator reads), the validator for kit-owned formats. Written for the survivors and
 * uncovered mutants of `npm run mutation` (README, "Mutation testing").
 */

const account = (settings: Record<string, unknown>) => ({ account_id: 1, account_settings: settings });

describe('account settings', () => {
  it('are read as strings: scalars as their text, null as absent, all-string settings as they are', () => {
    // Prepare
    const strings = { apiKey: 'k', region: 'eu' };
    // Act
    const mixed = accountSettings(account({ apiKey: 'k', on: true, n: 5, gone: null, region: 'eu' }) as never);
    // Assess
    expect({ ...mixed }).toStrictEqual({ apiKey: 'k', on: 'true', n: '5', region: 'eu' });
    expect(accountSettings(account(strings) as never)).toBe(strings);
    expect(accountSettings(undefined)).toStrictEqual({});
  });

  it('parse as the Java SDK does, and errors name the setting, never its value', () => {
    // Prepare
    const settings = { t: 'TRUE', f: 'yes', i: ' 42 ', neg: '-7', x: '4.5', bad: 'secret-ish', empty: '' };
    // Assess
    expect(stringSetting(settings, 'empty')).toBeUndefined();
    expect(stringSetting(settings, 'bad')).toBe('secret-ish');
    expect(requiredStringSetting(settings, 'bad')).toBe('secret-ish');
    expect(() => requiredStringSetting(settings, 'empty')).toThrow('account setting "empty" is required but missing');
    expect(booleanSetting(settings, 't')).toBe(true);
    expect(booleanSetting(settings, 'f', true)).toBe(false);
    expect(booleanSetting(settings, 'absent', true)).toBe(true);
    expect(booleanSetting(settings, 'absent')).toBe(false);
    expect(integerSetting(settings, 'i')).toBe(42);
    expect(integerSetting(settings, 'neg')).toBe(-7);
    expect(integerSetting(settings, 'absent')).toBeUndefined();
    expect(() => integerSetting(settings, 'x')).toThrow('account setting "x" is not a whole number');
    expect(() => integerSetting({ y: '12abc' }, 'y')).toThrow(SettingError);
    expect(() => integerSetting({ y: 'abc12' }, 'y')).toThrow(SettingError);
    expect(floatSetting(settings, 'x')).toBe(4.5);
    expect(floatSetting(settings, 'i')).toBe(42);
    expect(floatSetting(settings, 'absent')).toBeUndefined();
    expect(() => floatSetting(settings, 'bad')).toThrow('account setting "bad" is not a number');
    expect(() => floatSetting({ blank: '  ' }, 'blank')).toThrow('account setting "blank" is not a number');
    const error = new SettingError('apiKey', 'is required but missing');
    expect(error.name).toBe('SettingError');
    expect(error.settingId).toBe('apiKey');
  });

  it('give an account id only when the wire value reads as a number', () => {
    expect(accountIdOf({ account_id: 12 } as never)).toBe(12);
    expect(accountIdOf({ account_id: '34' } as never)).toBe(34);
    expect(accountIdOf({ account_id: 56n } as never)).toBe(56);
    expect(accountIdOf({ account_id: ' ' } as never)).toBeUndefined();
    expect(accountIdOf({ account_id: 'abc' } as never)).toBeUndefined();
    expect(accountIdOf({ account_id: true } as never)).toBeUndefined();
    expect(accountIdOf(undefined)).toBeUndefined();
  });
});

describe('errors say what is wrong, and where', () => {
  it('FirehoseInputError: the path, then the reason; the reason alone at the top', () => {
    const nested = new FirehoseInputError('events[0].type', 'is required');
    const top = new FirehoseInputError('', 'input is not valid JSON');
    expect(nested.message).toBe('events[0].type: is required');
    expect(nested.name).toBe('FirehoseInputError');
    expect(top.message).toBe('input is not valid JSON');
  });

  it('the parser names bad bytes, bad JSON with its position, and the field path', () => {
    const error = (input: unknown): FirehoseInputError => {
      try {
        parseFirehoseRequest(input);
      } catch (caught) {
        if (caught instanceof FirehoseInputError) return caught;
        throw caught;
      }
      throw new Error('no error');
    };
    expect(error(Uint8Array.from([0x7b, 0xff, 0x7d])).message).toBe('input is not valid UTF-8');
    expect(error('{"aaaaaaaaaa":1,x}').message).toBe('input is not valid JSON (at line 1 column 17, position 16)');
    expect(error('{"type": ').message).toBe('input is not valid JSON (at line 1 column 10, position 9)');
    const notAnObject = error('{"type":"event_processing_request","id":"r","events":[{"type":"custom_event"},5]}');
    expect(notAnObject.path).toBe('events[1]');
    expect(notAnObject.message).toBe('events[1]: must be an object, got number');
  });
});

describe('validate (kit-owned formats)', () => {
  const schema = v.object({ call: v.object({ path: v.string(), tries: v.number() }) });

  it('returns the value when it fits, and names the path (with the prefix) and the problem when not', () => {
    expect(validate(schema, { call: { path: '/x', tries: 1 } }, 'message')).toStrictEqual({
      call: { path: '/x', tries: 1 },
    });
    expect(() => validate(schema, { call: { tries: 1 } }, 'message')).toThrow('message.call.path: is required');
    expect(() => validate(schema, { call: { path: 3, tries: 1 } }, '')).toThrow(
      'call.path: expected string, got number',
    );
    expect(() => validate(v.pipe(v.string(), v.minLength(3, 'is too short')), 'ab', 'name')).toThrow(
      'name: is too short',
    );
  });

  it('writes paths as code would, and bounds what it prints', () => {
    expect(formatPath(['events', 1, 'attributes', 'odd key', '$ok_1'])).toBe('.events[1].attributes["odd key"].$ok_1');
    expect(formatPath(['1abc', 'a-b'])).toBe('["1abc"]["a-b"]');
    expect(printable('a\u0000b\u001fc\u007f')).toBe('a?b?c?');
    expect(printable('x'.repeat(80))).toBe('x'.repeat(80));
    expect(printable('x'.repeat(81))).toBe(`${'x'.repeat(80)}…`);
  });
});

describe('responses', () => {
  it('carry subscription settings only when there are some, and suspend only when asked', () => {
    expect(audienceSubscriptionResponse({ region: 'eu' })).toMatchObject({
      audience_subscription_settings: { region: 'eu' },
    });
    expect(audienceSubscriptionResponse({})).not.toHaveProperty('audience_subscription_settings');
    expect(audienceSubscriptionResponse()).not.toHaveProperty('audience_subscription_settings');
    expect(audienceMembershipChangeResponse({ suspendSubscription: true }).suspend_subscription).toBe(true);
    expect(audienceMembershipChangeResponse().suspend_subscription).toBe(false);
    expect(eventProcessingResponse({ suspendSubscription: true })).toMatchObject({ suspend_subscription: true });
    expect(eventProcessingResponse()).not.toHaveProperty('suspend_subscription');
  });
});
