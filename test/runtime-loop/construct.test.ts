import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { afterAll, describe, expect, it } from 'vitest';
import { PLATFORM_ENV } from '../../lambda/config/environment';
import { MANAGED_RUNTIME_FALLBACK_METRIC } from '../../lambda/runtime-loop/files';
import { ConstructPropsError } from '../../lib/errors';
import { FirehoseIntegration, type FirehoseIntegrationProps } from '../../lib/firehose-integration';
import { SERVICE_NAMES } from '../../lib/metrics';
import { standInsForMissingHandlers } from '../cdk/support/synth';
import { resourcesOfType } from '../cdk/support/template-queries';
import { thrownBy } from '../support/thrown';

/**
 * What the construct does for the ingress's runtime loop: an alarm on the wrapper's fallback metric, selected as the
 * wrapper publishes it, and a refusal of the bundling override the loop cannot load.
 */
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-loop-construct-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function synthesize(props: Partial<FirehoseIntegrationProps> = {}): {
  template: Template;
  integration: FirehoseIntegration;
} {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Loop', { env: { region: 'eu-west-1' } });
  const integration = new FirehoseIntegration(stack, 'Firehose', {
    handlerEntries: standInsForMissingHandlers(),
    ...props,
  });
  return { template: Template.fromStack(stack), integration };
}

type FunctionEnvironment = { Variables?: Record<string, string> } | undefined;

/** The ingress function's environment variables in the template. */
function ingressVariables(template: Template): Record<string, string> {
  const variables = resourcesOfType(template, 'AWS::Lambda::Function').map(
    ([, f]) => (f.Properties?.['Environment'] as FunctionEnvironment)?.Variables ?? {},
  );
  const ingress = variables.filter((v) => v[PLATFORM_ENV.serviceName] === SERVICE_NAMES.ingress);
  expect(ingress).toHaveLength(1);
  return ingress[0] ?? {};
}

describe('the construct and the runtime loop', () => {
  it('alarms on any ManagedRuntimeFallback in the namespace and under the service the ingress is given', () => {
    // Act
    const { template, integration } = synthesize({ metricsNamespace: 'AcmeFirehose' });
    // Assess
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) => a.Properties?.['MetricName'] === MANAGED_RUNTIME_FALLBACK_METRIC,
    );
    expect(alarms).toHaveLength(1);
    const variables = ingressVariables(template);
    expect(alarms[0]?.[1].Properties).toMatchObject({
      Namespace: variables[PLATFORM_ENV.metricsNamespace],
      Dimensions: [{ Name: 'service', Value: variables[PLATFORM_ENV.serviceName] }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmDescription: expect.stringContaining('managed runtime'),
    });
    expect(variables[PLATFORM_ENV.metricsNamespace]).toBe('AcmeFirehose');
    expect(integration.alarms.ingressManagedRuntimeFallback).toBeDefined();
  });

  it('refuses an ESM bundle for the ingress at synth, naming the prop (the loop loads the handler as CommonJS)', () => {
    // Act
    const error = thrownBy(ConstructPropsError, () =>
      synthesize({ ingressFunctionProps: { bundling: { format: OutputFormat.ESM } } }),
    );
    // Assess
    expect(error.prop).toBe('ingressFunctionProps.bundling.format');
    expect(error.message).toMatch(/CommonJS|cjs/);
  });

  it('accepts an ESM bundle for a function without the loop, and CommonJS for the ingress', () => {
    // Act + Assess
    expect(() =>
      synthesize({
        workerFunctionProps: { bundling: { format: OutputFormat.ESM } },
        ingressFunctionProps: { bundling: { format: OutputFormat.CJS } },
      }),
    ).not.toThrow();
  });

  it('lets a user turn on Active tracing for the ingress (the loop sends the X-Ray error cause)', () => {
    // Act
    const { template } = synthesize({ ingressFunctionProps: { tracing: lambda.Tracing.ACTIVE } });
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
  });
});
