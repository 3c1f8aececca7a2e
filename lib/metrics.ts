import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { FirehoseRequestType } from '../lambda/firehose/schema/requests';
// Constants only; the module also loads @aws-lambda-powertools/metrics (no side effects at import), which is a
// dependency anyway. The request types are copied below instead: their module would load every valibot schema.
import { DEFAULT_METRICS_NAMESPACE, METRIC_NAMES } from '../lambda/observability/metrics';

export { DEFAULT_METRICS_NAMESPACE, METRIC_NAMES };

/** The period of every per-minute graph and alarm metric, and of custom metrics by default. */
export const ONE_MINUTE = Duration.minutes(1);

/** A custom metric the functions publish (lambda/observability/metrics.ts). */
export type FirehoseMetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

/**
 * PLATFORM_ENV.serviceName of each function, which Powertools Metrics puts in the `service` dimension of
 * every custom metric; the functions' environment and every alarm and dashboard metric read it from here.
 */
export const SERVICE_NAMES = {
  ingress: 'firehose-ingress',
  worker: 'firehose-worker',
  http: 'firehose-http',
} as const;
export type FirehoseService = (typeof SERVICE_NAMES)[keyof typeof SERVICE_NAMES];

/** The `RequestType` dimension values of `Invocations` (REQUEST_TYPES in lambda/firehose/schema/requests.ts). */
export const REQUEST_TYPE_DIMENSIONS = [
  'module_registration_request',
  'event_processing_request',
  'audience_subscription_request',
  'audience_membership_change_request',
  'dsr_processing_request',
] as const satisfies readonly FirehoseRequestType[];

/** Fails to compile when the protocol gains a request type this list does not have. */
const everyRequestTypeListed: Exclude<FirehoseRequestType, (typeof REQUEST_TYPE_DIMENSIONS)[number]> extends never
  ? true
  : never = true;
void everyRequestTypeListed;

export interface CustomMetricOptions {
  /** @default Sum (every custom metric but DeliveryLatency is a count) */
  readonly statistic?: string;
  /** @default one minute */
  readonly period?: Duration;
  readonly label?: string;
  /** Dimensions besides `service` (only `Invocations` has one: RequestType). */
  readonly extraDimensions?: Readonly<Record<string, string>>;
}

/**
 * One of the functions' custom metrics, selected exactly as Powertools publishes it: the namespace given to
 * PLATFORM_ENV.metricsNamespace, dimension `service`, plus RequestType for `Invocations`.
 */
export function customMetric(
  namespace: string,
  service: FirehoseService,
  metricName: FirehoseMetricName,
  options: CustomMetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName,
    dimensionsMap: { service, ...options.extraDimensions },
    statistic: options.statistic ?? cloudwatch.Stats.SUM,
    period: options.period ?? ONE_MINUTE,
    ...(options.label === undefined ? {} : { label: options.label }),
  });
}
