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
import { checkCustomerSecretPrefix, DEFAULT_CUSTOMER_SECRET_PREFIX } from '../lambda/feeds/feed-customer';
import { DEFAULT_METRICS_NAMESPACE } from '../lambda/observability/metrics';
import { grantCustomerSecrets, grantFeedAccess, grantUploadSlots } from './feed-access';
import { createCredentialsRefusedAlarm, createFeedAlarms } from './feed-alarms';
import { createFeedBuckets } from './feed-buckets';
import { notifyFeedFunction } from './feed-notifications';
import { createKitFunction, PROJECT_ROOT } from './kit-function';
import { FEED_ENV, PLATFORM_ENV } from '../lambda/config/environment';

/** The function's Powertools service name: the `service` dimension its metrics (and alarms) carry. */
export const FEED_SERVICE_NAME = 'mparticle-feed';

export interface CustomerFeedsProps {
  /**
   * Where the customers' secrets live: one secret `<prefix><customer>` each, added with
   * `npm run feed -- customers add` (no deploy). The function may read only this prefix.
   * Default `mparticle-feed/customers/`.
   */
  readonly secretPrefix?: string;
  /**
   * Uploads of one customer sent at once; more wait in a queue per customer, so one customer's backfill
   * never holds more than this many invocations (docs/feeds.md, "Fairness"). 0: no cap. Default 2.
   */
  readonly maxUploadsPerCustomer?: number;
  /** Alarms notify this topic when given. */
  readonly alarmTopic?: sns.ITopic;
  /** Caps parallel invocations (all customers together). Default: unreserved (docs/feeds.md, "Fairness"). */
  readonly reservedConcurrency?: number;
  /** Default one month. */
  readonly logRetention?: logs.RetentionDays;
  /** CloudWatch namespace of the function's metrics. Default `MparticleFirehose`. */
  readonly metricsNamespace?: string;
  /**
   * Merged over the function's defaults (1024 MB, arm64, 5 minutes); the runtime, entry, handler, code,
   * role and log group are the kit's (lib/kit-function.ts). Default: the kit's settings.
   */
  readonly functionProps?: Partial<NodejsFunctionProps>;
}

/** The single-customer case (FeedIngestion): one secret and one pod for the whole deployment. */
export interface SingleCustomerSetup {
  readonly secret?: secretsmanager.ISecret;
  readonly pod?: string;
  readonly historicalAfterDays?: number;
}

/**
 * Inbound feeds for every mutual customer from one deployment: NDJSON files of Events API batches uploaded
 * under `incoming/<customer>/` are sent to mParticle with that customer's own key and secret (one Secrets
 * Manager secret per customer under `secretPrefix`); batches mParticle (or local checks) refuse are written
 * under `rejected/`. Progress is kept under `progress/`, so a retried invocation resends nothing, and an
 * upload too large for one invocation continues in the next (a resume marker under `progress/` triggers it).
 * A failed invocation is retried by Lambda, then parked in a dead-letter queue; alarms cover errors,
 * throttles, the dead-letter queue and, per customer, refused credentials.
 */
export class CustomerFeeds extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue: sqs.Queue;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly throttlesAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Many customers only: one contributor per refused customer (the alarm names them). */
  readonly credentialsRefusedAlarm: cloudwatch.Alarm | undefined;
  /** Many customers only: the prefix of their secrets. */
  readonly secretPrefix: string | undefined;
  /** Single customer only: its secret. */
  protected readonly singleCustomerSecret: secretsmanager.ISecret | undefined;

  constructor(scope: Construct, id: string, props: CustomerFeedsProps = {}, single?: SingleCustomerSetup) {
    super(scope, id);
    const pod = single?.pod?.trim().toLowerCase();
    if (pod !== undefined && !isEventsApiPod(pod)) {
      throw new Error(
        `FeedIngestion: unknown pod "${single?.pod}"; expected one of ${Object.keys(EVENTS_API_POD_BASE_URLS).join(', ')}`,
      );
    }
    this.secretPrefix =
      single === undefined
        ? checkCustomerSecretPrefix(props.secretPrefix ?? DEFAULT_CUSTOMER_SECRET_PREFIX)
        : undefined;
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;

    ({ bucket: this.bucket, accessLogsBucket: this.accessLogsBucket } = createFeedBuckets(this));

    this.singleCustomerSecret =
      single === undefined
        ? undefined
        : (single.secret ??
          new secretsmanager.Secret(this, 'ApiCredentials', {
            description:
              'mParticle Events API key and secret for this feed: {"apiKey":"…","apiSecret":"…"}; put the customer\'s values after deploying',
            // Only the JSON shape is in the template; the generated value is a placeholder to be replaced.
            generateSecretString: {
              secretStringTemplate: JSON.stringify({ apiKey: '' }),
              generateStringKey: 'apiSecret',
              excludePunctuation: true,
            },
          }));
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

    const credentialsEnvironment: Record<string, string> =
      this.singleCustomerSecret === undefined
        ? {
            [FEED_ENV.customerSecretPrefix]: this.secretPrefix as string,
            ...(props.maxUploadsPerCustomer === undefined
              ? {}
              : { [FEED_ENV.maxUploadsPerCustomer]: String(props.maxUploadsPerCustomer) }),
          }
        : {
            [FEED_ENV.secretArn]: this.singleCustomerSecret.secretArn,
            ...(pod ? { [FEED_ENV.pod]: pod } : {}),
            ...(single?.historicalAfterDays === undefined
              ? {}
              : { [FEED_ENV.historicalAfterDays]: String(single.historicalAfterDays) }),
          };

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
        single === undefined
          ? "mParticle feed function: read incoming/, write rejected/, keep progress/, read its customers' secrets, write its logs"
          : 'mParticle feed function: read incoming/, write rejected/, keep progress/, read its secret, write its logs',
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
          ...credentialsEnvironment,
          [PLATFORM_ENV.serviceName]: FEED_SERVICE_NAME,
          [PLATFORM_ENV.metricsNamespace]: metricsNamespace,
          [PLATFORM_ENV.nodeOptions]: '--enable-source-maps',
        },
      },
    }));

    grantFeedAccess(this.role, this.bucket);
    if (this.singleCustomerSecret) this.singleCustomerSecret.grantRead(this.function);
    else {
      grantCustomerSecrets(this.role, this.secretPrefix as string);
      grantUploadSlots(this.role, this.bucket);
    }
    notifyFeedFunction(this.bucket, this.function);

    ({
      errorsAlarm: this.errorsAlarm,
      throttlesAlarm: this.throttlesAlarm,
      deadLetterAlarm: this.deadLetterAlarm,
    } = createFeedAlarms(this, this.function, this.deadLetterQueue, props.alarmTopic));
    this.credentialsRefusedAlarm =
      single === undefined
        ? createCredentialsRefusedAlarm(this, metricsNamespace, FEED_SERVICE_NAME, props.alarmTopic)
        : undefined;
  }
}
