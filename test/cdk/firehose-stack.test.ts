import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_DEFAULTS } from '../../lambda/delivery/defaults';
import { LAMBDA_TASK_DIR, RUNTIME_LOOP_FILES } from '../../lambda/runtime-loop/files';
import { MPARTICLE_ACCOUNTS } from '../../lib/config';
import type { FirehoseStack } from '../../lib/firehose-stack';
import { logicalIdOf, TEST_PARTNER_API_URL, synthesizeBeforeAll } from './support/synth';
import {
  actionsOf,
  allPolicyStatements,
  grantsEveryResource,
  propertiesOf,
  referencedLogicalId,
  resourcesOfType,
  statementsOfRole,
} from './support/template-queries';
import { DELIVERY_ENV, FUNCTION_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { DELIVERY_INFRASTRUCTURE, SEALING_ENCRYPTION_CONTEXT } from '../../lambda/delivery/infrastructure';
import { DEFAULT_METRICS_NAMESPACE } from '../../lib/metrics';

/** One synthesized stack (cdk.json defaults plus a partner URL), shared by every assertion below. */
let stack: FirehoseStack;
let template: Template;
let ids: {
  ingress: string;
  ingressAlias: string;
  ingressRole: string;
  worker: string;
  workerRole: string;
  queue: string;
  dlq: string;
  key: string;
};

// Prepare + Act
const synthesized = synthesizeBeforeAll({ partnerApiUrl: TEST_PARTNER_API_URL });
beforeAll(() => {
  stack = synthesized.stack();
  template = synthesized.template();
  const firehose = stack.integration;
  ids = {
    ingress: logicalIdOf(stack, firehose.ingressFunction),
    ingressAlias: logicalIdOf(stack, firehose.ingressAlias),
    ingressRole: logicalIdOf(stack, firehose.ingressFunction.role),
    worker: logicalIdOf(stack, firehose.workerFunction),
    workerRole: logicalIdOf(stack, firehose.workerFunction.role),
    queue: logicalIdOf(stack, firehose.deliveryQueue),
    dlq: logicalIdOf(stack, firehose.deadLetterQueue),
    key: logicalIdOf(stack, firehose.sealingKey),
  };
});

describe('functions', () => {
  it('gives every function 1024 MB, Node.js 24 and arm64', () => {
    // Assess
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.allResourcesProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
  });

  it('reserves no concurrency on any function (the limit is an account-level request)', () => {
    template.allResourcesProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
  });

  it('writes each function to its own log group with one month retention', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    for (const fn of [ids.ingress, ids.worker]) {
      const logGroup = (propertiesOf(template, fn)['LoggingConfig'] as { LogGroup: unknown }).LogGroup;
      expect(resourcesOfType(template, 'AWS::Logs::LogGroup').map(([id]) => id)).toContain(
        referencedLogicalId(logGroup),
      );
    }
  });

  it('gives the ingress its delivery settings under the names in lambda/config/environment.ts', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: 10,
      Environment: {
        Variables: Match.objectLike({
          [DELIVERY_ENV.partnerApiUrl]: TEST_PARTNER_API_URL,
          [DELIVERY_ENV.deliveryQueueUrl]: { Ref: ids.queue },
          [DELIVERY_ENV.deadLetterQueueUrl]: { Ref: ids.dlq },
          [DELIVERY_ENV.sealingKeyId]: { 'Fn::GetAtt': [ids.key, 'Arn'] },
          [PLATFORM_ENV.nodeOptions]: '--enable-source-maps',
          [PLATFORM_ENV.serviceName]: 'firehose-ingress',
          [PLATFORM_ENV.metricsNamespace]: 'MparticleFirehose',
          [FUNCTION_ENV.logLevel]: 'INFO',
        }),
      },
    });
  });

  it("starts the ingress through the runtime loop's exec wrapper, and only the ingress", () => {
    // Assess: the wrapper reads the payload's bytes, so 64-bit integers stay exact (docs/runtime-loop.md).
    const variables = (id: string) =>
      (propertiesOf(template, id)['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(variables(ids.ingress)[PLATFORM_ENV.lambdaExecWrapper]).toBe(
      `${LAMBDA_TASK_DIR}/${RUNTIME_LOOP_FILES.wrapper}`,
    );
    expect(variables(ids.ingress)[FUNCTION_ENV.managedRuntime]).toBeUndefined();
    expect(variables(ids.worker)[PLATFORM_ENV.lambdaExecWrapper]).toBeUndefined();
  });

  it('times the worker out after DELIVERY_INFRASTRUCTURE.workerTimeoutSeconds', () => {
    expect(propertiesOf(template, ids.worker)['Timeout']).toBe(DELIVERY_INFRASTRUCTURE.workerTimeoutSeconds);
  });
});

describe('alias and invoke permissions', () => {
  it('publishes a version and points the "live" alias at it', () => {
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionName: { Ref: ids.ingress },
      FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngressFunctionCurrentVersion'), 'Version'] },
    });
  });

  it("lets exactly mParticle's two accounts invoke the alias, one statement each", () => {
    // Prepare
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission');

    // Assess
    expect(permissions).toHaveLength(2);
    expect(permissions.map(([, p]) => p.Properties?.['Principal']).sort()).toEqual([...MPARTICLE_ACCOUNTS].sort());
    expect(new Set(permissions.map(([id]) => id)).size).toBe(2);
    for (const [, permission] of permissions) {
      expect(permission.Properties?.['Action']).toBe('lambda:InvokeFunction');
      expect(permission.Properties?.['FunctionName']).toEqual({ Ref: ids.ingressAlias });
    }
  });

  it('grants nothing on the unqualified ingress function', () => {
    const onFunction = resourcesOfType(template, 'AWS::Lambda::Permission').filter(
      ([, p]) => referencedLogicalId(p.Properties?.['FunctionName']) === ids.ingress,
    );
    expect(onFunction).toEqual([]);
  });

  it('configures no provisioned concurrency by default', () => {
    template.allResourcesProperties('AWS::Lambda::Alias', { ProvisionedConcurrencyConfig: Match.absent() });
  });
});

describe('queues', () => {
  it('redrives to the dead-letter queue after DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount receives', () => {
    expect(propertiesOf(template, ids.queue)['RedrivePolicy']).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] },
      maxReceiveCount: DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount,
    });
  });

  it('encrypts both queues at rest and keeps messages as long as the defaults say', () => {
    expect(propertiesOf(template, ids.queue)).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: DELIVERY_INFRASTRUCTURE.queueRetentionDays * 86_400,
    });
    expect(propertiesOf(template, ids.dlq)).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: DELIVERY_INFRASTRUCTURE.deadLetterRetentionDays * 86_400,
    });
  });

  it('denies non-TLS requests on both queues', () => {
    for (const queue of [ids.queue, ids.dlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('sets the visibility timeout to at least six times the worker timeout', () => {
    const visibility = propertiesOf(template, ids.queue)['VisibilityTimeout'] as number;
    const workerTimeout = propertiesOf(template, ids.worker)['Timeout'] as number;
    expect(visibility).toBeGreaterThanOrEqual(6 * workerTimeout);
  });

  it('feeds the worker with partial batch responses, the default batch size and capped concurrency', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.worker },
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: DELIVERY_INFRASTRUCTURE.workerBatchSize,
      ScalingConfig: { MaximumConcurrency: DELIVERY_INFRASTRUCTURE.workerMaxConcurrency },
    });
  });
});

describe('keys and permissions', () => {
  it('rotates the sealing key', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('lets the ingress generate data keys but not decrypt', () => {
    const kms = actionsOf(statementsOfRole(template, ids.ingressRole)).filter((action) => action.startsWith('kms:'));
    expect(kms).toEqual(['kms:GenerateDataKey']);
  });

  it('lets the worker decrypt data keys but not generate them', () => {
    const kms = actionsOf(statementsOfRole(template, ids.workerRole)).filter((action) => action.startsWith('kms:'));
    expect(kms).toEqual(['kms:Decrypt']);
  });

  it('allows data-key calls only with the sealing encryption context', () => {
    for (const role of [ids.ingressRole, ids.workerRole]) {
      const statements = statementsOfRole(template, role).filter((s) =>
        actionsOf([s]).some((a) => a.startsWith('kms:')),
      );
      expect(statements).toHaveLength(1);
      expect(statements[0]?.Condition).toEqual({
        StringEquals: { 'kms:EncryptionContext:purpose': SEALING_ENCRYPTION_CONTEXT['purpose'] },
      });
      expect(referencedLogicalId(statements[0]?.Resource)).toBe(ids.key);
    }
  });

  it('lets the delivering functions read the partner credential (GetSecretValue only), and names it in their env', () => {
    // Prepare
    const secret = logicalIdOf(stack, stack.integration.partnerCredentialSecret);
    // Assess
    const readers = allPolicyStatements(template).filter((s) => referencedLogicalId(s.Resource) === secret);
    expect(actionsOf(readers)).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue']);
    for (const role of [ids.ingressRole, ids.workerRole]) {
      expect(statementsOfRole(template, role).filter((s) => referencedLogicalId(s.Resource) === secret)).toHaveLength(
        1,
      );
    }
    for (const fn of [ids.ingress, ids.worker]) {
      expect(propertiesOf(template, fn)['Environment']).toMatchObject({
        Variables: { [DELIVERY_ENV.partnerCredentialSecretArn]: { Ref: secret } },
      });
    }
    template.hasOutput('PartnerCredentialSecretArn', { Value: { Ref: secret } });
  });

  it('lets the ingress send to the delivery queue and the dead-letter queue, nothing else on SQS', () => {
    const statements = statementsOfRole(template, ids.ingressRole).filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('sqs:')),
    );
    expect(actionsOf(statements).sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    const resources = statements
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
      .map(referencedLogicalId);
    expect(resources.sort()).toEqual([ids.dlq, ids.queue].sort());
  });

  it('lets the worker consume and delay messages on the queue and send to the dead-letter queue', () => {
    const statements = statementsOfRole(template, ids.workerRole);
    const onQueue = statements.filter((s) => referencedLogicalId(s.Resource) === ids.queue);
    const onDlq = statements.filter((s) => referencedLogicalId(s.Resource) === ids.dlq);
    expect(actionsOf(onQueue)).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
    expect(actionsOf(onQueue)).not.toContain('sqs:SendMessage');
    expect(actionsOf(onDlq)).toContain('sqs:SendMessage');
  });

  it('uses no wildcard actions or resources in any IAM policy', () => {
    // The key policy's "kms:*" for the account root is a resource policy (KMS's default that keeps the key
    // manageable); it is not an IAM policy and is not checked here.
    const statements = allPolicyStatements(template);
    expect(statements.length).toBeGreaterThan(5);
    for (const statement of statements) {
      expect(actionsOf([statement]).filter((action) => action.includes('*'))).toEqual([]);
      expect(grantsEveryResource(statement)).toBe(false);
    }
  });

  it('attaches no AWS managed policy to any role (log permissions are scoped to each log group)', () => {
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });
});

describe('alarms', () => {
  it("raises one alarm per entry of the integration's alarm set and no other, each on Lambda's, SQS's or the functions' own metrics", () => {
    // Prepare: the set the construct exposes (the HTTP entries are absent without an HTTP endpoint).
    const set = Object.values(stack.integration.alarms).filter((alarm) => alarm !== undefined);
    // Act
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
    // Assess
    expect(set.length).toBeGreaterThan(5);
    expect(alarms.map(([id]) => id).sort()).toEqual(set.map((alarm) => logicalIdOf(stack, alarm)).sort());
    for (const [id, alarm] of alarms)
      expect(['AWS/Lambda', 'AWS/SQS', DEFAULT_METRICS_NAMESPACE], id).toContain(alarm.Properties?.['Namespace']);
  });

  it('watches ingress throttles and errors, and worker errors, for any occurrence', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Namespace: 'AWS/Lambda',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.ingress } }],
    });
    for (const fn of [ids.ingress, ids.worker]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Threshold: 0,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
      });
    }
  });

  it('watches the p99 duration of the alias against the 200 ms budget', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      ExtendedStatistic: 'p99',
      Threshold: 200,
      Dimensions: Match.arrayWith([Match.objectLike({ Name: 'Resource' })]),
    });
  });

  it('watches the dead-letter queue for any message and the delivery queue for a 15-minute backlog', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 0,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.dlq, 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Namespace: 'AWS/SQS',
      Threshold: 900,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
    });
  });

  it("warns a day before the oldest queued delivery reaches the worker's budget, and keeps that budget inside the retention", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: DELIVERY_DEFAULTS.deliveryBudgetSeconds - 86_400,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
    });
    expect(propertiesOf(template, ids.queue)['MessageRetentionPeriod']).toBeGreaterThan(
      DELIVERY_DEFAULTS.deliveryBudgetSeconds,
    );
  });

  it('has no alarm actions unless a topic is configured', () => {
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
  });
});

describe('outputs', () => {
  it('outputs the alias ARN for mParticle, the function, worker and queue ARNs and URLs', () => {
    template.hasOutput('IngressAliasArn', {
      Value: { Ref: ids.ingressAlias },
      Description: Match.stringLikeRegexp('mParticle'),
    });
    template.hasOutput('IngressFunctionArn', { Value: { 'Fn::GetAtt': [ids.ingress, 'Arn'] } });
    template.hasOutput('WorkerFunctionArn', { Value: { 'Fn::GetAtt': [ids.worker, 'Arn'] } });
    template.hasOutput('DeliveryQueueUrl', { Value: { Ref: ids.queue } });
    template.hasOutput('DeliveryQueueArn', { Value: { 'Fn::GetAtt': [ids.queue, 'Arn'] } });
    template.hasOutput('DeadLetterQueueUrl', { Value: { Ref: ids.dlq } });
    template.hasOutput('DeadLetterQueueArn', { Value: { 'Fn::GetAtt': [ids.dlq, 'Arn'] } });
  });

  it('has no S3 feed unless context "feed" asks for it', () => {
    expect(stack.feed).toBeUndefined();
    template.resourceCountIs('AWS::S3::Bucket', 1); // the claim-check bucket
  });

  it('has no HTTP endpoint output while the HTTP variant is off', () => {
    expect(Object.keys(template.findOutputs('HttpEndpointUrl'))).toEqual([]);
    template.resourceCountIs('AWS::Lambda::Url', 0);
    expect(stack.integration.firehoseTokenSecret).toBeUndefined();
    // The one secret is the partner credential.
    expect(resourcesOfType(template, 'AWS::SecretsManager::Secret').map(([id]) => id)).toEqual([
      logicalIdOf(stack, stack.integration.partnerCredentialSecret),
    ]);
  });
});
