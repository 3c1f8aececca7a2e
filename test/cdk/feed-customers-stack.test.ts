import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEED_ENV } from '../../lambda/config/environment';
import { readAppConfig } from '../../lib/config';
import { CustomerFeeds } from '../../lib/customer-feeds';
import { FeedIngestion } from '../../lib/feed-construct';
import { logicalIdOf, synthesizeBeforeAll, TEST_PARTNER_API_URL } from './support/synth';
import { allPolicyStatements, propertiesOf, resourcesOfType } from './support/template-queries';

/** The kit's app deploying the feed for every mutual customer (context "feedCustomers"; docs/feeds.md). */

const PREFIX = 'acme-partner/feed-customers/';

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations: ReadonlyArray<{ readonly ruleName: string; readonly severity: string }>;
  }>;
}

describe('context "feedCustomers"', () => {
  // Act: synth also runs cdk-nag (and CloudFormation's rules), so it fails on an unacknowledged finding.
  const synthesized = synthesizeBeforeAll(
    { partnerApiUrl: TEST_PARTNER_API_URL, feed: true, feedCustomers: true, feedSecretPrefix: PREFIX },
    { cloudFormationValidation: true },
  );
  let report: ValidationReport;

  beforeAll(() => {
    const reportFile = path.join(synthesized.assembly.directory, 'validation-report.json');
    report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ValidationReport;
  });

  it('deploys the many-customer feed, not the single-customer one', () => {
    const feed = synthesized.stack().feed;
    expect(feed).toBeInstanceOf(CustomerFeeds);
    expect(feed).not.toBeInstanceOf(FeedIngestion);
    expect(feed?.secretPrefix).toBe(PREFIX);
  });

  it('outputs the bucket and the secret prefix, and no single secret', () => {
    const stack = synthesized.stack();
    const template = synthesized.template();
    template.hasOutput('FeedBucketName', { Value: { Ref: logicalIdOf(stack, stack.feed?.bucket) } });
    template.hasOutput('FeedCustomerSecretPrefix', { Value: PREFIX });
    template.hasOutput('FeedDeadLetterQueueUrl', {});
    expect(Object.keys(template.findOutputs('FeedSecretArn'))).toEqual([]);
  });

  it('gives the function the prefix and lets it read secrets under that prefix only', () => {
    const stack = synthesized.stack();
    const template = synthesized.template();
    const fn = propertiesOf(template, logicalIdOf(stack, stack.feed?.function));
    const variables = (fn['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(variables[FEED_ENV.customerSecretPrefix]).toBe(PREFIX);
    expect(variables[FEED_ENV.secretArn]).toBeUndefined();
    expect(variables[FEED_ENV.pod]).toBeUndefined();
    const secretReads = allPolicyStatements(template).filter((statement) =>
      [statement.Action].flat().includes('secretsmanager:GetSecretValue'),
    );
    const feedReads = secretReads.filter((statement) => JSON.stringify(statement.Resource).includes(PREFIX));
    expect(feedReads).toHaveLength(1);
    expect(JSON.stringify(feedReads[0]?.Resource)).toMatch(/:secret:acme-partner\/feed-customers\/\*"/);
    // No secret is created for the feed: customers' secrets are added later, without a deploy.
    const feedSecrets = resourcesOfType(template, 'AWS::SecretsManager::Secret').filter(([id]) =>
      id.startsWith('Feed'),
    );
    expect(feedSecrets).toEqual([]);
  });

  it('leaves no cdk-nag finding unacknowledged and no validation error', () => {
    // The report lists only plugins with findings (test/cdk/cdk-nag.test.ts checks that cdk-nag runs at all).
    const violations = report.pluginReports.flatMap((plugin) =>
      plugin.violations.filter((v) => plugin.pluginName.startsWith('AwsSolutions') || v.severity === 'error'),
    );
    expect(violations).toEqual([]);
  });
});

describe('readAppConfig: the many-customer feed settings', () => {
  const configFrom = (context: Record<string, unknown>) => readAppConfig((key) => context[key]).forRegion('us-east-1');

  it('reads -c strings, and leaves the prefix to the construct when unset', () => {
    expect(configFrom({ feed: 'true', feedCustomers: 'true', feedSecretPrefix: '' })).toMatchObject({
      feed: true,
      feedCustomers: true,
      feedSecretPrefix: undefined,
    });
    expect(configFrom({})).toMatchObject({ feedCustomers: false, feedSecretPrefix: undefined });
  });

  it.each([
    [{ feedCustomers: true }, /"feedCustomers" needs "feed=true"/],
    [{ feed: true, feedCustomers: true, feedPod: 'us1' }, /"feedPod" is for a single-customer feed/],
    [{ feed: true, feedPod: 'xx9' }, /context "feedPod" must be one of us1, us2, eu1, au1, got "xx9"/],
    [{ feed: true, feedSecretPrefix: PREFIX }, /"feedSecretPrefix" needs "feedCustomers=true"/],
    [{ feed: true, feedCustomers: true, feedSecretPrefix: 'no-slash' }, /context "feedSecretPrefix": .*ending in "\/"/],
  ])('rejects %j', (context, message) => {
    expect(() => configFrom(context)).toThrow(message);
  });
});
