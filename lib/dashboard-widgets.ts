/** The graphs of the Firehose dashboard (lib/dashboard.ts) that are built the same way more than once. */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  type CustomMetricOptions,
  type FirehoseMetricName,
  type FirehoseService,
  METRIC_NAMES,
  ONE_MINUTE,
  REQUEST_TYPE_DIMENSIONS,
} from './metrics';

const HEIGHT = 6;

/** A custom metric of the dashboard's namespace, labelled with its name unless the options say otherwise. */
export type CustomMetricSource = (
  service: FirehoseService,
  name: FirehoseMetricName,
  options?: CustomMetricOptions,
) => cloudwatch.Metric;

/** A front door mParticle calls: the ingress (Lambda invoke) or the HTTP endpoint. */
interface FrontDoor {
  readonly service: FirehoseService;
  /** Starts the graph titles, e.g. "Ingress". */
  readonly title: string;
  /** Names it inside a title, e.g. "ingress". */
  readonly noun: string;
  /** Of the calls and events graphs (the HTTP rows have a third graph beside them). */
  readonly width: number;
  /** mParticle invokes the alias, so its duration is what mParticle sees. */
  readonly alias: lambda.IAlias;
  readonly budget: Duration;
  readonly budgetLabel: string;
  /** Whose throttles and errors are graphed. */
  readonly failing: lambda.IFunction;
  readonly errorsLabel: string;
  readonly failedInvocationsLabel: string;
}

interface FrontDoorWidgets {
  readonly invocations: cloudwatch.GraphWidget;
  readonly duration: cloudwatch.GraphWidget;
  readonly failures: cloudwatch.GraphWidget;
  readonly calls: cloudwatch.GraphWidget;
  readonly events: cloudwatch.GraphWidget;
}

/** What the ingress and the HTTP function both publish: they run the same pipeline under their own service. */
export function frontDoorWidgets(custom: CustomMetricSource, door: FrontDoor): FrontDoorWidgets {
  const { service } = door;
  return {
    invocations: graph(
      `${door.title} invocations by request type`,
      REQUEST_TYPE_DIMENSIONS.map((type) =>
        custom(service, METRIC_NAMES.invocations, { label: type, extraDimensions: { RequestType: type } }),
      ),
      { stacked: true },
    ),
    duration: graph(
      `${door.title} duration (live alias)`,
      [
        door.alias.metricDuration({ statistic: 'p50', period: ONE_MINUTE, label: 'p50' }),
        door.alias.metricDuration({ statistic: 'p99', period: ONE_MINUTE, label: 'p99' }),
      ],
      budgetLine(door.budget, door.budgetLabel),
    ),
    failures: graph(`${door.title} throttles and errors`, [
      door.failing.metricThrottles({ period: ONE_MINUTE, label: 'Throttles (mParticle got 429)' }),
      door.failing.metricErrors({ period: ONE_MINUTE, label: door.errorsLabel }),
      custom(service, METRIC_NAMES.failedInvocations, { label: door.failedInvocationsLabel }),
    ]),
    calls: graph(
      `Partner calls made by the ${door.noun}`,
      [
        custom(service, METRIC_NAMES.callsDeliveredInline),
        custom(service, METRIC_NAMES.callsSpilled),
        custom(service, METRIC_NAMES.callsQueued),
        custom(service, METRIC_NAMES.callsParked),
      ],
      { width: door.width },
    ),
    events: graph(
      `Events and input at the ${door.noun}`,
      [
        custom(service, METRIC_NAMES.eventsForwardedInline),
        custom(service, METRIC_NAMES.unknownEventsSkipped),
        custom(service, METRIC_NAMES.rejectedInput),
      ],
      { width: door.width },
    ),
  };
}

/** A red line at the budget on a duration graph in milliseconds. */
function budgetLine(budget: Duration, label: string): Partial<cloudwatch.GraphWidgetProps> {
  return {
    leftAnnotations: [{ value: budget.toMilliseconds(), label, color: cloudwatch.Color.RED }],
    leftYAxis: { label: 'ms', showUnits: false, min: 0 },
  };
}

/** A graph a third of the dashboard wide unless the options say otherwise. */
export function graph(
  title: string,
  left: cloudwatch.IMetric[],
  options: Omit<cloudwatch.GraphWidgetProps, 'title' | 'left'> = {},
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: 8, height: HEIGHT, ...options });
}
