import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CUSTOMER_DIMENSION, FEED_METRIC_NAMES } from '../lambda/feeds/feed-metrics';

/** Every feed alarm looks at five minutes. */
const period = Duration.minutes(5);

export interface FeedAlarms {
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly throttlesAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;
}

/** The feed's three alarms (≥ 1 in 5 minutes each), notifying the topic when given. */
export function createFeedAlarms(
  scope: Construct,
  fn: lambda.IFunction,
  deadLetterQueue: sqs.IQueue,
  topic: sns.ITopic | undefined,
): FeedAlarms {
  const atLeastOnce = (id: string, alarmDescription: string, metric: cloudwatch.IMetric): cloudwatch.Alarm =>
    alarmAtLeastOnce(scope, id, alarmDescription, metric, topic);
  return {
    errorsAlarm: atLeastOnce(
      'ErrorsAlarm',
      'The mParticle feed function failed: an object was not fully sent (credentials refused, mParticle unavailable, or a bug). Lambda retries it, then parks it in the dead-letter queue.',
      fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
    ),
    throttlesAlarm: atLeastOnce(
      'ThrottlesAlarm',
      'The mParticle feed function was throttled: uploads wait for capacity.',
      fn.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
    ),
    deadLetterAlarm: atLeastOnce(
      'DeadLetterAlarm',
      'An upload exhausted its retries and is parked in the dead-letter queue: resend it once the cause is fixed.',
      deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
    ),
  };
}

/** An alarm on any count in five minutes, notifying the topic when given: every feed alarm is one. */
function alarmAtLeastOnce(
  scope: Construct,
  id: string,
  alarmDescription: string,
  metric: cloudwatch.IMetric,
  topic: sns.ITopic | undefined,
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription,
    metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  if (topic) alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
  return alarm;
}

/**
 * Many customers: one alarm on a Metrics Insights query grouped by customer, so each refused customer
 * is a contributor the alarm names ("Customer=acme"), and a customer added later is covered without a
 * deploy. The function counts FeedCredentialsRefused when mParticle answers 401/403 for a customer.
 */
export function createCredentialsRefusedAlarm(
  scope: Construct,
  namespace: string,
  serviceName: string,
  topic: sns.ITopic | undefined,
): cloudwatch.Alarm {
  const query =
    `SELECT MAX(${FEED_METRIC_NAMES.credentialsRefused}) FROM SCHEMA("${namespace}", ${CUSTOMER_DIMENSION}, service) ` +
    `WHERE service = '${serviceName}' GROUP BY ${CUSTOMER_DIMENSION}`;
  return alarmAtLeastOnce(
    scope,
    'CredentialsRefusedAlarm',
    "mParticle refused a customer's Events API key and secret (401 or 403): that customer's uploads wait, the others go on. " +
      'The contributor names the customer. Store the right key (npm run feed -- customers add <customer> …), then resume their uploads (docs/feeds.md).',
    new cloudwatch.MathExpression({ expression: query, period, usingMetrics: {} }),
    topic,
  );
}
