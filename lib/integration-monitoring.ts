import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import { FirehoseAlarms, type FirehoseAlarmSet } from './alarms';
import { FirehoseDashboard } from './dashboard';
import { deliveryBudgetSeconds } from './delivery-settings';
import type { FirehoseIntegrationProps } from './firehose-integration-props';
import type { MonitoredResources } from './monitored-resources';

export type MonitoringProps = Pick<
  FirehoseIntegrationProps,
  'alarmTopic' | 'backlogAgeAlarmThreshold' | 'dashboardName' | 'workerFunctionProps'
> & { readonly metricsNamespace: string };

/** The integration's alarms (`Alarms`) and its dashboard (`Dashboard`, showing those alarms) in `scope`. */
export function createMonitoring(
  scope: Construct,
  resources: MonitoredResources,
  props: MonitoringProps,
): { alarms: FirehoseAlarmSet; dashboard: FirehoseDashboard } {
  const watched: MonitoredResources = {
    ingressFunction: resources.ingressFunction,
    ingressAlias: resources.ingressAlias,
    workerFunction: resources.workerFunction,
    deliveryQueue: resources.deliveryQueue,
    deadLetterQueue: resources.deadLetterQueue,
    ...(resources.httpAlias === undefined ? {} : { httpAlias: resources.httpAlias }),
  };
  const alarms = new FirehoseAlarms(scope, 'Alarms', {
    ...watched,
    metricsNamespace: props.metricsNamespace,
    ...(props.alarmTopic === undefined ? {} : { alarmAction: new cloudwatchActions.SnsAction(props.alarmTopic) }),
    ...(props.backlogAgeAlarmThreshold === undefined ? {} : { backlogAgeThreshold: props.backlogAgeAlarmThreshold }),
    // The budget the worker runs with, so the warning comes a day before it, whatever the environment says.
    deliveryBudget: Duration.seconds(deliveryBudgetSeconds(props.workerFunctionProps?.environment ?? {})),
  }).alarms;
  const stack = Stack.of(scope);
  const dashboard = new FirehoseDashboard(scope, 'Dashboard', {
    ...watched,
    dashboardName: props.dashboardName ?? `${stack.stackName}-${stack.region}`,
    metricsNamespace: props.metricsNamespace,
    alarms: Object.values(alarms).filter((alarm) => alarm !== undefined),
  });
  return { alarms, dashboard };
}
