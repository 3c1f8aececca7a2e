import * as path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELIVERY_DEFAULTS, ENV } from '../lambda/delivery/defaults';
import { FirehoseAlarms, type FirehoseAlarmSet } from './alarms';
import { MPARTICLE_ACCOUNTS } from './config';
import { FirehoseDashboard } from './dashboard';
import { DEFAULT_METRICS_NAMESPACE, SERVICE_NAMES } from './metrics';

/** Repository root: entry files and the lock file are found from here, whatever the working directory. */
const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Env var naming the Secrets Manager secret that holds mParticle's `Authorization: Token …` value. */
export const FIREHOSE_TOKEN_SECRET_ARN_ENV = 'FIREHOSE_TOKEN_SECRET_ARN';

/** The newest GA Node.js runtime aws-cdk-lib 2.276 offers; cdk-nag's AwsSolutions-L1 checks for exactly this. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;
const ESBUILD_TARGET = 'node24';

/** Entry file (absolute path) per handler, each exporting `handler`. */
export interface HandlerEntries {
  readonly ingress?: string;
  readonly worker?: string;
  readonly http?: string;
}

/** The alias mParticle is given; versions behind it change, the ARN does not. */
export const LIVE_ALIAS = 'live';

export interface FirehoseIntegrationProps {
  /** AWS accounts allowed to invoke the ingress alias. @default mParticle's two accounts (PROTOCOL.md §12.2) */
  readonly mparticleAccounts?: readonly string[];
  /**
   * The partner API (https) the functions deliver to. Without it the functions get no delivery settings at
   * all and the ingress answers mParticle in its dry-run mode. @default unset
   */
  readonly partnerApiUrl?: string;
  /** Provisioned concurrency on the ingress alias; 0 or unset configures none. @default 0 */
  readonly provisionedConcurrency?: number;
  /** Adds the HTTP variant: a function behind a Function URL, plus the secret for mParticle's token. @default false */
  readonly enableHttpEndpoint?: boolean;
  /** Topic that receives alarm and OK notifications. @default no alarm actions */
  readonly alarmTopic?: sns.ITopic;
  /** Retention of every function's log group. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** LOG_LEVEL for the Powertools logger. @default 'INFO' */
  readonly logLevel?: string;
  /** POWERTOOLS_METRICS_NAMESPACE for custom metrics; the dashboard and alarms read them there. @default 'MparticleFirehose' */
  readonly metricsNamespace?: string;
  /**
   * Name of the CloudWatch dashboard. Dashboard names are unique per account across all regions.
   * @default `<stack name>-<region>`
   */
  readonly dashboardName?: string;
  /** Entry files of the handlers. @default lambda/handlers/{ingress,worker,http}.ts in this repository */
  readonly handlerEntries?: HandlerEntries;
  /** Oldest-message age on the delivery queue that raises an alarm. @default 15 minutes */
  readonly backlogAgeAlarmThreshold?: Duration;
}

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
  /** Envelope-encryption key: the front door may only make data keys, the worker may only decrypt them. */
  public readonly sealingKey: kms.Key;
  public readonly alarms: FirehoseAlarmSet;
  /** Invocations, latency, what became of each call, worker deliveries, queues (and the HTTP endpoint). */
  public readonly dashboard: FirehoseDashboard;
  public readonly logGroups: { readonly ingress: logs.LogGroup; readonly worker: logs.LogGroup; readonly http?: logs.LogGroup };
  public readonly httpFunction?: NodejsFunction;
  public readonly httpAlias?: lambda.Alias;
  public readonly httpFunctionUrl?: lambda.FunctionUrl;
  public readonly firehoseTokenSecret?: secretsmanager.Secret;

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

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DELIVERY_DEFAULTS.deadLetterRetentionDays),
    });
    this.deliveryQueue = new sqs.Queue(this, 'DeliveryQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DELIVERY_DEFAULTS.queueRetentionDays),
      // AWS guidance for Lambda event sources: at least six times the function timeout, so Lambda can retry a
      // throttled batch before SQS makes its messages visible again.
      visibilityTimeout: Duration.seconds(6 * DELIVERY_DEFAULTS.workerTimeoutSeconds),
      // A backstop only a crashing worker reaches: the worker parks, with a reason, what it gives up on.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: DELIVERY_DEFAULTS.redriveMaxReceiveCount },
    });

    // The functions deliver when they have the partner URL *and* the queues, and run their dry run when they
    // have neither (lambda/delivery/delivery-config.ts); so without a partner URL no delivery setting is set.
    const deliveryEnvironment: Record<string, string> = props.partnerApiUrl === undefined ? {} : {
      [ENV.partnerApiUrl]: props.partnerApiUrl,
      [ENV.deliveryQueueUrl]: this.deliveryQueue.queueUrl,
      [ENV.deadLetterQueueUrl]: this.deadLetterQueue.queueUrl,
      [ENV.sealingKeyId]: this.sealingKey.keyArn,
    };
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const sharedEnvironment: Record<string, string> = {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      LOG_LEVEL: props.logLevel ?? 'INFO',
      ...deliveryEnvironment,
    };

    // Ingress: answers mParticle in-line (< 200 ms p99), queues what it cannot deliver within its deadline.
    const ingress = this.createHandler('Ingress', {
      handler: 'ingress',
      description: 'mParticle Firehose ingress: answers each Firehose message and queues partner deliveries',
      timeout: Duration.seconds(10),
      environment: { ...sharedEnvironment, POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.ingress },
      bundleAwsSdk: false,
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
    const worker = this.createHandler('Worker', {
      handler: 'worker',
      description: 'mParticle Firehose delivery worker: sends queued deliveries to the partner API',
      timeout: Duration.seconds(DELIVERY_DEFAULTS.workerTimeoutSeconds),
      environment: { ...sharedEnvironment, POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.worker },
      // Nobody waits on the worker's cold start: it keeps the SDK versions the tests ran against.
      bundleAwsSdk: true,
    });
    this.workerFunction = worker.fn;
    // Grants receive, delete and sqs:ChangeMessageVisibility (the back-off) on the delivery queue.
    this.workerFunction.addEventSource(new SqsEventSource(this.deliveryQueue, {
      reportBatchItemFailures: true,
      batchSize: DELIVERY_DEFAULTS.workerBatchSize,
      maxConcurrency: DELIVERY_DEFAULTS.workerMaxConcurrency,
    }));
    this.deadLetterQueue.grantSendMessages(this.workerFunction);
    this.sealingKey.grant(this.workerFunction, 'kms:Decrypt');

    let httpLogGroup: logs.LogGroup | undefined;
    if (props.enableHttpEndpoint === true) {
      // The token arrives by (PGP-encrypted) e-mail; put it in with `aws secretsmanager put-secret-value`.
      // Until then the generated random value keeps the secret out of the template and rejects every caller.
      const tokenSecret = new secretsmanager.Secret(this, 'FirehoseTokenSecret', {
        description: 'mParticle Firehose token for the HTTP endpoint (Authorization: Token <value>)',
      });
      Validations.of(tokenSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'The value is a token mParticle issues and e-mails to the partner; AWS cannot rotate it. '
          + 'It is replaced by hand when mParticle issues a new one.',
      });
      const http = this.createHandler('Http', {
        handler: 'http',
        description: 'mParticle Firehose HTTP endpoint (Function URL): same messages as the ingress function',
        timeout: Duration.seconds(10),
        environment: {
          ...sharedEnvironment,
          POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.http,
          [FIREHOSE_TOKEN_SECRET_ARN_ENV]: tokenSecret.secretArn,
        },
        bundleAwsSdk: false,
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
    this.logGroups = { ingress: ingress.logGroup, worker: worker.logGroup, ...(httpLogGroup === undefined ? {} : { http: httpLogGroup }) };
  }

  /** What a function answering mParticle may do: queue deliveries, park rejected ones, seal settings. */
  private grantFrontDoor(fn: lambda.IFunction): void {
    this.deliveryQueue.grantSendMessages(fn);
    this.deadLetterQueue.grantSendMessages(fn);
    // GenerateDataKey only: the front door seals, it never needs to read sealed settings back.
    this.sealingKey.grant(fn, 'kms:GenerateDataKey');
  }

  /**
   * A Node.js function bundled by the local esbuild (never Docker), with its own log group and its own
   * role. The role gets write access to that one log group instead of AWSLambdaBasicExecutionRole, which
   * would allow writing to every log group in the account.
   */
  private createHandler(id: string, options: {
    handler: keyof HandlerEntries;
    description: string;
    timeout: Duration;
    environment: Record<string, string>;
    /**
     * Bundle the pinned AWS SDK (true) or use the Lambda runtime's copy (false). The functions mParticle
     * waits on use the runtime's: loading a bundled SDK made their cold start 1.6× an empty handler's,
     * the runtime's copy 1.2× (bench/cold-start.ts), and they load it only on their first queue use.
     */
    bundleAwsSdk: boolean;
  }): { fn: NodejsFunction; logGroup: logs.LogGroup } {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention: this.logRetention });
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${id} function`,
    });
    logGroup.grantWrite(role);

    const fn = new NodejsFunction(this, `${id}Function`, {
      entry: this.handlerEntries[options.handler] ?? path.join(PROJECT_ROOT, 'lambda', 'handlers', `${options.handler}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      // mParticle's recommendation (PROTOCOL.md §12.1): memory buys CPU, which cuts latency. The worker
      // keeps the same size so both behave alike under load.
      memorySize: 1024,
      timeout: options.timeout,
      description: options.description,
      role,
      logGroup,
      environment: options.environment,
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings, not a second copy of the sources.
        sourcesContent: false,
        target: ESBUILD_TARGET,
        format: OutputFormat.CJS,
        bundleAwsSDK: options.bundleAwsSdk,
        // When bundled: the ESM builds ("module") tree-shake to about a quarter less than the CommonJS ones.
        mainFields: ['module', 'main'],
      },
    });
    return { fn, logGroup };
  }
}
