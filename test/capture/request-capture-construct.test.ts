import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { RequestCapture } from '../../lib/request-capture';
import { allPolicyStatements } from '../cdk/support/template-queries';
import { expectPrivateBucket } from '../support/private-bucket';
import { CAPTURE_ENV } from '../../lambda/config/environment';

/** The capture bucket beside a stand-in function, in a bare stack checked by cdk-nag. */
function synthesize(props: ConstructorParameters<typeof RequestCapture>[2] = {}) {
  // CloudFormation schema validation costs seconds and is covered by the stack's own cdk-nag test.
  const app = new App({ builtinCloudFormationValidation: false });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'CaptureStack', { env: { region: 'us-east-1' } });
  const fn = new lambda.Function(stack, 'Ingress', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  Validations.of(fn).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'Stand-in function of this test only',
    },
    { id: 'AwsSolutions-L1', reason: 'Stand-in function of this test only' },
  );
  const capture = new RequestCapture(stack, 'Capture', props);
  capture.grantCapture(fn);
  return { template: Template.fromStack(stack), stack };
}

describe('RequestCapture construct', () => {
  it('keeps captures private, encrypted, TLS-only and expiring after 14 days, and passes cdk-nag', () => {
    // Act (synthesis runs cdk-nag and throws on a finding)
    const { template } = synthesize();

    // Assess
    expectPrivateBucket(template, {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 14, Status: 'Enabled' })]),
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'Bucket/' }),
    });
  });

  it('lets the function put objects under captures/ and nothing else, and tells it the bucket and rate', () => {
    // Act
    const { template } = synthesize({ sampleRate: 0.25 });

    // Assess
    const s3Statements = allPolicyStatements(template).filter((s) => JSON.stringify(s.Action).includes('s3:'));
    expect(s3Statements).toHaveLength(1);
    const actions = [s3Statements[0]?.Action].flat();
    expect(actions).toEqual(['s3:PutObject']);
    expect(JSON.stringify(s3Statements[0]?.Resource)).toContain('/captures/*');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { [CAPTURE_ENV.bucket]: Match.anyValue(), [CAPTURE_ENV.sampleRate]: '0.25' } },
    });
  });

  it('refuses a sample rate outside (0, 1]', () => {
    expect(() => synthesize({ sampleRate: 0 })).toThrow(/sampleRate/);
    expect(() => synthesize({ sampleRate: 1.5 })).toThrow(/sampleRate/);
  });
});
