import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { type CustomMetricSource, frontDoorWidgets, graph } from './dashboard-widgets';
import { HTTP_LATENCY_BUDGET, INGRESS_LATENCY_BUDGET } from './latency-budgets';
import type { MonitoredResources } from './monitored-resources';
import { customMetric, type FirehoseMetricName, METRIC_NAMES, ONE_MINUTE, SERVICE_NAMES } from './metrics';

/** The HTTP rows (the ingress's graphs for the HTTP function, and rejected tokens) appear only with `httpAlias`. */
export interface FirehoseDashboardProps extends MonitoredResources {
  /** CloudWatch dashboard names are unique per account across regions, so this should name the region. */
  readonly dashboardName: string;
  /** Namespace of the functions' custom metrics: the value of their PLATFORM_ENV.metricsNamespace. */
  readonly metricsNamespace: string;
  /** Alarms shown in a status row at the top. @default none (no status row) */
  readonly alarms?: readonly cloudwatch.IAlarm[];
  /** Drawn as a line on the ingress duration graph. @default 200 ms (mParticle's Lambda budget) */
  readonly ingressLatencyBudget?: Duration;
  /** Drawn as a line on the HTTP duration graph. @default 100 ms (mParticle's HTTP budget) */
  readonly httpLatencyBudget?: Duration;
}

const FULL_WIDTH = 24;

/**
 * One region's integration on one screen: the alarms, what mParticle sent and how fast the ingress answered,
 * what became of each partner call (in-line, queued, parked), how the worker's deliveries went, the queues,
 * and the same for the HTTP endpoint when it is deployed. Counts are per-minute sums.
 */
export class FirehoseDashboard extends cloudwatch.Dashboard {
  constructor(scope: Construct, id: string, props: FirehoseDashboardProps) {
    super(scope, id, { dashboardName: props.dashboardName, defaultInterval: Duration.hours(3) });
    const custom: CustomMetricSource = (service, name, options = {}) =>
      customMetric(props.metricsNamespace, service, name, { label: name, ...options });
    const worker = (name: FirehoseMetricName): cloudwatch.Metric => custom(SERVICE_NAMES.worker, name);
    const ingressBudget = props.ingressLatencyBudget ?? INGRESS_LATENCY_BUDGET;
    const httpBudget = props.httpLatencyBudget ?? HTTP_LATENCY_BUDGET;

    if (props.alarms !== undefined && props.alarms.length > 0) {
      this.addWidgets(
        new cloudwatch.AlarmStatusWidget({
          title: 'Alarms',
          alarms: [...props.alarms],
          width: FULL_WIDTH,
          height: 3,
          sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
        }),
      );
    }

    const ingress = frontDoorWidgets(custom, {
      service: SERVICE_NAMES.ingress,
      title: 'Ingress',
      noun: 'ingress',
      width: 12,
      alias: props.ingressAlias,
      budget: ingressBudget,
      budgetLabel: `mParticle budget (p99 ${ingressBudget.toMilliseconds()} ms)`,
      // The unqualified function's metrics count every version's throttles and errors, as the ingress alarms do.
      failing: props.ingressFunction,
      errorsLabel: 'Errors',
      failedInvocationsLabel: 'FailedInvocations (could not queue)',
    });
    this.addWidgets(ingress.invocations, ingress.duration, ingress.failures);
    this.addWidgets(ingress.calls, ingress.events);

    this.addWidgets(
      graph('Worker deliveries', [
        worker(METRIC_NAMES.deliveriesSucceeded),
        worker(METRIC_NAMES.deliveriesRetried),
        worker(METRIC_NAMES.deliveriesDeadLettered),
        // Pressure that is no failure: holds (rate ceiling, open circuit) and 429s under PARTNER_MAX_RPS.
        worker(METRIC_NAMES.deliveriesHeld),
        worker(METRIC_NAMES.partnerThrottled),
      ]),
      graph(
        'Worker delivery latency',
        [
          custom(SERVICE_NAMES.worker, METRIC_NAMES.deliveryLatency, { statistic: 'p50', label: 'p50' }),
          custom(SERVICE_NAMES.worker, METRIC_NAMES.deliveryLatency, { statistic: 'p99', label: 'p99' }),
        ],
        { leftYAxis: { label: 'ms', showUnits: false, min: 0 } },
      ),
      graph(
        'Partner API answers to the worker',
        [
          worker(METRIC_NAMES.partner2xx),
          worker(METRIC_NAMES.partner4xx),
          worker(METRIC_NAMES.partner5xx),
          worker(METRIC_NAMES.partnerNoAnswer),
        ],
        { stacked: true },
      ),
    );

    this.addWidgets(
      graph(
        'Delivery queue',
        [
          props.deliveryQueue.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'Messages waiting',
          }),
        ],
        {
          width: 12,
          right: [
            props.deliveryQueue.metricApproximateAgeOfOldestMessage({
              period: ONE_MINUTE,
              statistic: cloudwatch.Stats.MAXIMUM,
              label: 'Age of oldest message (s)',
            }),
          ],
          rightYAxis: { label: 's', showUnits: false, min: 0 },
        },
      ),
      graph(
        'Dead-letter queue',
        [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: 'Messages parked',
          }),
        ],
        { width: 12 },
      ),
    );

    if (props.httpAlias !== undefined) {
      const http = frontDoorWidgets(custom, {
        service: SERVICE_NAMES.http,
        title: 'HTTP endpoint',
        noun: 'HTTP endpoint',
        width: 8,
        alias: props.httpAlias,
        budget: httpBudget,
        budgetLabel: `mParticle budget (${httpBudget.toMilliseconds()} ms)`,
        failing: props.httpAlias,
        errorsLabel: 'Errors (mParticle got 502)',
        failedInvocationsLabel: 'FailedInvocations (answered 503/500)',
      });
      this.addWidgets(http.invocations, http.duration, http.failures);
      this.addWidgets(
        http.calls,
        http.events,
        graph('HTTP endpoint: calls refused for a missing or wrong token', [
          custom(SERVICE_NAMES.http, METRIC_NAMES.rejectedAuth, {
            label: 'RejectedAuth (401, mParticle does not retry)',
          }),
        ]),
      );
    }
  }
}
