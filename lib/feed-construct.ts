import path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction, NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENTS_API_POD_BASE_URLS, isEventsApiPod } from '../lambda/feeds/events-api-endpoint';
import { grantFeedAccess } from './feed-access';
import { createFeedAlarms } from './feed-alarms';
import { createFeedBuckets } from './feed-buckets';
import { notifyFeedFunction } from './feed-notifications';
import { createKitFunction, PROJECT_ROOT } from './kit-function';
import { FEED_ENV, PLATFORM_ENV } from '../lambda/config/environment';

export interface FeedIngestionProps {
  /** The customer's Events API credentials, JSON `{"apiKey":"…","apiSecret":"…"}`. Default: a new secret to fill in. */
  readonly secret?: secretsmanager.ISecret;
  /** The customer's pod (us1, us2, eu1, au1). Default: mParticle's partner inbound URL. */
  readonly pod?: string;
  /** Alarms notify this topic when given. */
  readonly alarmTopic?: sns.ITopic;
  /** Age in days from which batches go to the historical endpoint. Default 30. */
  readonly historicalAfterDays?: number;
  /** Caps parallel invocations, so many uploads at once do not multiply 429s. Default: unreserved. */
  readonly reservedConcurrency?: number;
  /** Default one month. */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Merged over the function's defaults (1024 MB, arm64, 5 minutes); the runtime, entry, handler, code,
   * role and log group are the kit's (lib/kit-function.ts). Default: the kit's settings.
   */
  readonly functionProps?: Partial<NodejsFunctionProps>;
}

/**
 * Inbound feed: NDJSON files of Events API batches uploaded under `incoming/` are sent to mParticle
 * by a Lambda function; batches mParticle (or local checks) refuse are written under `rejected/`.
 * Progress is kept under `progress/`, so a retried invocation resends nothing, and an upload too
 * large for one invocation continues in the next (a resume marker under `progress/` triggers it).
 * A failed invocation is retried by Lambda, then parked in a dead-letter queue; alarms cover errors,
 * throttles and the dead-letter queue.
 */
export class FeedIngestion extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly secret: secretsmanager.ISecret;
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue: sqs.Queue;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly throttlesAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FeedIngestionProps = {}) {
    super(scope, id);
    const pod = props.pod?.trim().toLowerCase();
    if (pod !== undefined && !isEventsApiPod(pod)) {
      throw new Error(
        `FeedIngestion: unknown pod "${props.pod}"; expected one of ${Object.keys(EVENTS_API_POD_BASE_URLS).join(', ')}`,
      );
    }

    ({ bucket: this.bucket, accessLogsBucket: this.accessLogsBucket } = createFeedBuckets(this));

    this.secret =
      props.secret ??
      new secretsmanager.Secret(this, 'ApiCredentials', {
        description:
          'mParticle Events API key and secret for this feed: {"apiKey":"…","apiSecret":"…"}; put the customer\'s values after deploying',
        // Only the JSON shape is in the template; the generated value is a placeholder to be replaced.
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ apiKey: '' }),
          generateStringKey: 'apiSecret',
          excludePunctuation: true,
        },
      });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key and secret are issued by the customer in their mParticle account; they cannot be rotated from AWS.',
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // Its own role and log group (lib/kit-function.ts): the managed AWSLambdaBasicExecutionRole would allow
    // writing to any log group.
    ({
      fn: this.function,
      role: this.role,
      logGroup: this.logGroup,
    } = createKitFunction(this, 'Feed', {
      entry: path.join(PROJECT_ROOT, 'lambda', 'handlers', 'feed-s3.ts'),
      ids: { function: 'Function', role: 'Role', logs: 'Logs' },
      propsName: 'functionProps',
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      roleDescription:
        'mParticle feed function: read incoming/, write rejected/, keep progress/, read its secret, write its logs',
      // Nobody waits on its cold start, but it has always used the runtime's SDK; the bundle stays small.
      bundleAwsSdk: false,
      ...(props.functionProps === undefined ? {} : { overrides: props.functionProps }),
      defaults: {
        timeout: Duration.minutes(5),
        loggingFormat: lambda.LoggingFormat.JSON,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        // S3 → function → resume marker in S3 → function is a loop by design: each run must make headway
        // (lambda/feeds/s3-object-feed.ts) or it fails instead of re-triggering, so it always ends.
        recursiveLoop: lambda.RecursiveLoop.ALLOW,
        reservedConcurrentExecutions: props.reservedConcurrency,
        description: 'Sends NDJSON Events API batches uploaded to S3 to mParticle',
        environment: {
          [FEED_ENV.secretArn]: this.secret.secretArn,
          ...(pod ? { [FEED_ENV.pod]: pod } : {}),
          ...(props.historicalAfterDays === undefined
            ? {}
            : { [FEED_ENV.historicalAfterDays]: String(props.historicalAfterDays) }),
          [PLATFORM_ENV.serviceName]: 'mparticle-feed',
          [PLATFORM_ENV.nodeOptions]: '--enable-source-maps',
        },
      },
    }));

    grantFeedAccess(this.role, this.function, this.bucket, this.secret);
    notifyFeedFunction(this.bucket, this.function);

    ({
      errorsAlarm: this.errorsAlarm,
      throttlesAlarm: this.throttlesAlarm,
      deadLetterAlarm: this.deadLetterAlarm,
    } = createFeedAlarms(this, this.function, this.deadLetterQueue, props.alarmTopic));
  }
}
