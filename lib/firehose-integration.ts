import * as path from 'node:path';
import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction, NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELIVERY_DEFAULTS, ENV, SEALING_ENCRYPTION_CONTEXT } from '../lambda/delivery/defaults';
import { FirehoseAlarms, type FirehoseAlarmSet } from './alarms';
import { MPARTICLE_ACCOUNTS } from './config';
import { FirehoseDashboard } from './dashboard';
import {
  checkDeliverySettings,
  checkPartnerRateCeiling,
  claimCheckExpiryDays,
  deliveryBudgetSeconds,
  mergeEventSourceProps,
  mergeQueueProps,
  workerTimeout,
} from './delivery-settings';
import type { FirehoseIntegrationProps, HandlerEntries } from './firehose-integration-props';
import { createFirehoseTokenSecret, createPartnerCredentialSecret } from './hand-set-secrets';
import { createKitFunction, PROJECT_ROOT, RECOMMENDED_MEMORY_MB } from './kit-function';
import { DEFAULT_METRICS_NAMESPACE, SERVICE_NAMES } from './metrics';
import { RequestCapture } from './request-capture';
import { RUNTIME_LOOP_ENVIRONMENT } from './runtime-loop-bundling';
import { PLATFORM_ENV, TOKEN_ENV } from '../lambda/config/environment';

export { ConstructPropsError } from './construct-props-error';
export type { FirehoseIntegrationProps, HandlerEntries } from './firehose-integration-props';
export { FUNCTION_RUNTIME } from './kit-function';

/** Env var naming the Secrets Manager secret that holds mParticle's `Authorization: Token …` value (named in the catalogue). */
export const FIREHOSE_TOKEN_SECRET_ARN_ENV = TOKEN_ENV.secretArn;

/** The alias mParticle is given; versions behind it change, the ARN does not. */
export const LIVE_ALIAS = 'live';

/**
 * mParticle Firehose as an AWS service in one region: the ingress function mParticle invokes (through the
 * `live` alias), the delivery queue and its dead-letter queue, the worker that delivers queued calls to the
 * partner API, the KMS key that seals confidential settings inside queue messages, logs and alarms.
 */
export class FirehoseIntegration extends Construct {
  public readonly ingressFunction: NodejsFunction;
  /** Give mParticle this alias's ARN; the invoke permissions live on it and nowhere else. */
  public readonly ingressAlias: lambda.Alias;
  public readonly workerFunction: NodejsFunction;
  public readonly deliveryQueue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  /** Queue messages too large for SQS (claim checks): written by the front door, read and deleted by the worker. */
  public readonly claimCheckBucket: s3.Bucket;
  /** Envelope-encryption key: the front door may only make data keys, the worker may only decrypt them. */
  public readonly sealingKey: kms.Key;
  public readonly alarms: FirehoseAlarmSet;
  /** Invocations, latency, what became of each call, worker deliveries, queues (and the HTTP endpoint). */
  public readonly dashboard: FirehoseDashboard;
  public readonly logGroups: {
    readonly ingress: logs.LogGroup;
    readonly worker: logs.LogGroup;
    readonly http?: logs.LogGroup;
  };
  public readonly httpFunction?: NodejsFunction;
  public readonly httpAlias?: lambda.Alias;
  public readonly httpFunctionUrl?: lambda.FunctionUrl;
  public readonly firehoseTokenSecret?: secretsmanager.Secret;
  /** The capture bucket and its grants, when `requestCapture` is given. */
  public readonly requestCapture?: RequestCapture;
  /** Set when the functions deliver (partnerApiUrl). */
  public readonly partnerCredentialSecret?: secretsmanager.ISecret;

  private readonly handlerEntries: HandlerEntries;
  private readonly logRetention: logs.RetentionDays;

  constructor(scope: Construct, id: string, props: FirehoseIntegrationProps = {}) {
    super(scope, id);
    this.handlerEntries = props.handlerEntries ?? {};
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const accounts = props.mparticleAccounts ?? MPARTICLE_ACCOUNTS;
    if (accounts.length === 0) throw new Error('FirehoseIntegration: mparticleAccounts must not be empty');

    this.sealingKey = new kms.Key(this, 'SealingKey', {
      description: 'Envelope encryption of confidential integration settings inside queued Firehose deliveries',
      enableKeyRotation: true,
      // Kept on stack deletion (CDK default): sealed messages still in the dead-letter queue need it.
    });

    const workerTimeoutValue = workerTimeout(props.workerFunctionProps);
    const deadLetterQueueProps = mergeQueueProps(
      'deadLetterQueueProps',
      {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(DELIVERY_DEFAULTS.deadLetterRetentionDays),
      },
      props.deadLetterQueueProps,
    );
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', deadLetterQueueProps);
    const deliveryQueueProps = mergeQueueProps(
      'deliveryQueueProps',
      {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(DELIVERY_DEFAULTS.queueRetentionDays),
        // AWS guidance for Lambda event sources: at least six times the function timeout, so Lambda can retry a
        // throttled batch before SQS makes its messages visible again.
        visibilityTimeout: Duration.seconds(6 * workerTimeoutValue.toSeconds()),
        // A backstop only a crashing worker reaches: the worker parks, with a reason, what it gives up on.
        deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: DELIVERY_DEFAULTS.redriveMaxReceiveCount },
      },
      props.deliveryQueueProps,
    );
    checkDeliverySettings({
      workerTimeout: workerTimeoutValue,
      deliveryQueue: deliveryQueueProps,
      deadLetterQueue: deadLetterQueueProps,
      workerEnvironment: props.workerFunctionProps?.environment ?? {},
    });
    this.deliveryQueue = new sqs.Queue(this, 'DeliveryQueue', deliveryQueueProps);

    this.claimCheckBucket = this.createClaimCheckBucket(
      claimCheckExpiryDays({ deliveryQueue: deliveryQueueProps, deadLetterQueue: deadLetterQueueProps }),
    );

    // The functions deliver when they have the partner URL *and* the queues, and run their dry run when they
    // have neither (lambda/delivery/delivery-config.ts); so without a partner URL no delivery setting is set.
    this.partnerCredentialSecret =
      props.partnerApiUrl === undefined
        ? undefined
        : (props.partnerCredentialSecret ?? createPartnerCredentialSecret(this));
    const deliveryEnvironment: Record<string, string> =
      props.partnerApiUrl === undefined
        ? {}
        : {
            [ENV.partnerApiUrl]: props.partnerApiUrl,
            [ENV.deliveryQueueUrl]: this.deliveryQueue.queueUrl,
            [ENV.deadLetterQueueUrl]: this.deadLetterQueue.queueUrl,
            [ENV.sealingKeyId]: this.sealingKey.keyArn,
            ...(this.partnerCredentialSecret === undefined
              ? {}
              : { [ENV.partnerCredentialSecretArn]: this.partnerCredentialSecret.secretArn }),
            [ENV.claimCheckBucket]: this.claimCheckBucket.bucketName,
          };
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const sharedEnvironment: Record<string, string> = {
      [PLATFORM_ENV.nodeOptions]: '--enable-source-maps',
      [PLATFORM_ENV.metricsNamespace]: metricsNamespace,
      [ENV.logLevel]: props.logLevel ?? 'INFO',
      ...(props.dryRun === true && props.partnerApiUrl === undefined ? { [ENV.dryRun]: 'true' } : {}),
      ...deliveryEnvironment,
    };

    // Ingress: answers mParticle in-line (< 200 ms p99), queues what it cannot deliver within its deadline.
    const ingress = this.createHandler('Ingress', {
      handler: 'ingress',
      description: 'mParticle Firehose ingress: answers each Firehose message and queues partner deliveries',
      timeout: Duration.seconds(10),
      // The kit's runtime loop hands it the payload's bytes: 64-bit integers stay exact (docs/runtime-loop.md).
      environment: {
        ...sharedEnvironment,
        [PLATFORM_ENV.serviceName]: SERVICE_NAMES.ingress,
        ...RUNTIME_LOOP_ENVIRONMENT,
      },
      bundleAwsSdk: false,
      runtimeLoop: true,
      overrides: props.ingressFunctionProps,
    });
    this.ingressFunction = ingress.fn;
    this.grantFrontDoor(this.ingressFunction);
    this.ingressAlias = new lambda.Alias(this, 'IngressAlias', {
      aliasName: LIVE_ALIAS,
      version: this.ingressFunction.currentVersion,
      description: 'The ARN registered with mParticle',
      ...(props.provisionedConcurrency ? { provisionedConcurrentExecutions: props.provisionedConcurrency } : {}),
    });
    for (const account of accounts) {
      // One statement per account with its own id; only the alias, because that is the ARN mParticle calls.
      this.ingressAlias.addPermission(`MparticleInvoke${account}`, {
        principal: new iam.AccountPrincipal(account),
        action: 'lambda:InvokeFunction',
      });
    }

    // Worker: delivers queued calls with back-off (visibility changes) and parks hopeless ones in the DLQ.
    const workerEventSource = mergeEventSourceProps(
      {
        reportBatchItemFailures: true,
        batchSize: DELIVERY_DEFAULTS.workerBatchSize,
        maxConcurrency: DELIVERY_DEFAULTS.workerMaxConcurrency,
      },
      props.workerEventSourceProps,
    );
    const workerMaxConcurrency = workerEventSource.maxConcurrency ?? DELIVERY_DEFAULTS.workerMaxConcurrency;
    checkPartnerRateCeiling(props.workerFunctionProps?.environment ?? {}, workerMaxConcurrency);
    const worker = this.createHandler('Worker', {
      handler: 'worker',
      description: 'mParticle Firehose delivery worker: sends queued deliveries to the partner API',
      timeout: workerTimeoutValue,
      // How many containers share PARTNER_MAX_RPS (lambda/delivery/partner-rate-limit.ts).
      environment: {
        ...sharedEnvironment,
        [PLATFORM_ENV.serviceName]: SERVICE_NAMES.worker,
        [ENV.workerMaxConcurrency]: String(workerMaxConcurrency),
      },
      // Nobody waits on the worker's cold start: it keeps the SDK versions the tests ran against.
      bundleAwsSdk: true,
      overrides: props.workerFunctionProps,
    });
    this.workerFunction = worker.fn;
    // Grants receive, delete and sqs:ChangeMessageVisibility (the back-off) on the delivery queue.
    this.workerFunction.addEventSource(new SqsEventSource(this.deliveryQueue, workerEventSource));
    this.deadLetterQueue.grantSendMessages(this.workerFunction);
    this.grantSealing(this.workerFunction, 'kms:Decrypt');
    this.grantPartnerCredential(this.workerFunction);
    this.grantClaimChecks(this.workerFunction, 'ClaimCheckReadAndDelete', ['s3:GetObject', 's3:DeleteObject']);

    let httpLogGroup: logs.LogGroup | undefined;
    if (props.enableHttpEndpoint === true) {
      const tokenSecret = createFirehoseTokenSecret(this);
      const http = this.createHandler('Http', {
        handler: 'http',
        description: 'mParticle Firehose HTTP endpoint (Function URL): same messages as the ingress function',
        timeout: Duration.seconds(10),
        environment: {
          ...sharedEnvironment,
          [PLATFORM_ENV.serviceName]: SERVICE_NAMES.http,
          [FIREHOSE_TOKEN_SECRET_ARN_ENV]: tokenSecret.secretArn,
          [ENV.httpInlineDeadlineMs]: String(DELIVERY_DEFAULTS.httpInlineDeadlineMs), // mParticle: HTTP answers < 100 ms
        },
        bundleAwsSdk: false,
        overrides: props.httpFunctionProps,
      });
      const httpFunction = http.fn;
      httpLogGroup = http.logGroup;
      this.grantFrontDoor(httpFunction);
      tokenSecret.grantRead(httpFunction);
      const httpAlias = new lambda.Alias(this, 'HttpAlias', {
        aliasName: LIVE_ALIAS,
        version: httpFunction.currentVersion,
        description: 'The version behind the Function URL registered with mParticle',
      });
      // AuthType NONE: mParticle cannot sign SigV4 requests; the function checks its Token header instead.
      this.httpFunctionUrl = httpAlias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
      this.httpFunction = httpFunction;
      this.httpAlias = httpAlias;
      this.firehoseTokenSecret = tokenSecret;
    }

    if (props.requestCapture !== undefined) {
      this.requestCapture = new RequestCapture(this, 'RequestCapture', props.requestCapture);
      this.requestCapture.grantCapture(this.ingressFunction);
      if (this.httpFunction) this.requestCapture.grantCapture(this.httpFunction);
    }

    this.alarms = new FirehoseAlarms(this, 'Alarms', {
      ingressFunction: this.ingressFunction,
      ingressAlias: this.ingressAlias,
      workerFunction: this.workerFunction,
      deliveryQueue: this.deliveryQueue,
      deadLetterQueue: this.deadLetterQueue,
      metricsNamespace,
      ...(this.httpAlias === undefined ? {} : { httpAlias: this.httpAlias }),
      ...(props.alarmTopic === undefined ? {} : { alarmAction: new cloudwatchActions.SnsAction(props.alarmTopic) }),
      ...(props.backlogAgeAlarmThreshold === undefined ? {} : { backlogAgeThreshold: props.backlogAgeAlarmThreshold }),
      // The budget the worker runs with, so the warning comes a day before it, whatever the environment says.
      deliveryBudget: Duration.seconds(deliveryBudgetSeconds(props.workerFunctionProps?.environment ?? {})),
    }).alarms;
    const stack = Stack.of(this);
    this.dashboard = new FirehoseDashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `${stack.stackName}-${stack.region}`,
      metricsNamespace,
      ingressFunction: this.ingressFunction,
      ingressAlias: this.ingressAlias,
      workerFunction: this.workerFunction,
      deliveryQueue: this.deliveryQueue,
      deadLetterQueue: this.deadLetterQueue,
      alarms: Object.values(this.alarms).filter((alarm) => alarm !== undefined),
      ...(this.httpAlias === undefined ? {} : { httpAlias: this.httpAlias }),
    });
    this.logGroups = {
      ingress: ingress.logGroup,
      worker: worker.logGroup,
      ...(httpLogGroup === undefined ? {} : { http: httpLogGroup }),
    };
  }

  /** What a function answering mParticle may do: queue deliveries, park rejected ones, seal settings. */
  private grantFrontDoor(fn: lambda.IFunction): void {
    this.deliveryQueue.grantSendMessages(fn);
    this.deadLetterQueue.grantSendMessages(fn);
    // GenerateDataKey only: the front door seals, it never needs to read sealed settings back.
    this.grantSealing(fn, 'kms:GenerateDataKey');
    this.grantPartnerCredential(fn);
    this.grantClaimChecks(fn, 'ClaimCheckWrite', ['s3:PutObject']);
  }

  /** One KMS action on the sealing key, and only for data keys made with the sealing encryption context. */
  private grantSealing(fn: lambda.IFunction, action: 'kms:GenerateDataKey' | 'kms:Decrypt'): void {
    const conditions = Object.fromEntries(
      Object.entries(SEALING_ENCRYPTION_CONTEXT).map(([key, value]) => [`kms:EncryptionContext:${key}`, value]),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [action],
        resources: [this.sealingKey.keyArn],
        conditions: { StringEquals: conditions },
      }),
    );
  }

  /** GetSecretValue on the partner credential, nothing else (no DescribeSecret, no other secret). */
  private grantPartnerCredential(fn: lambda.IFunction): void {
    const secret = this.partnerCredentialSecret;
    if (secret === undefined) return;
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
    secret.encryptionKey?.grantDecrypt(fn);
  }

  /**
   * Where queue messages too large for SQS wait (lambda/delivery/claim-check.ts). Objects are deleted once
   * delivered; the lifecycle expiry outlasts the queue's retention, the DLQ's, and one redrive, so a parked
   * pointer never outlives its object. Kept on stack deletion (S3's default): it may hold undelivered data.
   */
  private createClaimCheckBucket(expiryDays: number): s3.Bucket {
    const bucket = new s3.Bucket(this, 'ClaimCheckBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { expiration: Duration.days(expiryDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "Objects are short-lived copies of queue messages, reachable only by the kit's function roles (one prefix, " +
        'put for the front door, get/delete for the worker). CloudTrail S3 data events audit them if an account needs it.',
    });
    return bucket;
  }

  /** One statement limited to the claim-check prefix; the key names are random, hence the wildcard. */
  private grantClaimChecks(fn: lambda.IFunction, sid: string, actions: string[]): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid,
        actions,
        resources: [this.claimCheckBucket.arnForObjects(`${DELIVERY_DEFAULTS.claimCheckPrefix}*`)],
      }),
    );
    if (fn.role) {
      Validations.of(fn.role).acknowledge({
        // cdk-nag names a wildcard finding after the logical id of the resource it points into.
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.claimCheckBucket.node.defaultChild as CfnElement)}.Arn>/${DELIVERY_DEFAULTS.claimCheckPrefix}*]`,
        reason:
          "Claim-check objects get random key names; the wildcard is limited to the kit's own prefix in its own bucket.",
      });
    }
  }

  /** One of the kit's functions (lib/kit-function.ts), its props merged over the defaults given here. */
  private createHandler(
    id: string,
    options: {
      handler: keyof HandlerEntries;
      description: string;
      timeout: Duration;
      environment: Record<string, string>;
      /** Bundle the pinned AWS SDK (true) or use the Lambda runtime's copy (false): see lib/kit-function.ts. */
      bundleAwsSdk: boolean;
      /** Ship the runtime loop and its exec wrapper in the bundle. */
      runtimeLoop?: boolean;
      /** The user's props for this function (`<handler>FunctionProps`). */
      overrides?: Partial<NodejsFunctionProps> | undefined;
    },
  ): { fn: NodejsFunction; logGroup: logs.LogGroup } {
    const { fn, logGroup } = createKitFunction(this, id, {
      entry:
        this.handlerEntries[options.handler] ?? path.join(PROJECT_ROOT, 'lambda', 'handlers', `${options.handler}.ts`),
      // mParticle's recommendation (docs/firehose-protocol.md, "Deployment"): memory buys CPU, which cuts latency. The worker
      // keeps the same size so both behave alike under load.
      defaults: {
        memorySize: RECOMMENDED_MEMORY_MB,
        timeout: options.timeout,
        description: options.description,
        environment: options.environment,
      },
      ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
      propsName: `${options.handler}FunctionProps`,
      logRetention: this.logRetention,
      roleDescription: `Execution role of the ${id} function`,
      bundleAwsSdk: options.bundleAwsSdk,
      ...(options.runtimeLoop === true ? { runtimeLoop: true } : {}),
      // The functions mParticle waits on; the worker's latency nobody sees.
      ...(options.handler === 'worker' ? {} : { recommendedMinMemoryMb: RECOMMENDED_MEMORY_MB }),
    });
    return { fn, logGroup };
  }
}
