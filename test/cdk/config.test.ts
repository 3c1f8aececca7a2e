import { describe, expect, it } from 'vitest';
import { MPARTICLE_ACCOUNTS, readAppConfig } from '../../lib/config';

/** Context as the CLI delivers it: cdk.json values are JSON, `-c key=value` values are strings. */
function configFrom(context: Record<string, unknown>) {
  return readAppConfig((key) => context[key]);
}

describe('readAppConfig', () => {
  it("defaults to us-east-1, mParticle's accounts and everything optional off", () => {
    // Act
    const config = configFrom({});
    const region = config.forRegion('us-east-1');

    // Assess
    expect(config.regions).toEqual(['us-east-1']);
    expect(region).toMatchObject({
      mparticleAccounts: MPARTICLE_ACCOUNTS,
      partnerApiUrl: undefined,
      provisionedConcurrency: 0,
      httpEndpoint: false,
      feed: false,
      logRetentionDays: 30,
      logLevel: 'INFO',
    });
  });

  it('reads -c strings: comma lists, JSON lists, booleans and numbers', () => {
    expect(configFrom({ regions: 'us-east-1, eu-central-1' }).regions).toEqual(['us-east-1', 'eu-central-1']);
    expect(configFrom({ regions: '["us-east-1","eu-west-1"]' }).regions).toEqual(['us-east-1', 'eu-west-1']);
    const region = configFrom({ httpEndpoint: 'true', provisionedConcurrency: '25', logRetentionDays: '14' }).forRegion(
      'us-east-1',
    );
    expect(region).toMatchObject({ httpEndpoint: true, provisionedConcurrency: 25, logRetentionDays: 14 });
  });

  it('treats empty strings (the cdk.json placeholders) as unset', () => {
    const region = configFrom({ partnerApiUrl: '', alarmTopicArn: '', alarmEmail: '' }).forRegion('us-east-1');
    expect(region).toMatchObject({ partnerApiUrl: undefined, alarmTopicArn: undefined, alarmEmail: undefined });
  });

  it('resolves a per-region account map, with "default" for unmapped regions', () => {
    const config = configFrom({ mparticleAccounts: '{"eu-central-1":["111122223333"],"default":["444455556666"]}' });
    expect(config.forRegion('eu-central-1').mparticleAccounts).toEqual(['111122223333']);
    expect(config.forRegion('us-east-1').mparticleAccounts).toEqual(['444455556666']);
  });

  it("sends alarms to a single topic only in that topic's region, or to a topic per region from a map", () => {
    const single = configFrom({
      regions: 'us-east-1,eu-central-1',
      alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
    });
    expect(single.forRegion('us-east-1').alarmTopicArn).toBe('arn:aws:sns:us-east-1:123456789012:alarms');
    expect(single.forRegion('eu-central-1').alarmTopicArn).toBeUndefined();
    const map = configFrom({ alarmTopicArn: { 'eu-central-1': 'arn:aws:sns:eu-central-1:123456789012:alarms' } });
    expect(map.forRegion('eu-central-1').alarmTopicArn).toBe('arn:aws:sns:eu-central-1:123456789012:alarms');
  });

  it.each([
    [{ regions: [] }, /at least one region/],
    [{ regions: ['us-east-1', 'us-east-1'] }, /twice/],
    [{ regions: ['mars-1'] }, /not an AWS region/],
    [{ mparticleAccounts: ['12345'] }, /12-digit/],
    [{ mparticleAccounts: [] }, /at least one account/],
    [{ partnerApiUrl: 'http://partner.example' }, /https/],
    [{ provisionedConcurrency: -1 }, /whole number/],
    [{ httpEndpoint: 'yes' }, /true or false/],
    [{ logRetentionDays: 31 }, /must be one of/],
    [{ alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:t', alarmEmail: 'a@example.com' }, /not both/],
    [{ alarmTopicArn: 'alarms' }, /not an SNS topic ARN/],
    [{ alarmTopicArn: { 'us-east-1': 'arn:aws:sns:eu-west-1:123456789012:t' } }, /not in us-east-1/],
  ])('rejects %j', (context, message) => {
    expect(() => configFrom(context).forRegion('us-east-1')).toThrow(message);
  });
});
