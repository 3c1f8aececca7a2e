import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirehoseIntegration } from '../../lib/firehose-integration';
import { SYNTH_HOOK_TIMEOUT_MS, standInsForMissingHandlers } from './support/synth';
import { resourcesOfType } from './support/template-queries';

/** The construct on its own, in a plain stack, with props instead of context: what a reuser would write. */
describe('FirehoseIntegration as a reusable construct', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'firehose-integration-'));
  let integration: FirehoseIntegration;
  let template: Template;

  beforeAll(() => {
    // Prepare
    // No built-in CloudFormation validation here: the cdk-nag test runs it once for the whole app.
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Reuse', { env: { region: 'eu-west-1' } });

    // Act
    integration = new FirehoseIntegration(stack, 'Firehose', {
      mparticleAccounts: ['111122223333'],
      partnerApiUrl: 'https://api.partner.example',
      logRetention: logs.RetentionDays.TWO_WEEKS,
      backlogAgeAlarmThreshold: Duration.minutes(30),
      handlerEntries: standInsForMissingHandlers(),
    });
    template = Template.fromStack(stack);
  }, SYNTH_HOOK_TIMEOUT_MS);
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('exposes its resources as properties', () => {
    expect(integration.ingressAlias.aliasName).toBe('live');
    expect(integration.logGroups.http).toBeUndefined();
    expect(Object.keys(integration.alarms).sort()).toEqual([
      'deadLetterQueueNotEmpty',
      'deliveriesDeadLettered',
      'deliveryBacklogAge',
      'deliveryBudgetRunningOut',
      'ingressCallsParked',
      'ingressErrors',
      'ingressFailedInvocations',
      'ingressLatencyP99',
      'ingressManagedRuntimeFallback',
      'ingressThrottles',
      'workerErrors',
    ]);
    expect(integration.dashboard.node.scope).toBe(integration);
    expect(integration.httpFunctionUrl).toBeUndefined();
  });

  it('takes its accounts, retention and backlog threshold from props', () => {
    expect(resourcesOfType(template, 'AWS::Lambda::Permission').map(([, p]) => p.Properties?.['Principal'])).toEqual([
      '111122223333',
    ]);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 1800,
    });
  });

  it('names its dashboard after the stack and region, and reads custom metrics in the default namespace', () => {
    template.resourcePropertiesCountIs('AWS::CloudWatch::Dashboard', { DashboardName: 'Reuse-eu-west-1' }, 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CallsParked',
      Namespace: 'MparticleFirehose',
    });
  });

  it('refuses an empty account list', () => {
    const stack = new Stack(new App({ outdir }), 'Empty');
    expect(() => new FirehoseIntegration(stack, 'Firehose', { mparticleAccounts: [] })).toThrow(/must not be empty/);
  });
});
