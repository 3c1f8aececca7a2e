import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalIdOf, synthApp, synthesizeBeforeAll, TEST_PARTNER_API_URL } from './support/synth';
import {
  actionsOf,
  allPolicyStatements,
  referencedLogicalId,
  resourcesOfType,
  statementsOfRole,
} from './support/template-queries';
import { CAPTURE_ENV, DELIVERY_ENV, TOKEN_ENV } from '../../lambda/config/environment';

const EU_ACCOUNT = '111122223333';

describe('context "regions" (with a per-region "mparticleAccounts" map)', () => {
  const synthesized = synthesizeBeforeAll({
    partnerApiUrl: TEST_PARTNER_API_URL,
    regions: ['us-east-1', 'eu-central-1'],
    mparticleAccounts: { 'eu-central-1': [EU_ACCOUNT] },
  });

  it('builds one stack per region with region-specific names', () => {
    // Assess
    const stacks = synthesized.assembly.stacks.map((s) => ({ name: s.stackName, region: s.environment.region }));
    expect(stacks.sort((a, b) => b.name.localeCompare(a.name))).toEqual([
      { name: 'MparticleFirehose-us-east-1', region: 'us-east-1' },
      { name: 'MparticleFirehose-eu-central-1', region: 'eu-central-1' },
    ]);
  });

  it('synthesizes without an account (environment-agnostic account)', () => {
    for (const stack of synthesized.assembly.stacks) expect(stack.environment.account).toBe('unknown-account');
  });

  it('gives each region its own dashboard, named after its stack', () => {
    for (const region of ['us-east-1', 'eu-central-1']) {
      const dashboards = resourcesOfType(synthesized.template(region), 'AWS::CloudWatch::Dashboard');
      expect(dashboards.map(([, d]) => d.Properties?.['DashboardName'])).toEqual([`MparticleFirehose-${region}`]);
    }
  });

  it("uses the map entry for a mapped region and mParticle's accounts elsewhere", () => {
    const principals = (region: string): unknown[] =>
      resourcesOfType(synthesized.template(region), 'AWS::Lambda::Permission')
        .map(([, p]) => p.Properties?.['Principal'])
        .sort();
    expect(principals('eu-central-1')).toEqual([EU_ACCOUNT]);
    expect(principals('us-east-1')).toEqual(['338661164609', '457804467337']);
  });
});

describe('context "provisionedConcurrency"', () => {
  const synthesized = synthesizeBeforeAll({ partnerApiUrl: TEST_PARTNER_API_URL, provisionedConcurrency: 7 });

  it('puts provisioned concurrency on the ingress alias only', () => {
    const template = synthesized.template();
    template.hasResourceProperties('AWS::Lambda::Alias', {
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 7 },
    });
    template.allResourcesProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
  });
});

describe('without "partnerApiUrl" (cdk.json defaults)', () => {
  const synthesized = synthesizeBeforeAll();

  it('sets no delivery settings, so the ingress runs its dry run', () => {
    const template = synthesized.template();
    for (const name of [
      DELIVERY_ENV.partnerApiUrl,
      DELIVERY_ENV.deliveryQueueUrl,
      DELIVERY_ENV.deadLetterQueueUrl,
      DELIVERY_ENV.sealingKeyId,
    ]) {
      template.allResourcesProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ [name]: Match.absent() }) },
      });
    }
  });

  it(`sets no ${DELIVERY_ENV.dryRun} either: the deployed ingress refuses data instead of dropping it`, () => {
    synthesized.template().allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [DELIVERY_ENV.dryRun]: Match.absent(),
          [DELIVERY_ENV.partnerCredentialSecretArn]: Match.absent(),
        }),
      },
    });
  });

  it('warns at synth that data will be refused, and how to fix it', () => {
    const warnings = synthesized.stack().node.metadata.filter((entry) => entry.type === 'aws:cdk:warning');
    expect(JSON.stringify(warnings.map((w) => w.data))).toContain(
      '-c partnerApiUrl=https://… or, to log instead of sending, -c dryRun=true',
    );
  });
});

describe('context "dryRun"', () => {
  const synthesized = synthesizeBeforeAll({ dryRun: 'true' });

  it(`sets ${DELIVERY_ENV.dryRun}=true on the ingress, the only way a deployed function dry-runs`, () => {
    const stack = synthesized.stack();
    expect(
      synthesized.template().toJSON()['Resources'][logicalIdOf(stack, stack.integration.ingressFunction)].Properties
        .Environment.Variables,
    ).toMatchObject({ [DELIVERY_ENV.dryRun]: 'true' });
  });

  it('cannot be combined with a partner URL, which would then never be called', () => {
    expect(() => synthApp({ dryRun: true, partnerApiUrl: TEST_PARTNER_API_URL })).toThrow(
      'set either context "partnerApiUrl" or "dryRun=true", not both',
    );
  });
});

describe('context "capture" and "captureSampleRate"', () => {
  const synthesized = synthesizeBeforeAll({
    partnerApiUrl: TEST_PARTNER_API_URL,
    httpEndpoint: true,
    capture: 'true',
    captureSampleRate: '0.25',
  });

  it('adds the capture bucket and tells the ingress and the HTTP function where it is and how much to keep', () => {
    // Assess
    const stack = synthesized.stack();
    const resources = synthesized.template().toJSON()['Resources'];
    const bucketId = logicalIdOf(stack, stack.integration.requestCapture?.bucket);
    for (const fn of [stack.integration.ingressFunction, stack.integration.httpFunction]) {
      expect(resources[logicalIdOf(stack, fn)].Properties.Environment.Variables).toMatchObject({
        [CAPTURE_ENV.bucket]: { Ref: bucketId },
        [CAPTURE_ENV.sampleRate]: '0.25',
      });
    }
    expect(
      resources[logicalIdOf(stack, stack.integration.workerFunction)].Properties.Environment.Variables[
        CAPTURE_ENV.bucket
      ],
    ).toBeUndefined();
  });

  it('is off by default, and refuses a rate outside (0, 1]', () => {
    const plain = synthApp({ partnerApiUrl: TEST_PARTNER_API_URL });
    try {
      expect(plain.stack().integration.requestCapture).toBeUndefined();
    } finally {
      plain.dispose();
    }
    expect(() => synthApp({ partnerApiUrl: TEST_PARTNER_API_URL, capture: true, captureSampleRate: 2 })).toThrow(
      '"captureSampleRate" must be a number above 0',
    );
  });
});

describe('context "httpEndpoint" and "alarmTopicArn"', () => {
  const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:firehose-alarms';
  const synthesized = synthesizeBeforeAll({
    partnerApiUrl: TEST_PARTNER_API_URL,
    httpEndpoint: true,
    alarmTopicArn: TOPIC_ARN,
  });

  it("adds a Function URL with auth type NONE on the HTTP function's alias", () => {
    const stack = synthesized.stack();
    const template = synthesized.template();
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      Qualifier: 'live',
      TargetFunctionArn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.integration.httpFunction), 'Arn'] },
    });
  });

  it('outputs the endpoint URL', () => {
    const stack = synthesized.stack();
    synthesized.template().hasOutput('HttpEndpointUrl', {
      Value: { 'Fn::GetAtt': [logicalIdOf(stack, stack.integration.httpFunctionUrl), 'FunctionUrl'] },
    });
  });

  it('keeps the Firehose token in a generated secret that only the HTTP function can read', () => {
    // Prepare
    const stack = synthesized.stack();
    const template = synthesized.template();
    const secret = logicalIdOf(stack, stack.integration.firehoseTokenSecret);
    const httpRole = logicalIdOf(stack, stack.integration.httpFunction?.role);

    // Assess
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: Match.absent(),
      GenerateSecretString: Match.anyValue(),
    });
    const readers = allPolicyStatements(template).filter((s) => referencedLogicalId(s.Resource) === secret);
    expect(readers).toEqual(
      statementsOfRole(template, httpRole).filter((s) => referencedLogicalId(s.Resource) === secret),
    );
    expect(actionsOf(readers).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [TOKEN_ENV.secretArn]: { Ref: secret } }) },
    });
  });

  it('lets the HTTP function queue deliveries and generate data keys like the ingress', () => {
    const stack = synthesized.stack();
    const actions = actionsOf(
      statementsOfRole(synthesized.template(), logicalIdOf(stack, stack.integration.httpFunction?.role)),
    );
    expect(actions).toEqual(expect.arrayContaining(['sqs:SendMessage', 'kms:GenerateDataKey']));
    expect(actions).not.toContain('kms:Decrypt');
  });

  it('still grants mParticle accounts nothing but the ingress alias', () => {
    const stack = synthesized.stack();
    const permissions = resourcesOfType(synthesized.template(), 'AWS::Lambda::Permission').filter(
      ([, p]) => p.Properties?.['Principal'] !== '*',
    );
    expect(permissions.map(([, p]) => p.Properties?.['FunctionName'])).toEqual([
      { Ref: logicalIdOf(stack, stack.integration.ingressAlias) },
      { Ref: logicalIdOf(stack, stack.integration.ingressAlias) },
    ]);
  });

  it('adds error, 100 ms latency, RejectedAuth, CallsParked and FailedInvocations alarms for the HTTP function, and sends every alarm to the topic', () => {
    const template = synthesized.template();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 16);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RejectedAuth',
      Dimensions: [{ Name: 'service', Value: 'firehose-http' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      ExtendedStatistic: 'p99',
      Threshold: 100,
    });
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [TOPIC_ARN], OKActions: [TOPIC_ARN] });
  });
});

describe('context "alarmEmail"', () => {
  const synthesized = synthesizeBeforeAll({ partnerApiUrl: TEST_PARTNER_API_URL, alarmEmail: 'ops@example.com' });

  it('creates a TLS-only topic with an e-mail subscription and outputs its ARN', () => {
    const template = synthesized.template();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    expect(Object.keys(template.findOutputs('AlarmTopicArn'))).toEqual(['AlarmTopicArn']);
  });
});

describe('context "feed"', () => {
  // Act: synth also runs cdk-nag, so this fails if the feed brings unacknowledged findings.
  const synthesized = synthesizeBeforeAll({ partnerApiUrl: TEST_PARTNER_API_URL, feed: true });

  it('adds the S3 feed (FeedIngestion) and outputs where to upload and where the credentials go', () => {
    const stack = synthesized.stack();
    const template = synthesized.template();
    expect(stack.feed).toBeDefined();
    template.hasOutput('FeedBucketName', { Value: { Ref: logicalIdOf(stack, stack.feed?.bucket) } });
    expect(Object.keys(template.findOutputs('FeedSecretArn'))).toEqual(['FeedSecretArn']);
  });
});
