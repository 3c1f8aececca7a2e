import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { CustomerFeeds, type CustomerFeedsProps } from '../../lib/customer-feeds';
import { FeedIngestion, type FeedIngestionProps } from '../../lib/feed-construct';
import { FUNCTION_RUNTIME } from '../../lib/kit-function';
import { FEED_ENV } from '../../lambda/config/environment';
import { expectPrivateBucket } from '../support/private-bucket';

/**
 * A bare stack holding the construct; bundling is skipped so no esbuild run happens. CDK's built-in
 * CloudFormation schema validation costs ~14 s on first use, so only the cdk-nag test keeps it.
 */
function synthesize(
  props: (stack: Stack) => FeedIngestionProps = () => ({}),
  validateSchema = false,
  extra?: (stack: Stack) => void,
) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: validateSchema });
  // Plugins run at synth, and Template.fromStack below synthesizes: cdk-nag must be added before it.
  if (validateSchema) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'FeedStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const feed = new FeedIngestion(stack, 'Feed', props(stack));
  extra?.(stack);
  return { app, stack, feed, template: Template.fromStack(stack) };
}

let defaultSynthesis: ReturnType<typeof synthesize> | undefined;
/** The default-props stack, synthesised once and shared by the tests that only read it. */
const synthesizeDefault = (): ReturnType<typeof synthesize> => (defaultSynthesis ??= synthesize());

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
type PolicyResource = { Properties: { PolicyDocument: { Statement: Statement[] }; Roles: unknown[] } };

/** Statements of the policies attached to the feed function's role (not CDK's notification helper). */
function functionRoleStatements(template: Template, stack: Stack, feed: CustomerFeeds): Statement[] {
  const roleRef = stack.resolve(feed.role.roleName) as unknown;
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .map((policy) => policy as PolicyResource)
    .filter((policy) => policy.Properties.Roles.some((role) => JSON.stringify(role) === JSON.stringify(roleRef)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

function allStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => (policy as PolicyResource).Properties.PolicyDocument.Statement,
  );
}

const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

describe('FeedIngestion construct', () => {
  it('creates an encrypted, private, versioned bucket that enforces TLS and logs access', () => {
    // Act
    const { template } = synthesizeDefault();

    // Assess
    expectPrivateBucket(template, {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'feed-bucket/' },
    });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it("runs the handler on the kit's one Node.js runtime (24), arm64, 1024 MB, 5 minutes, with a log group that expires", () => {
    // Act
    const { template } = synthesize(() => ({ pod: 'EU1', historicalAfterDays: 45 }));

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: FUNCTION_RUNTIME.name,
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 300,
      Handler: 'index.handler',
      DeadLetterConfig: { TargetArn: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({
          [FEED_ENV.secretArn]: Match.anyValue(),
          [FEED_ENV.pod]: 'eu1',
          [FEED_ENV.historicalAfterDays]: '45',
        }),
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
  });

  it('triggers the function for .ndjson uploads under incoming/ and its own resume markers only', () => {
    // Act
    const { template } = synthesizeDefault();

    // Assess
    const notifications = Object.values(template.findResources('Custom::S3BucketNotifications'));
    const configurations = (
      notifications[0] as {
        Properties: {
          NotificationConfiguration: {
            LambdaFunctionConfigurations: {
              Events: string[];
              Filter: { Key: { FilterRules: { Name: string; Value: string }[] } };
            }[];
          };
        };
      }
    ).Properties.NotificationConfiguration.LambdaFunctionConfigurations;
    expect(notifications).toHaveLength(1);
    expect(configurations.map((configuration) => configuration.Events)).toEqual([
      ['s3:ObjectCreated:*'],
      ['s3:ObjectCreated:*'],
    ]);
    const filters = configurations.map((configuration) =>
      Object.fromEntries(
        [...configuration.Filter.Key.FilterRules].map((rule) => [rule.Name.toLowerCase(), rule.Value]),
      ),
    );
    expect(filters).toEqual([
      { prefix: 'incoming/', suffix: '.ndjson' },
      { prefix: 'progress/', suffix: '.resume' },
    ]);
  });

  it('lets the function re-trigger itself through a resume marker (a loop that must make headway to go on)', () => {
    // Act
    const { template } = synthesizeDefault();

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', { RecursiveLoop: 'Allow', Handler: 'index.handler' });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'progress/', ExpirationInDays: 30, Status: 'Enabled' })]),
      },
    });
  });

  it('grants S3 access by prefix only: read incoming/, write rejected/, keep progress/, list names, delete nothing', () => {
    // Act
    const { template, stack, feed } = synthesizeDefault();

    // Assess
    const statements = functionRoleStatements(template, stack, feed);
    const s3Statements = statements.filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('s3:')),
    );
    const bucketArn = stack.resolve(feed.bucket.bucketArn) as unknown;
    expect(s3Statements.map((statement) => ({ actions: actionsOf(statement), resource: statement.Resource }))).toEqual([
      { actions: ['s3:GetObject', 's3:GetObjectVersion'], resource: { 'Fn::Join': ['', [bucketArn, '/incoming/*']] } },
      { actions: ['s3:PutObject'], resource: { 'Fn::Join': ['', [bucketArn, '/rejected/*']] } },
      { actions: ['s3:GetObject', 's3:PutObject'], resource: { 'Fn::Join': ['', [bucketArn, '/progress/*']] } },
      { actions: ['s3:ListBucket'], resource: bucketArn },
    ]);
    expect(s3Statements.flatMap(actionsOf).some((action) => action.startsWith('s3:Delete'))).toBe(false);
    for (const statement of allStatements(template)) {
      expect(statement.Resource).not.toBe('*');
      expect(actionsOf(statement).some((action) => action.endsWith(':*') || action === '*')).toBe(false);
    }
  });

  it('creates a secret with no value in the template, readable by the function alone', () => {
    // Act
    const { template, stack, feed } = synthesizeDefault();

    // Assess
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: '{"apiKey":""}', GenerateStringKey: 'apiSecret' },
      SecretString: Match.absent(),
    });
    const secretArn = stack.resolve(feed.secret.secretArn) as unknown;
    const readers = allStatements(template).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
    );
    expect(readers).toEqual([expect.objectContaining({ Resource: secretArn, Effect: 'Allow' })]);
    expect(functionRoleStatements(template, stack, feed)).toContainEqual(readers[0]);
  });

  it('uses a given secret instead of creating one', () => {
    // Act
    const { template } = synthesize((stack) => ({
      secret: secretsmanager.Secret.fromSecretCompleteArn(
        stack,
        'Given',
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-feed-AbCdEf',
      ),
    }));

    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const readers = allStatements(template).filter((statement) =>
      actionsOf(statement).includes('secretsmanager:GetSecretValue'),
    );
    expect(readers[0]?.Resource).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-feed-AbCdEf');
  });

  it('alarms on errors, throttles and the dead-letter queue, notifying the topic', () => {
    // Act
    const { template, stack } = synthesize((scope) => ({ alarmTopic: new sns.Topic(scope, 'Alarms') }));

    // Assess
    const topicRef = stack.resolve((stack.node.findChild('Alarms') as sns.Topic).topicArn) as unknown;
    for (const metricName of ['Errors', 'Throttles', 'ApproximateNumberOfMessagesVisible']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topicRef],
      });
    }
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  it('synthesises a schema-valid template that passes the cdk-nag AWS Solutions checks', () => {
    // Act / Assess: synthesis throws on any unacknowledged cdk-nag finding.
    expect(() =>
      synthesize((stack) => ({ alarmTopic: new sns.Topic(stack, 'Alarms', { enforceSSL: true }) }), true),
    ).not.toThrow();
  }, 120_000); // schema validation alone takes ~14 s; a busy 2-core machine needs far more (a hang bound, not a speed check)

  it('really runs cdk-nag in that synthesis (a careless queue beside the construct fails it)', () => {
    // Act / Assess: the control for the test above, which would pass if no plugin ran.
    expect(() =>
      synthesize(
        () => ({}),
        true,
        (stack) => new sqs.Queue(stack, 'CarelessQueue'),
      ),
    ).toThrow(/AwsSolutions-SQS/);
  }, 120_000);

  it('refuses an unknown pod at synth time', () => {
    // Act / Assess
    expect(() => synthesize(() => ({ pod: 'mars1' }))).toThrow(/unknown pod "mars1"/);
  });
});

/** The general construct: many customers, one secret each under a prefix. */
function synthesizeCustomers(props: (stack: Stack) => CustomerFeedsProps = () => ({}), validateSchema = false) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: validateSchema });
  if (validateSchema) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'FeedsStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const feeds = new CustomerFeeds(stack, 'Feeds', props(stack));
  return { stack, feeds, template: Template.fromStack(stack) };
}

describe('CustomerFeeds construct (many customers, one deployment)', () => {
  it('tells the function the secret prefix and lets it read only secrets under it, creating none', () => {
    // Act
    const { template, stack, feeds } = synthesizeCustomers(() => ({ secretPrefix: 'partner/feed-customers/' }));

    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ [FEED_ENV.customerSecretPrefix]: 'partner/feed-customers/' }),
      },
    });
    const variables = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((fn) => (fn as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }).Properties)
      .flatMap((properties) => Object.keys(properties.Environment?.Variables ?? {}));
    expect(variables).not.toContain(FEED_ENV.secretArn);
    const secretStatements = functionRoleStatements(template, stack, feeds).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
    );
    expect(secretStatements).toEqual([
      expect.objectContaining({
        Action: 'secretsmanager:GetSecretValue',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':secretsmanager:eu-west-1:123456789012:secret:partner/feed-customers/*',
            ],
          ],
        },
      }),
    ]);
  });

  it('may delete only the upload slots of its per-customer fair queue', () => {
    // Act
    const { template, stack, feeds } = synthesizeCustomers(() => ({ maxUploadsPerCustomer: 3 }));

    // Assess
    const deletes = functionRoleStatements(template, stack, feeds).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('s3:Delete')),
    );
    expect(deletes).toHaveLength(1);
    expect(JSON.stringify(deletes[0]?.Resource)).toContain('/progress/*/_feed-slots/*');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [FEED_ENV.maxUploadsPerCustomer]: '3' }) },
    });
  });

  it('alarms per customer on refused credentials with one Metrics Insights query grouped by customer', () => {
    // Act
    const { template } = synthesizeCustomers((stack) => ({ alarmTopic: new sns.Topic(stack, 'Alarms') }));

    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        Match.objectLike({
          Expression:
            'SELECT MAX(FeedCredentialsRefused) FROM SCHEMA("MparticleFirehose", Customer, service) WHERE service = \'mparticle-feed\' GROUP BY Customer',
          Period: 300,
        }),
      ],
      Threshold: 1,
      AlarmActions: Match.anyValue(),
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });

  it('passes the cdk-nag AWS Solutions checks with the prefix grant acknowledged', () => {
    // Act / Assess
    expect(() =>
      synthesizeCustomers((stack) => ({ alarmTopic: new sns.Topic(stack, 'Alarms', { enforceSSL: true }) }), true),
    ).not.toThrow();
  }, 120_000);

  it('refuses a secret prefix that does not end in "/" (one customer name would prefix another)', () => {
    // Act / Assess
    expect(() => synthesizeCustomers(() => ({ secretPrefix: 'customers' }))).toThrow(
      /must be a Secrets Manager name path ending in "\/"/,
    );
  });
});
