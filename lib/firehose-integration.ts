import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELIVERY_ENV, PLATFORM_ENV } from '../lambda/config/environment';
import type { FirehoseAlarmSet } from './alarms';
import { createClaimCheckBucket } from './claim-check-bucket';
import { MPARTICLE_ACCOUNTS } from './context-readers';
import type { FirehoseDashboard } from './dashboard';
import { createDeliveryQueues } from './delivery-queues';
import {
  checkPartnerRateCeiling,
  claimCheckExpiryDays,
  mergeEventSourceProps,
  workerTimeout,
} from './delivery-settings';
import { createFirehoseHandler, createIngressAlias, type HandlerSettings } from './firehose-handler';
import type { FirehoseIntegrationProps } from './firehose-integration-props';
import { sharedEnvironment } from './function-environment';
import { grantFrontDoor, grantWorker } from './function-grants';
import { createPartnerCredentialSecret } from './manually-set-secrets';
import { createHttpEndpoint } from './http-endpoint-resources';
import { createMonitoring } from './integration-monitoring';
import { DEFAULT_METRICS_NAMESPACE, SERVICE_NAMES } from './metrics';
import { RequestCapture } from './request-capture';
import { RUNTIME_LOOP_ENVIRONMENT } from './runtime-loop-bundling';
import { DELIVERY_INFRASTRUCTURE } from '../lambda/delivery/infrastructure';
import { FUNCTION_DEFAULTS } from './function-defaults';

export { ConstructPropsError } from './errors';
export { LIVE_ALIAS } from './firehose-handler';
export type { FirehoseIntegrationProps, HandlerEntries } from './firehose-integration-props';
export { FUNCTION_RUNTIME } from './kit-function';

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

  constructor(scope: Construct, id: string, props: FirehoseIntegrationProps = {}) {
    super(scope, id);
    const handlerSettings: HandlerSettings = {
      handlerEntries: props.handlerEntries ?? {},
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    };
    const accounts = props.mparticleAccounts ?? MPARTICLE_ACCOUNTS;
    if (accounts.length === 0) throw new Error('FirehoseIntegration: mparticleAccounts must not be empty');

    this.sealingKey = new kms.Key(this, 'SealingKey', {
      description: 'Envelope encryption of confidential integration settings inside queued Firehose deliveries',
      enableKeyRotation: true,
      // Kept on stack deletion (CDK default): sealed messages still in the dead-letter queue need it.
    });
    const workerTimeoutValue = workerTimeout(props.workerFunctionProps);
    const queues = createDeliveryQueues(this, workerTimeoutValue, props);
    this.deadLetterQueue = queues.deadLetterQueue;
    this.deliveryQueue = queues.deliveryQueue;
    this.claimCheckBucket = createClaimCheckBucket(
      this,
      claimCheckExpiryDays({ deliveryQueue: queues.deliveryQueueProps, deadLetterQueue: queues.deadLetterQueueProps }),
    );
    this.partnerCredentialSecret =
      props.partnerApiUrl === undefined
        ? undefined
        : (props.partnerCredentialSecret ?? createPartnerCredentialSecret(this));
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const environment = sharedEnvironment(
      { partnerApiUrl: props.partnerApiUrl, dryRun: props.dryRun, logLevel: props.logLevel, metricsNamespace },
      {
        deliveryQueueUrl: this.deliveryQueue.queueUrl,
        deadLetterQueueUrl: this.deadLetterQueue.queueUrl,
        sealingKeyArn: this.sealingKey.keyArn,
        partnerCredentialSecretArn: this.partnerCredentialSecret?.secretArn,
        claimCheckBucketName: this.claimCheckBucket.bucketName,
        queueMessageMaxBytes: queues.maxMessageBytes,
      },
    );

    // Ingress: answers mParticle in-line (< 200 ms p99), queues what it cannot deliver within its deadline.
    const ingress = createFirehoseHandler(this, 'Ingress', handlerSettings, {
      handler: 'ingress',
      description: 'mParticle Firehose ingress: answers each Firehose message and queues partner deliveries',
      timeout: FUNCTION_DEFAULTS.ingressTimeout,
      // The kit's runtime loop hands it the payload's bytes: 64-bit integers stay exact (docs/runtime-loop.md).
      environment: { ...environment, [PLATFORM_ENV.serviceName]: SERVICE_NAMES.ingress, ...RUNTIME_LOOP_ENVIRONMENT },
      bundleAwsSdk: false,
      runtimeLoop: true,
      overrides: props.ingressFunctionProps,
    });
    this.ingressFunction = ingress.fn;
    grantFrontDoor(this.ingressFunction, this);
    this.ingressAlias = createIngressAlias(this, this.ingressFunction, accounts, props.provisionedConcurrency);

    // Worker: delivers queued calls with back-off (visibility changes) and parks hopeless ones in the DLQ.
    const workerEventSource = mergeEventSourceProps(
      {
        reportBatchItemFailures: true,
        batchSize: DELIVERY_INFRASTRUCTURE.workerBatchSize,
        maxConcurrency: DELIVERY_INFRASTRUCTURE.workerMaxConcurrency,
      },
      props.workerEventSourceProps,
    );
    const workerMaxConcurrency = workerEventSource.maxConcurrency ?? DELIVERY_INFRASTRUCTURE.workerMaxConcurrency;
    checkPartnerRateCeiling(props.workerFunctionProps?.environment ?? {}, workerMaxConcurrency);
    const worker = createFirehoseHandler(this, 'Worker', handlerSettings, {
      handler: 'worker',
      description: 'mParticle Firehose delivery worker: sends queued deliveries to the partner API',
      timeout: workerTimeoutValue,
      // How many containers share PARTNER_MAX_RPS (lambda/delivery/partner-rate-limit.ts).
      environment: {
        ...environment,
        [PLATFORM_ENV.serviceName]: SERVICE_NAMES.worker,
        [DELIVERY_ENV.workerMaxConcurrency]: String(workerMaxConcurrency),
      },
      // Nobody waits on the worker's cold start: it keeps the SDK versions the tests ran against.
      bundleAwsSdk: true,
      overrides: props.workerFunctionProps,
    });
    this.workerFunction = worker.fn;
    // Grants receive, delete and sqs:ChangeMessageVisibility (the back-off) on the delivery queue.
    this.workerFunction.addEventSource(new SqsEventSource(this.deliveryQueue, workerEventSource));
    grantWorker(this.workerFunction, this);

    const http =
      props.enableHttpEndpoint === true
        ? createHttpEndpoint(this, {
            handlerSettings,
            sharedEnvironment: environment,
            delivery: this,
            overrides: props.httpFunctionProps,
          })
        : undefined;
    if (http !== undefined) {
      this.httpFunction = http.fn;
      this.httpAlias = http.alias;
      this.httpFunctionUrl = http.functionUrl;
      this.firehoseTokenSecret = http.tokenSecret;
    }

    if (props.requestCapture !== undefined) {
      this.requestCapture = new RequestCapture(this, 'RequestCapture', props.requestCapture);
      this.requestCapture.grantCapture(this.ingressFunction);
      if (this.httpFunction) this.requestCapture.grantCapture(this.httpFunction);
    }

    const monitoring = createMonitoring(this, this, { ...props, metricsNamespace });
    this.alarms = monitoring.alarms;
    this.dashboard = monitoring.dashboard;
    this.logGroups = {
      ingress: ingress.logGroup,
      worker: worker.logGroup,
      ...(http === undefined ? {} : { http: http.logGroup }),
    };
  }
}
