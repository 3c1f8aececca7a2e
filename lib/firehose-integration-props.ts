import type { Duration } from 'aws-cdk-lib';
import type { SqsEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { RequestCaptureProps } from './request-capture';

/** Entry file (absolute path) per handler, each exporting `handler`. */
export interface HandlerEntries {
  readonly ingress?: string;
  readonly worker?: string;
  readonly http?: string;
}

export interface FirehoseIntegrationProps {
  /** AWS accounts allowed to invoke the ingress alias. @default mParticle's two accounts (docs/firehose-protocol.md, "Deployment") */
  readonly mparticleAccounts?: readonly string[];
  /**
   * The partner API (https) the functions deliver to. Without it the functions get no delivery settings at
   * all and the ingress answers mParticle in its dry-run mode. @default unset
   */
  readonly partnerApiUrl?: string;
  /**
   * Without a partner URL: log partner calls instead of sending them (DELIVERY_ENV.dryRun=true). Without either, the
   * deployed ingress fails every invocation that carries data rather than answer success and drop it.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * The partner-level credential, for calls that carry no customer settings (mParticle's DSR requests
   * carry no account). Read with GetSecretValue only, lazily, by the functions that deliver.
   * @default a new secret with a generated value (put the real one in), when partnerApiUrl is set
   */
  readonly partnerCredentialSecret?: secretsmanager.ISecret;
  /** Provisioned concurrency on the ingress alias; 0 or unset configures none. @default 0 */
  readonly provisionedConcurrency?: number;
  /** Adds the HTTP variant: a function behind a Function URL, plus the secret for mParticle's token. @default false */
  readonly enableHttpEndpoint?: boolean;
  /** Topic that receives alarm and OK notifications. @default no alarm actions */
  readonly alarmTopic?: sns.ITopic;
  /** Retention of every function's log group. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** FUNCTION_ENV.logLevel for the Powertools logger. @default 'INFO' */
  readonly logLevel?: string;
  /** PLATFORM_ENV.metricsNamespace for custom metrics; the dashboard and alarms read them there. @default 'MparticleFirehose' */
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
  /**
   * Opt-in capture of sampled raw requests, without confidential settings, for `npm run replay`
   * (docs/capture-and-replay.md). @default off
   */
  readonly requestCapture?: RequestCaptureProps;
  /**
   * Merged over the ingress function's defaults (1024 MB, arm64, 10 s). Below 1024 MB a warning is added
   * (mParticle's recommendation). The runtime, entry, handler, code, role and log group are the kit's.
   * @default the kit's settings
   */
  readonly ingressFunctionProps?: Partial<NodejsFunctionProps>;
  /** Merged over the worker's defaults (1024 MB, arm64, 60 s); the queue's visibility timeout follows its timeout. @default the kit's settings */
  readonly workerFunctionProps?: Partial<NodejsFunctionProps>;
  /** Merged over the HTTP function's defaults (as the ingress's); used with enableHttpEndpoint. @default the kit's settings */
  readonly httpFunctionProps?: Partial<NodejsFunctionProps>;
  /**
   * Merged over the delivery queue's defaults (SSE, TLS only, 7 days, visibility 6 × the worker's timeout).
   * The dead-letter wiring is the kit's. @default the kit's settings
   */
  readonly deliveryQueueProps?: Partial<sqs.QueueProps>;
  /** Merged over the dead-letter queue's defaults (SSE, TLS only, 14 days). @default the kit's settings */
  readonly deadLetterQueueProps?: Partial<sqs.QueueProps>;
  /** Merged over the worker's event source (batch size 10, max concurrency 5, partial batch responses). @default the kit's settings */
  readonly workerEventSourceProps?: Partial<SqsEventSourceProps>;
}
