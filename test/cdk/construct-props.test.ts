import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { DELIVERY_DEFAULTS } from '../../lambda/delivery/defaults';
import { ConstructPropsError } from '../../lib/errors';
import { retryBudgetSeconds } from '../../lib/delivery-settings';
import { FeedIngestion, type FeedIngestionProps } from '../../lib/feed-construct';
import { FirehoseIntegration, type FirehoseIntegrationProps } from '../../lib/firehose-integration';
import { FUNCTION_RUNTIME } from '../../lib/kit-function';
import { ESBUILD_TARGET, LAMBDA_RUNTIME_NAME } from '../../lib/node-runtime';
import { TEST_PARTNER_API_URL, standInsForMissingHandlers } from './support/synth';
import { resourcesOfType } from './support/template-queries';
import { thrownBy } from '../support/thrown';
import { DELIVERY_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { DELIVERY_INFRASTRUCTURE } from '../../lambda/delivery/infrastructure';

/** The construct in a bare stack, bundling skipped (only entry paths matter), no schema validation. */
function synthesize(props: FirehoseIntegrationProps = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Props', { env: { region: 'eu-west-1' } });
  const integration = new FirehoseIntegration(stack, 'Firehose', {
    partnerApiUrl: TEST_PARTNER_API_URL,
    handlerEntries: standInsForMissingHandlers(),
    ...props,
  });
  return { stack, integration, template: Template.fromStack(stack) };
}

/** The typed error the construct throws for `props`, or a failed assertion when it throws none. */
const refusal = (props: FirehoseIntegrationProps): ConstructPropsError =>
  thrownBy(ConstructPropsError, () => synthesize(props));

/** Properties of the function whose logical id belongs to `fn`. */
function functionProperties(template: Template, stack: Stack, fn: lambda.IFunction): Record<string, unknown> {
  const logicalId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
  const resource = template.toJSON()['Resources'][logicalId] as { Properties: Record<string, unknown> };
  return resource.Properties;
}

function queueProperties(template: Template, stack: Stack, queue: sqs.IQueue): Record<string, unknown> {
  const logicalId = stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue);
  return (template.toJSON()['Resources'][logicalId] as { Properties: Record<string, unknown> }).Properties;
}

describe('FirehoseIntegration props, merged over the defaults', () => {
  it('keeps every default when no props are given', () => {
    // Act
    const { stack, integration, template } = synthesize();

    // Assess
    expect(functionProperties(template, stack, integration.ingressFunction)).toMatchObject({
      MemorySize: 1024,
      Timeout: 10,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
    expect(functionProperties(template, stack, integration.workerFunction)).toMatchObject({
      MemorySize: 1024,
      Timeout: DELIVERY_INFRASTRUCTURE.workerTimeoutSeconds,
      Runtime: 'nodejs24.x',
    });
    expect(queueProperties(template, stack, integration.deliveryQueue)).toMatchObject({
      VisibilityTimeout: 6 * DELIVERY_INFRASTRUCTURE.workerTimeoutSeconds,
      MessageRetentionPeriod: DELIVERY_INFRASTRUCTURE.queueRetentionDays * 86_400,
      RedrivePolicy: { maxReceiveCount: DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount },
    });
    expect(queueProperties(template, stack, integration.deadLetterQueue)).toMatchObject({
      MessageRetentionPeriod: DELIVERY_INFRASTRUCTURE.deadLetterRetentionDays * 86_400,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: DELIVERY_INFRASTRUCTURE.workerBatchSize,
      ScalingConfig: { MaximumConcurrency: DELIVERY_INFRASTRUCTURE.workerMaxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ ExpirationInDays: DELIVERY_INFRASTRUCTURE.claimCheckRetentionDays }),
        ]),
      },
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  it('applies function, queue and event-source overrides, and the queue visibility follows the worker timeout', () => {
    // Act
    const { stack, integration, template } = synthesize({
      enableHttpEndpoint: true,
      ingressFunctionProps: { memorySize: 2048, timeout: Duration.seconds(5), reservedConcurrentExecutions: 50 },
      workerFunctionProps: { memorySize: 512, timeout: Duration.seconds(30), environment: { EXTRA_SETTING: 'x' } },
      httpFunctionProps: { memorySize: 1536, architecture: lambda.Architecture.X86_64 },
      deliveryQueueProps: { retentionPeriod: Duration.days(10) },
      deadLetterQueueProps: { retentionPeriod: Duration.days(14), queueName: 'acme-firehose-dlq' },
      workerEventSourceProps: { batchSize: 5, maxConcurrency: 20 },
    });

    // Assess
    expect(functionProperties(template, stack, integration.ingressFunction)).toMatchObject({
      MemorySize: 2048,
      Timeout: 5,
      ReservedConcurrentExecutions: 50,
      Runtime: 'nodejs24.x',
    });
    const worker = functionProperties(template, stack, integration.workerFunction);
    expect(worker).toMatchObject({ MemorySize: 512, Timeout: 30 });
    // The user's variable is added; the kit's are all still there.
    expect((worker['Environment'] as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      EXTRA_SETTING: 'x',
      [DELIVERY_ENV.partnerApiUrl]: TEST_PARTNER_API_URL,
      [PLATFORM_ENV.serviceName]: 'firehose-worker',
    });
    // The worker splits PARTNER_MAX_RPS by the event source's maximum concurrency: the overridden one.
    expect((worker['Environment'] as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      [DELIVERY_ENV.workerMaxConcurrency]: '20',
    });
    expect(functionProperties(template, stack, integration.httpFunction as lambda.IFunction)).toMatchObject({
      MemorySize: 1536,
      Architectures: ['x86_64'],
    });
    expect(queueProperties(template, stack, integration.deliveryQueue)).toMatchObject({
      VisibilityTimeout: 180,
      MessageRetentionPeriod: 10 * 86_400,
      RedrivePolicy: expect.objectContaining({ maxReceiveCount: DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount }),
    });
    expect(queueProperties(template, stack, integration.deadLetterQueue)).toMatchObject({
      QueueName: 'acme-firehose-dlq',
      MessageRetentionPeriod: 14 * 86_400,
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 20 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // Claim checks outlive queue + DLQ + one redrive: 10 + 14 + 10 days.
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 34 })]) },
    });
    // The worker may run below mParticle's 1024 MB: nobody waits on it.
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  it('tells the worker how many containers share PARTNER_MAX_RPS, and refuses a ceiling they cannot share', () => {
    // Act
    const { stack, integration, template } = synthesize({
      workerFunctionProps: { environment: { [DELIVERY_ENV.partnerMaxRps]: '25' } },
    });
    const error = refusal({
      workerFunctionProps: { environment: { [DELIVERY_ENV.partnerMaxRps]: '4' } },
      workerEventSourceProps: { maxConcurrency: 5 },
    });
    const kitOwned = refusal({ workerFunctionProps: { environment: { [DELIVERY_ENV.workerMaxConcurrency]: '1' } } });

    // Assess
    const variables = (
      functionProperties(template, stack, integration.workerFunction)['Environment'] as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(variables).toMatchObject({
      [DELIVERY_ENV.partnerMaxRps]: '25',
      [DELIVERY_ENV.workerMaxConcurrency]: String(DELIVERY_INFRASTRUCTURE.workerMaxConcurrency),
    });
    expect(error.prop).toBe(`workerFunctionProps.environment.${DELIVERY_ENV.partnerMaxRps}`);
    expect(error.message).toContain('maximum concurrency (5)');
    expect(kitOwned.prop).toBe(`workerFunctionProps.environment.${DELIVERY_ENV.workerMaxConcurrency}`);
  });

  it('refuses at synth a worker retry setting the worker could not read, naming the variable and not its value', () => {
    for (const name of [DELIVERY_ENV.backoffBaseMs, DELIVERY_ENV.holdMaxMs, DELIVERY_ENV.deliveryBudgetSeconds]) {
      // Act
      const act = () => synthesize({ workerFunctionProps: { environment: { [name]: 'ten-minutes' } } });
      // Assess
      expect(act).toThrow(`${name} must be a positive whole number`);
      expect(act).not.toThrow('ten-minutes');
    }
    const fractional = refusal({ workerFunctionProps: { environment: { [DELIVERY_ENV.partnerMaxRps]: '12.5' } } });
    expect(fractional.message).toMatch(/must be a whole number of at least/);
  });

  it('keeps the default where an override is explicitly undefined', () => {
    // Act
    const { stack, integration, template } = synthesize({
      workerFunctionProps: { timeout: undefined, memorySize: undefined, bundling: { minify: undefined } },
      deliveryQueueProps: { retentionPeriod: undefined },
    });

    // Assess
    expect(functionProperties(template, stack, integration.workerFunction)).toMatchObject({
      MemorySize: 1024,
      Timeout: DELIVERY_INFRASTRUCTURE.workerTimeoutSeconds,
    });
    expect(queueProperties(template, stack, integration.deliveryQueue)).toMatchObject({
      MessageRetentionPeriod: DELIVERY_INFRASTRUCTURE.queueRetentionDays * 86_400,
    });
  });

  it('warns, without failing, when a front door gets less memory than mParticle recommends', () => {
    // Act
    const { stack } = synthesize({
      ingressFunctionProps: { memorySize: 512 },
      enableHttpEndpoint: true,
      httpFunctionProps: { memorySize: 768 },
    });

    // Assess
    const warnings = Annotations.fromStack(stack).findWarning(
      '*',
      Match.stringLikeRegexp('below the 1024 MB mParticle recommends'),
    );
    expect(warnings.map((warning) => String(warning.entry.data)).sort()).toEqual([
      expect.stringContaining('httpFunctionProps.memorySize 768 MB'),
      expect.stringContaining('ingressFunctionProps.memorySize 512 MB'),
    ]);
  });

  it('refuses a visibility timeout under six times the worker timeout', () => {
    // Act
    const error = refusal({
      workerFunctionProps: { timeout: Duration.seconds(120) },
      deliveryQueueProps: { visibilityTimeout: Duration.seconds(600) },
    });

    // Assess
    expect(error.prop).toBe('deliveryQueueProps.visibilityTimeout');
    expect(error.message).toContain('6 × 120 s = 720 s');
  });

  it('refuses a worker timeout that does not outlast one partner call', () => {
    // Act
    const error = refusal({
      workerFunctionProps: { timeout: Duration.millis(DELIVERY_DEFAULTS.workerCallDeadlineMs) },
    });

    // Assess
    expect(error.prop).toBe('workerFunctionProps.timeout');
    expect(error.message).toContain('partner-call deadline');
  });

  it('refuses a delivery queue retention shorter than the worker delivery budget, and accepts it with a budget that fits', () => {
    // Prepare: four days of retention cannot hold the default budget (7 days less 6 hours), but holds 3 days.
    const fourDays = { retentionPeriod: Duration.days(4) };
    expect(retryBudgetSeconds(DELIVERY_INFRASTRUCTURE.workerTimeoutSeconds, {})).toBeGreaterThan(4 * 86_400);

    // Act
    const error = refusal({
      deliveryQueueProps: fourDays,
      deadLetterQueueProps: { retentionPeriod: Duration.days(14) },
    });
    const accepted = synthesize({
      deliveryQueueProps: fourDays,
      workerFunctionProps: { environment: { [DELIVERY_ENV.deliveryBudgetSeconds]: String(3 * 86_400) } },
    });

    // Assess
    expect(error.prop).toBe('deliveryQueueProps.retentionPeriod');
    expect(error.message).toContain(DELIVERY_ENV.deliveryBudgetSeconds);
    expect(accepted.integration.deliveryQueue).toBeDefined();
  });

  it('refuses a dead-letter queue that keeps messages for less time than the delivery queue', () => {
    // Act
    const error = refusal({
      deliveryQueueProps: { retentionPeriod: Duration.days(7) },
      deadLetterQueueProps: { retentionPeriod: Duration.days(3) },
    });

    // Assess
    expect(error.prop).toBe('deadLetterQueueProps.retentionPeriod');
  });

  it.each<[string, FirehoseIntegrationProps, string]>([
    [
      'another runtime',
      { workerFunctionProps: { runtime: lambda.Runtime.NODEJS_22_X } },
      'workerFunctionProps.runtime',
    ],
    ['another entry', { ingressFunctionProps: { entry: '/tmp/elsewhere.ts' } }, 'ingressFunctionProps.entry'],
    ['another handler', { ingressFunctionProps: { handler: 'main' } }, 'ingressFunctionProps.handler'],
    [
      'prebuilt code',
      { workerFunctionProps: { code: lambda.Code.fromInline('exports.handler = () => {}') } },
      'workerFunctionProps.code',
    ],
    [
      'Docker bundling',
      { workerFunctionProps: { bundling: { forceDockerBundling: true } } },
      'workerFunctionProps.bundling.forceDockerBundling',
    ],
    [
      'another esbuild target',
      { ingressFunctionProps: { bundling: { target: 'node20' } } },
      'ingressFunctionProps.bundling.target',
    ],
    [
      'hooks that drop the runtime loop',
      {
        ingressFunctionProps: {
          bundling: { commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling: () => [] } },
        },
      },
      'ingressFunctionProps.bundling.commandHooks',
    ],
    [
      'a CommonJS HTTP function (its init awaits its warm-up at the top level)',
      { enableHttpEndpoint: true, httpFunctionProps: { bundling: { format: OutputFormat.CJS } } },
      'httpFunctionProps.bundling.format',
    ],
    [
      'a banner in place of the one defining `require` in the HTTP function’s ES module',
      { enableHttpEndpoint: true, httpFunctionProps: { bundling: { banner: '/* mine */' } } },
      'httpFunctionProps.bundling.banner',
    ],
    [
      'a kit variable',
      { workerFunctionProps: { environment: { [DELIVERY_ENV.deliveryQueueUrl]: 'https://elsewhere' } } },
      `workerFunctionProps.environment.${DELIVERY_ENV.deliveryQueueUrl}`,
    ],
    ['a FIFO queue', { deliveryQueueProps: { fifo: true } }, 'deliveryQueueProps.fifo'],
    [
      'partial batch responses off',
      { workerEventSourceProps: { reportBatchItemFailures: false } },
      'workerEventSourceProps.reportBatchItemFailures',
    ],
  ])('refuses %s, naming the prop', (_, props, prop) => {
    // Act
    const error = refusal(props);

    // Assess
    expect(error.prop).toBe(prop);
  });

  it('refuses a dead-letter queue wired by the user, and keeps the same runtime when it is named explicitly', () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const other = new sqs.Queue(new Stack(app, 'Other'), 'Dlq');

    // Act
    const error = refusal({ deliveryQueueProps: { deadLetterQueue: { queue: other, maxReceiveCount: 3 } } });
    const same = synthesize({ workerFunctionProps: { runtime: FUNCTION_RUNTIME } });

    // Assess
    expect(error.prop).toBe('deliveryQueueProps.deadLetterQueue');
    expect(functionProperties(same.template, same.stack, same.integration.workerFunction)['Runtime']).toBe(
      FUNCTION_RUNTIME.name,
    );
  });
});

describe('the one Node.js runtime', () => {
  it('is named the same by the CDK runtime, the esbuild target and the local tools', () => {
    // Assess
    expect(FUNCTION_RUNTIME.name).toBe(LAMBDA_RUNTIME_NAME);
    expect(LAMBDA_RUNTIME_NAME).toBe(`nodejs${ESBUILD_TARGET.replace('node', '')}.x`);
  });
});

describe('FeedIngestion builds its function through the same helper', () => {
  function synthesizeFeed(props: FeedIngestionProps = {}) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Feed', { env: { account: '123456789012', region: 'eu-west-1' } });
    const feed = new FeedIngestion(stack, 'Feed', props);
    return { stack, feed, template: Template.fromStack(stack) };
  }

  it('runs on the one runtime of the Firehose functions, with its overrides merged', () => {
    // Act
    const { stack, feed, template } = synthesizeFeed({
      functionProps: { memorySize: 2048, timeout: Duration.minutes(10) },
    });
    const firehose = synthesize();

    // Assess
    const runtimes = new Set(
      resourcesOfType(firehose.template, 'AWS::Lambda::Function').map(([, fn]) => fn.Properties?.['Runtime']),
    );
    expect([...runtimes]).toEqual([FUNCTION_RUNTIME.name]);
    expect(functionProperties(template, stack, feed.function)).toMatchObject({
      Runtime: FUNCTION_RUNTIME.name,
      MemorySize: 2048,
      Timeout: 600,
      LoggingConfig: { LogFormat: 'JSON' },
    });
  });

  it('refuses another runtime for the feed function', () => {
    // Act
    const act = () => synthesizeFeed({ functionProps: { runtime: lambda.Runtime.NODEJS_22_X } });

    // Assess
    expect(act).toThrow(ConstructPropsError);
    expect(act).toThrow(/functionProps\.runtime must be nodejs24\.x/);
  });
});
