import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { DELIVERY_DEFAULTS } from '../lambda/delivery/defaults';
import {
  anyAbove,
  callsParked,
  FIVE_MINUTES,
  latencyP99,
  managedRuntimeFallback,
  oldestMessageAbove,
} from './alarm-rules';
import { HTTP_LATENCY_BUDGET, INGRESS_LATENCY_BUDGET } from './latency-budgets';
import type { MonitoredResources } from './monitored-resources';
import { customMetric, DEFAULT_METRICS_NAMESPACE, METRIC_NAMES, ONE_MINUTE, SERVICE_NAMES } from './metrics';

export interface FirehoseAlarmsProps extends MonitoredResources {
  /** Where alarm state changes go (e.g. an SNS topic action); none when omitted. */
  readonly alarmAction?: cloudwatch.IAlarmAction;
  /** mParticle's Lambda budget: p99 under 200 ms (docs/firehose-protocol.md, "Deployment"). */
  readonly ingressLatencyBudget?: Duration;
  /** mParticle's HTTP budget: under 100 ms (docs/firehose-protocol.md, "Deployment"). */
  readonly httpLatencyBudget?: Duration;
  /** How old the oldest undelivered message may get before someone should look at the partner API. */
  readonly backlogAgeThreshold?: Duration;
  /**
   * The worker's delivery budget (its DELIVERY_ENV.deliveryBudgetSeconds): a day before queued messages reach it,
   * an alarm says they are about to be parked. @default DELIVERY_DEFAULTS.deliveryBudgetSeconds
   */
  readonly deliveryBudget?: Duration;
  /** Namespace of the functions' custom metrics (their PLATFORM_ENV.metricsNamespace). @default 'MparticleFirehose' */
  readonly metricsNamespace?: string;
}

/** The alarms, by what they watch. */
export interface FirehoseAlarmSet {
  readonly ingressThrottles: cloudwatch.Alarm;
  readonly ingressErrors: cloudwatch.Alarm;
  readonly ingressLatencyP99: cloudwatch.Alarm;
  readonly deadLetterQueueNotEmpty: cloudwatch.Alarm;
  readonly deliveryBacklogAge: cloudwatch.Alarm;
  /** The oldest queued message is a day from its delivery budget: the worker will soon park it for age. */
  readonly deliveryBudgetRunningOut: cloudwatch.Alarm;
  readonly workerErrors: cloudwatch.Alarm;
  /** The worker's own count of deliveries it parked in the DLQ (the DLQ depth alarm also sees the ingress's). */
  readonly deliveriesDeadLettered: cloudwatch.Alarm;
  /** Calls the ingress parked: the partner refused them in-line (4xx) or the settings made no credentials. */
  readonly ingressCallsParked: cloudwatch.Alarm;
  /** Invocations the ingress could neither deliver nor queue: data at risk. */
  readonly ingressFailedInvocations: cloudwatch.Alarm;
  /** An ingress sandbox ran the managed runtime instead of the runtime loop: integers beyond 2^53 are rounded. */
  readonly ingressManagedRuntimeFallback: cloudwatch.Alarm;
  readonly httpErrors?: cloudwatch.Alarm;
  readonly httpLatencyP99?: cloudwatch.Alarm;
  /** Calls the HTTP endpoint refused for a missing or wrong token (mParticle does not retry a 401). */
  readonly httpRejectedAuth?: cloudwatch.Alarm;
  /** As ingressCallsParked, for the calls the HTTP endpoint makes in-line. */
  readonly httpCallsParked?: cloudwatch.Alarm;
  /** As ingressFailedInvocations, for the HTTP endpoint (it answers 503 or 500, which mParticle retries a few times). */
  readonly httpFailedInvocations?: cloudwatch.Alarm;
}

/** CloudWatch alarms for what mParticle notices first (throttles, errors, latency) and for undelivered data. */
export class FirehoseAlarms extends Construct {
  public readonly alarms: FirehoseAlarmSet;

  constructor(scope: Construct, id: string, props: FirehoseAlarmsProps) {
    super(scope, id);
    const ingressBudget = props.ingressLatencyBudget ?? INGRESS_LATENCY_BUDGET;
    const httpBudget = props.httpLatencyBudget ?? HTTP_LATENCY_BUDGET;
    const backlogAge = props.backlogAgeThreshold ?? Duration.minutes(15);
    const namespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const budget = props.deliveryBudget ?? Duration.seconds(DELIVERY_DEFAULTS.deliveryBudgetSeconds);
    // A day before the budget ends, or at half of a budget shorter than two days.
    const budgetWarning = Math.max(budget.toSeconds() - 86_400, Math.floor(budget.toSeconds() / 2));

    const alarms: FirehoseAlarmSet = {
      // Any throttle means mParticle got a 429 and is backing off: the concurrency limit is too low.
      ingressThrottles: anyAbove(
        this,
        'IngressThrottles',
        props.ingressFunction.metricThrottles({ period: ONE_MINUTE }),
        0,
        'mParticle invocations of the ingress function are being throttled; raise the account concurrency limit.',
      ),
      ingressErrors: anyAbove(
        this,
        'IngressErrors',
        props.ingressFunction.metricErrors({ period: ONE_MINUTE }),
        0,
        'The ingress function returned function errors to mParticle.',
      ),
      ingressLatencyP99: latencyP99(
        this,
        'IngressLatencyP99',
        props.ingressAlias,
        ingressBudget,
        `p99 duration of the ingress alias is above ${ingressBudget.toMilliseconds()} ms, mParticle's latency budget.`,
      ),
      deadLetterQueueNotEmpty: anyAbove(
        this,
        'DeadLetterQueueNotEmpty',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum' }),
        0,
        'Deliveries the partner API rejected for good or that outlived the delivery budget are waiting in the dead-letter queue.',
      ),
      deliveryBacklogAge: oldestMessageAbove(
        this,
        'DeliveryBacklogAge',
        props.deliveryQueue,
        backlogAge.toSeconds(),
        `The oldest queued delivery is older than ${backlogAge.toMinutes()} minutes: the partner API is down or too slow.`,
      ),
      deliveryBudgetRunningOut: oldestMessageAbove(
        this,
        'DeliveryBudgetRunningOut',
        props.deliveryQueue,
        budgetWarning,
        `The oldest queued delivery is ${Math.round(budgetWarning / 3_600)} hours old: at ${Math.round(budget.toHours({ integral: false }))} hours ` +
          'the worker parks what it still cannot deliver in the dead-letter queue (redrive it once the partner is back).',
      ),
      workerErrors: anyAbove(
        this,
        'WorkerErrors',
        props.workerFunction.metricErrors({ period: ONE_MINUTE }),
        0,
        'The delivery worker crashed on a batch (per-message failures are reported, not thrown).',
      ),
      // The custom metrics below say what happened to the data, which Lambda's own metrics cannot.
      deliveriesDeadLettered: anyAbove(
        this,
        'DeliveriesDeadLettered',
        customMetric(namespace, SERVICE_NAMES.worker, METRIC_NAMES.deliveriesDeadLettered, { period: ONE_MINUTE }),
        0,
        'The worker parked deliveries in the dead-letter queue: the partner API refused them for good (4xx) or they outlived the delivery budget.',
      ),
      ingressCallsParked: callsParked(this, 'IngressCallsParked', namespace, SERVICE_NAMES.ingress, 'The ingress'),
      ingressFailedInvocations: anyAbove(
        this,
        'IngressFailedInvocations',
        customMetric(namespace, SERVICE_NAMES.ingress, METRIC_NAMES.failedInvocations, { period: ONE_MINUTE }),
        0,
        'The ingress could not queue a delivery and answered mParticle with an error: data is at risk unless mParticle retries.',
      ),
      ingressManagedRuntimeFallback: managedRuntimeFallback(this, 'IngressManagedRuntimeFallback', namespace),
      ...(props.httpAlias === undefined
        ? {}
        : {
            httpErrors: anyAbove(
              this,
              'HttpErrors',
              props.httpAlias.metricErrors({ period: ONE_MINUTE }),
              0,
              'The HTTP endpoint function errored; mParticle saw a 502.',
            ),
            httpLatencyP99: latencyP99(
              this,
              'HttpLatencyP99',
              props.httpAlias,
              httpBudget,
              `p99 duration of the HTTP endpoint is above ${httpBudget.toMilliseconds()} ms, mParticle's HTTP budget.`,
            ),
            // Five minutes: one refusal is enough (mParticle does not retry a 401), the longer period only groups them.
            httpRejectedAuth: anyAbove(
              this,
              'HttpRejectedAuth',
              customMetric(namespace, SERVICE_NAMES.http, METRIC_NAMES.rejectedAuth, { period: FIVE_MINUTES }),
              0,
              'The HTTP endpoint refused calls without a valid Token; mParticle does not retry a 401, so that data is lost. ' +
                'Check whether mParticle rotated the token and put the new one in the token secret.',
            ),
            // The HTTP function runs the same pipeline as the ingress and publishes the same metrics under its own service.
            httpCallsParked: callsParked(this, 'HttpCallsParked', namespace, SERVICE_NAMES.http, 'The HTTP endpoint'),
            httpFailedInvocations: anyAbove(
              this,
              'HttpFailedInvocations',
              customMetric(namespace, SERVICE_NAMES.http, METRIC_NAMES.failedInvocations, { period: ONE_MINUTE }),
              0,
              'The HTTP endpoint failed a call (503 when the queue was unreachable, else 500): mParticle retries only a few times, so data is at risk.',
            ),
          }),
    };

    if (props.alarmAction !== undefined) {
      for (const alarm of Object.values(alarms)) {
        if (alarm === undefined) continue;
        alarm.addAlarmAction(props.alarmAction);
        alarm.addOkAction(props.alarmAction);
      }
    }
    this.alarms = alarms;
  }
}
