import path from 'node:path';
import { CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction, NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  FEED_OBJECT_SUFFIX,
  INCOMING_PREFIX,
  PROGRESS_PREFIX,
  REJECTED_PREFIX,
  RESUME_SUFFIX,
} from '../lambda/feeds/feed-bucket-layout';
import { EVENTS_API_POD_BASE_URLS, isEventsApiPod } from '../lambda/feeds/events-api-endpoint';
import { createFeedAlarms } from './feed-alarms';
import { createKitFunction, PROJECT_ROOT } from './kit-function';
import { FEED_ENV, PLATFORM_ENV } from '../lambda/config/environment';

/** The singleton CDK adds to a stack for `addEventNotification` (aws-s3 notifications-resource-handler). */
const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

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

    // Log delivery through a bucket policy (ACLs stay disabled) whatever the app's feature flags say.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      // Server access log delivery supports SSE-S3 only.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'feed-bucket/',
      // Versioning keeps overwritten uploads; old versions are personal data too, so they expire.
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // Progress only matters while an upload is being sent (and against late duplicate events).
        { prefix: PROGRESS_PREFIX, expiration: Duration.days(30) },
      ],
    });

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

    // Least privilege: read uploads, write rejections, keep progress; no delete.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadIncomingFeedObjects',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects(`${INCOMING_PREFIX}*`)],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteRejectedBatches',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${REJECTED_PREFIX}*`)],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'KeepFeedProgress',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects(`${PROGRESS_PREFIX}*`)],
      }),
    );
    // Without ListBucket, S3 answers 403 instead of 404 for a progress object not written yet. Listing
    // reveals only key names in a bucket whose uploads the function reads anyway.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TellMissingProgress',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
    );
    this.secret.grantRead(this.function);
    Validations.of(this.role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${this.resolveLogicalId(this.bucket)}.Arn>/${INCOMING_PREFIX}*]`,
        reason:
          'Every object under incoming/ is an upload the function must read; the wildcard is limited to that prefix.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${this.resolveLogicalId(this.bucket)}.Arn>/${REJECTED_PREFIX}*]`,
        reason: 'Rejection files are named after their upload; the wildcard is limited to the rejected/ prefix.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${this.resolveLogicalId(this.bucket)}.Arn>/${PROGRESS_PREFIX}*]`,
        reason:
          'Progress objects and resume markers are named after their upload; the wildcard is limited to the progress/ prefix.',
      },
    );

    const destination = new s3n.LambdaDestination(this.function);
    this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, {
      prefix: INCOMING_PREFIX,
      suffix: FEED_OBJECT_SUFFIX,
    });
    // A resume marker runs the function again for an upload that did not fit one invocation.
    this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, {
      prefix: PROGRESS_PREFIX,
      suffix: RESUME_SUFFIX,
    });
    // CDK's stack-wide helper that installs the notification always carries the basic execution policy.
    const notificationsHandler = Stack.of(this).node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
    if (notificationsHandler) {
      Validations.of(notificationsHandler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'CDK-managed custom resource that only configures the bucket notification; its role is not ours to shape.',
      });
    }

    ({
      errorsAlarm: this.errorsAlarm,
      throttlesAlarm: this.throttlesAlarm,
      deadLetterAlarm: this.deadLetterAlarm,
    } = createFeedAlarms(this, this.function, this.deadLetterQueue, props.alarmTopic));
  }

  /** cdk-nag names wildcard findings after the logical ID of the resource they point into. */
  private resolveLogicalId(construct: Construct): string {
    const child = construct.node.defaultChild;
    if (!(child instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
    return Stack.of(this).getLogicalId(child);
  }
}
