/** The kinds of alarm the integration raises, each created directly in the given scope under the given id. */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { MANAGED_RUNTIME_FALLBACK_METRIC } from '../lambda/runtime-loop/files';
import { customMetric, type FirehoseService, METRIC_NAMES, ONE_MINUTE, SERVICE_NAMES } from './metrics';

export const FIVE_MINUTES = Duration.minutes(5);

/** One breaching period is enough: these count events that should never happen. */
export function anyAbove(
  scope: Construct,
  id: string,
  metric: cloudwatch.IMetric,
  threshold: number,
  description: string,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    metric,
    threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  });
}

/** Three 5-minute periods in a row above the budget, so a single cold start does not page anyone. */
export function latencyP99(
  scope: Construct,
  id: string,
  alias: lambda.IAlias,
  budget: Duration,
  description: string,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    metric: alias.metricDuration({ statistic: 'p99', period: FIVE_MINUTES }),
    threshold: budget.toMilliseconds(),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  });
}

/** The oldest queued message stayed older than `seconds` for five minutes in a row. */
export function oldestMessageAbove(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  seconds: number,
  description: string,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    metric: queue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' }),
    threshold: seconds,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 5,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  });
}

/** Calls a front door (ingress or HTTP) parked instead of delivering: a partner refusing in-line calls. */
export function callsParked(
  scope: Construct,
  id: string,
  namespace: string,
  service: FirehoseService,
  who: string,
): cloudwatch.Alarm {
  return anyAbove(
    scope,
    id,
    customMetric(namespace, service, METRIC_NAMES.callsParked, { period: ONE_MINUTE }),
    0,
    `${who} parked calls in the dead-letter queue: the partner API refused them in-line (4xx, e.g. a revoked customer key) ` +
      'or the integration settings could not make their credentials.',
  );
}

/**
 * The ingress's exec wrapper ran the managed runtime instead of the runtime loop (its one line at init, an
 * embedded-metric document under the ingress's service): 64-bit integers reach the partner rounded again.
 */
export function managedRuntimeFallback(scope: Construct, id: string, namespace: string): cloudwatch.Alarm {
  return anyAbove(
    scope,
    id,
    new cloudwatch.Metric({
      namespace,
      metricName: MANAGED_RUNTIME_FALLBACK_METRIC,
      dimensionsMap: { service: SERVICE_NAMES.ingress },
      statistic: cloudwatch.Stats.SUM,
      period: FIVE_MINUTES,
    }),
    0,
    'An ingress sandbox started the managed runtime instead of the runtime loop, so 64-bit integers such as session ids ' +
      'are rounded again. Its log says why (source runtime-wrapper, field reason); see docs/runtime-loop.md.',
  );
}
