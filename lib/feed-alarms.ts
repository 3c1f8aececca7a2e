import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

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
  const period = Duration.minutes(5);
  const atLeastOnce = (id: string, alarmDescription: string, metric: cloudwatch.IMetric): cloudwatch.Alarm =>
    new cloudwatch.Alarm(scope, id, {
      alarmDescription,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  const alarms: FeedAlarms = {
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
  if (topic) {
    const action = new cloudwatchActions.SnsAction(topic);
    for (const alarm of Object.values(alarms)) alarm.addAlarmAction(action);
  }
  return alarms;
}
