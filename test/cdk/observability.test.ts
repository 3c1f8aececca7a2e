import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_TYPES } from '../../lambda/firehose/schema/requests';
import {
  DEFAULT_METRICS_NAMESPACE as LAMBDA_DEFAULT_NAMESPACE,
  METRIC_NAMES as LAMBDA_METRIC_NAMES,
} from '../../lambda/observability/metrics';
import type { FirehoseStack } from '../../lib/firehose-stack';
import { DEFAULT_METRICS_NAMESPACE, METRIC_NAMES, REQUEST_TYPE_DIMENSIONS, SERVICE_NAMES } from '../../lib/metrics';
import { type DashboardMetric, parseDashboards, type ParsedDashboard } from './support/dashboard-body';
import { logicalIdOf, TEST_PARTNER_API_URL, synthesizeBeforeAll } from './support/synth';
import { resourcesOfType } from './support/template-queries';
import { PLATFORM_ENV } from '../../lambda/config/environment';

const NAMESPACE = 'MparticleFirehose';

/** What each function publishes under its `service` dimension (lambda/observability/metrics.ts). */
const INGRESS_COUNTS = [
  METRIC_NAMES.callsDeliveredInline,
  METRIC_NAMES.callsSpilled,
  METRIC_NAMES.callsQueued,
  METRIC_NAMES.callsParked,
  METRIC_NAMES.eventsForwardedInline,
  METRIC_NAMES.unknownEventsSkipped,
  METRIC_NAMES.rejectedInput,
  METRIC_NAMES.failedInvocations,
];
const WORKER_COUNTS = [
  METRIC_NAMES.deliveriesSucceeded,
  METRIC_NAMES.deliveriesRetried,
  METRIC_NAMES.deliveriesDeadLettered,
  METRIC_NAMES.partner2xx,
  METRIC_NAMES.partner4xx,
  METRIC_NAMES.partner5xx,
  METRIC_NAMES.partnerNoAnswer,
];

function onlyDashboard(template: Template): ParsedDashboard {
  const dashboards = parseDashboards(template);
  expect(dashboards).toHaveLength(1);
  return dashboards[0] as ParsedDashboard;
}

function customMetrics(dashboard: ParsedDashboard, metricName: string): DashboardMetric[] {
  return dashboard.metrics.filter((m) => m.metricName === metricName && !m.namespace.startsWith('AWS/'));
}

/** The alarm (there must be exactly one) on a custom metric of one service; its CloudFormation properties. */
function alarmOn(template: Template, metricName: string, service: string): Record<string, unknown> {
  const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
    ([, a]) =>
      a.Properties?.['MetricName'] === metricName &&
      JSON.stringify(a.Properties['Dimensions']).includes(`"Value":"${service}"`),
  );
  expect(
    alarms.map(([id]) => id),
    `${metricName} of ${service}`,
  ).toHaveLength(1);
  return alarms[0]?.[1].Properties ?? {};
}

/** An alarm that fires on any count of a custom metric of `service` within one minute. */
function anyInAMinute(service: string): Record<string, unknown> {
  return {
    Namespace: NAMESPACE,
    Dimensions: [{ Name: 'service', Value: service }],
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
  };
}

function alarmsOnMetric(template: Template, metricName: string): string[] {
  return resourcesOfType(template, 'AWS::CloudWatch::Alarm')
    .filter(([, a]) => a.Properties?.['MetricName'] === metricName)
    .map(([id]) => id);
}

const functionEnv = (template: Template, fnLogicalId: string): Record<string, unknown> => {
  const fn = template.toJSON() as {
    Resources: Record<string, { Properties: { Environment: { Variables: Record<string, unknown> } } }>;
  };
  return fn.Resources[fnLogicalId]?.Properties.Environment.Variables ?? {};
};

describe('metric names and dimensions shared with lambda/', () => {
  it('uses the very table and namespace the functions publish with', () => {
    // Assess: re-exported, not copied (importing the module into CDK code loads nothing that breaks synth).
    expect(METRIC_NAMES).toBe(LAMBDA_METRIC_NAMES);
    expect(DEFAULT_METRICS_NAMESPACE).toBe(LAMBDA_DEFAULT_NAMESPACE);
  });

  it('lists every Firehose request type as a RequestType dimension value', () => {
    expect([...REQUEST_TYPE_DIMENSIONS].sort()).toEqual([...REQUEST_TYPES].sort());
  });
});

describe('dashboard and alarms, HTTP variant off', () => {
  // Prepare + Act
  const synthesized = synthesizeBeforeAll({ partnerApiUrl: TEST_PARTNER_API_URL });
  let stack: FirehoseStack;
  let template: Template;
  let dashboard: ParsedDashboard;

  beforeAll(() => {
    stack = synthesized.stack();
    template = synthesized.template();
    dashboard = onlyDashboard(template);
  });

  describe('dashboard', () => {
    it("is the integration's dashboard, named after the stack (which names the region)", () => {
      expect(dashboard.logicalId).toBe(logicalIdOf(stack, stack.integration.dashboard));
      expect(dashboard.name).toBe('MparticleFirehose-us-east-1');
    });

    it('names every metric it draws in the joined body text, with namespace and service dimension', () => {
      // Assess: the plain text of the Fn::Join, before any parsing.
      for (const name of INGRESS_COUNTS)
        expect(dashboard.joinedText).toContain(`["${NAMESPACE}","${name}","service","firehose-ingress",`);
      for (const name of [...WORKER_COUNTS, METRIC_NAMES.deliveryLatency]) {
        expect(dashboard.joinedText).toContain(`["${NAMESPACE}","${name}","service","firehose-worker",`);
      }
      for (const type of REQUEST_TYPES) {
        expect(dashboard.joinedText).toContain(
          `["${NAMESPACE}","Invocations","RequestType","${type}","service","firehose-ingress",`,
        );
      }
    });

    it('draws each ingress and worker count as a per-minute sum under exactly the `service` dimension', () => {
      const expected = [
        ...INGRESS_COUNTS.map((name) => ({ name, service: SERVICE_NAMES.ingress })),
        ...WORKER_COUNTS.map((name) => ({ name, service: SERVICE_NAMES.worker })),
      ];
      for (const { name, service } of expected) {
        const lines = customMetrics(dashboard, name);
        expect(lines, name).toHaveLength(1);
        expect(lines[0], name).toMatchObject({
          namespace: NAMESPACE,
          dimensions: { service },
          options: { stat: 'Sum', period: 60 },
        });
        expect(Object.keys(lines[0]?.dimensions ?? {}), name).toEqual(['service']);
      }
    });

    it('draws ingress invocations once per request type, under `service` and `RequestType`', () => {
      const lines = customMetrics(dashboard, METRIC_NAMES.invocations);
      expect(lines.map((m) => m.dimensions)).toEqual(
        REQUEST_TYPES.map((type) => ({ RequestType: type, service: SERVICE_NAMES.ingress })),
      );
      for (const line of lines) expect(line).toMatchObject({ namespace: NAMESPACE, options: { stat: 'Sum' } });
      expect(new Set(lines.map((m) => m.widget)).size).toBe(1);
    });

    it("draws the worker's delivery latency at p50 and p99", () => {
      const lines = customMetrics(dashboard, METRIC_NAMES.deliveryLatency);
      expect(lines.map((m) => m.options['stat'])).toEqual(['p50', 'p99']);
      for (const line of lines)
        expect(line).toMatchObject({ namespace: NAMESPACE, dimensions: { service: SERVICE_NAMES.worker } });
    });

    it('draws every custom metric but Verifications and (without HTTP) RejectedAuth, and no other', () => {
      const drawn = new Set(dashboard.metrics.filter((m) => !m.namespace.startsWith('AWS/')).map((m) => m.metricName));
      const expected = Object.values(METRIC_NAMES).filter(
        (name) => name !== METRIC_NAMES.verifications && name !== METRIC_NAMES.rejectedAuth,
      );
      expect([...drawn].sort()).toEqual([...expected].sort());
      expect(dashboard.joinedText).not.toContain('firehose-http');
    });

    it(`selects services by the ${PLATFORM_ENV.serviceName} and namespace the functions are given`, () => {
      const ingress = functionEnv(template, logicalIdOf(stack, stack.integration.ingressFunction));
      const worker = functionEnv(template, logicalIdOf(stack, stack.integration.workerFunction));
      expect([ingress[PLATFORM_ENV.serviceName], worker[PLATFORM_ENV.serviceName]]).toEqual([
        SERVICE_NAMES.ingress,
        SERVICE_NAMES.worker,
      ]);
      const services = new Set(
        dashboard.metrics
          .filter((m) => m.namespace === ingress[PLATFORM_ENV.metricsNamespace])
          .map((m) => m.dimensions['service']),
      );
      expect([...services].sort()).toEqual([SERVICE_NAMES.ingress, SERVICE_NAMES.worker]);
    });

    it("draws the live alias's p50 and p99 duration against the 200 ms budget", () => {
      const ingress = logicalIdOf(stack, stack.integration.ingressFunction);
      const duration = dashboard.metrics.filter((m) => m.namespace === 'AWS/Lambda' && m.metricName === 'Duration');
      expect(duration.map((m) => m.options['stat'])).toEqual(['p50', 'p99']);
      for (const line of duration)
        expect(line.dimensions).toEqual({ FunctionName: `<ref:${ingress}>`, Resource: `<ref:${ingress}>:live` });
      const widget = dashboard.widgets.find((w) => w.properties.title === duration[0]?.widget);
      expect(widget?.properties.annotations?.horizontal?.map((a) => a.value)).toEqual([200]);
    });

    it("draws the ingress function's throttles and errors", () => {
      const ingress = logicalIdOf(stack, stack.integration.ingressFunction);
      for (const name of ['Throttles', 'Errors']) {
        expect(dashboard.metrics).toContainEqual(
          expect.objectContaining({
            namespace: 'AWS/Lambda',
            metricName: name,
            dimensions: { FunctionName: `<ref:${ingress}>` },
          }),
        );
      }
    });

    it("draws the delivery queue's depth and oldest message age, and the dead-letter queue's depth", () => {
      const queue = { QueueName: `<ref:${logicalIdOf(stack, stack.integration.deliveryQueue)}>` };
      const dlq = { QueueName: `<ref:${logicalIdOf(stack, stack.integration.deadLetterQueue)}>` };
      const sqs = dashboard.metrics
        .filter((m) => m.namespace === 'AWS/SQS')
        .map((m) => ({ name: m.metricName, dimensions: m.dimensions, stat: m.options['stat'] }));
      expect(sqs).toEqual([
        { name: 'ApproximateNumberOfMessagesVisible', dimensions: queue, stat: 'Maximum' },
        { name: 'ApproximateAgeOfOldestMessage', dimensions: queue, stat: 'Maximum' },
        { name: 'ApproximateNumberOfMessagesVisible', dimensions: dlq, stat: 'Maximum' },
      ]);
    });

    it('shows the state of every alarm in the stack', () => {
      const statusWidget = dashboard.widgets.find((w) => w.type === 'alarm');
      const alarmIds = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([id]) => `<ref:${id}>`);
      expect([...(statusWidget?.properties.alarms ?? [])].sort()).toEqual(alarmIds.sort());
    });
  });

  describe('alarms on custom metrics', () => {
    it('raises four alarms on custom metrics besides the seven on AWS metrics', () => {
      template.resourceCountIs('AWS::CloudWatch::Alarm', 11);
      expect(
        resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
          ([, a]) => a.Properties?.['Namespace'] === NAMESPACE,
        ),
      ).toHaveLength(4);
    });

    it.each([
      { metric: 'DeliveriesDeadLettered', service: 'firehose-worker' },
      { metric: 'CallsParked', service: 'firehose-ingress' },
      { metric: 'FailedInvocations', service: 'firehose-ingress' },
    ])('alarms on any $metric of $service in a minute', ({ metric, service }) => {
      expect(alarmOn(template, metric, service)).toMatchObject(anyInAMinute(service));
    });

    it("keeps the dead-letter queue depth alarm next to the worker's dead-letter count", () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalIdOf(stack, stack.integration.deadLetterQueue), 'QueueName'] },
          },
        ],
      });
    });

    it("has no RejectedAuth alarm and no alarm on the HTTP function's metrics without the HTTP endpoint", () => {
      expect(alarmsOnMetric(template, 'RejectedAuth')).toEqual([]);
      expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'))).not.toContain('firehose-http');
      expect(stack.integration.alarms.httpRejectedAuth).toBeUndefined();
    });

    it('treats missing data as not breaching on every alarm', () => {
      template.allResourcesProperties('AWS::CloudWatch::Alarm', { TreatMissingData: 'notBreaching' });
    });
  });
});

describe('dashboard and alarms, HTTP variant on, alarm topic set', () => {
  const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:firehose-alarms';
  // Prepare + Act
  const synthesized = synthesizeBeforeAll({
    partnerApiUrl: TEST_PARTNER_API_URL,
    httpEndpoint: true,
    alarmTopicArn: TOPIC_ARN,
  });
  let stack: FirehoseStack;
  let template: Template;
  let dashboard: ParsedDashboard;

  beforeAll(() => {
    stack = synthesized.stack();
    template = synthesized.template();
    dashboard = onlyDashboard(template);
  });

  it("raises sixteen alarms: the eleven without HTTP, HTTP errors and latency, and three on the HTTP function's custom metrics", () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 16);
    expect(Object.keys(stack.integration.alarms)).toHaveLength(16);
  });

  it('alarms on any RejectedAuth of the HTTP function over five minutes, notifying the topic', () => {
    expect(alarmsOnMetric(template, 'RejectedAuth')).toHaveLength(1);
    expect(alarmOn(template, 'RejectedAuth', 'firehose-http')).toMatchObject({
      Namespace: NAMESPACE,
      Dimensions: [{ Name: 'service', Value: 'firehose-http' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [TOPIC_ARN],
      OKActions: [TOPIC_ARN],
    });
    expect(stack.integration.alarms.httpRejectedAuth).toBeDefined();
  });

  it.each([
    { metric: 'CallsParked', service: 'firehose-http' },
    { metric: 'FailedInvocations', service: 'firehose-http' },
  ])(
    'alarms on any $metric of $service in a minute too (the HTTP function runs the ingress pipeline)',
    ({ metric, service }) => {
      expect(alarmOn(template, metric, service)).toMatchObject(anyInAMinute(service));
    },
  );

  it('sends the custom-metric alarms to the topic like the others', () => {
    for (const [metric, service] of [
      ['DeliveriesDeadLettered', 'firehose-worker'],
      ['CallsParked', 'firehose-ingress'],
      ['FailedInvocations', 'firehose-ingress'],
      ['CallsParked', 'firehose-http'],
      ['FailedInvocations', 'firehose-http'],
    ] as const) {
      expect(alarmOn(template, metric, service)).toMatchObject({ AlarmActions: [TOPIC_ARN], OKActions: [TOPIC_ARN] });
    }
  });

  it('draws the ingress graphs once more for the HTTP function, under its own service name', () => {
    for (const name of INGRESS_COUNTS) {
      expect(customMetrics(dashboard, name).map((m) => m.dimensions)).toEqual([
        { service: SERVICE_NAMES.ingress },
        { service: SERVICE_NAMES.http },
      ]);
    }
    const invocations = customMetrics(dashboard, METRIC_NAMES.invocations).filter(
      (m) => m.dimensions['service'] === SERVICE_NAMES.http,
    );
    expect(invocations.map((m) => m.dimensions['RequestType'])).toEqual([...REQUEST_TYPES]);
    for (const name of WORKER_COUNTS) expect(customMetrics(dashboard, name), name).toHaveLength(1);
  });

  it("draws RejectedAuth under the HTTP function's service name", () => {
    const http = functionEnv(template, logicalIdOf(stack, stack.integration.httpFunction));
    expect(http[PLATFORM_ENV.serviceName]).toBe(SERVICE_NAMES.http);
    expect(dashboard.joinedText).toContain(`["${NAMESPACE}","RejectedAuth","service","firehose-http",`);
    expect(customMetrics(dashboard, METRIC_NAMES.rejectedAuth)).toEqual([
      expect.objectContaining({
        namespace: NAMESPACE,
        dimensions: { service: SERVICE_NAMES.http },
        options: expect.objectContaining({ stat: 'Sum' }),
      }),
    ]);
  });

  it("draws the HTTP alias's duration against the 100 ms budget", () => {
    const http = logicalIdOf(stack, stack.integration.httpFunction);
    const duration = dashboard.metrics.filter(
      (m) => m.metricName === 'Duration' && m.dimensions['FunctionName'] === `<ref:${http}>`,
    );
    expect(duration.map((m) => m.options['stat'])).toEqual(['p50', 'p99']);
    const widget = dashboard.widgets.find((w) => w.properties.title === duration[0]?.widget);
    expect(widget?.properties.annotations?.horizontal?.map((a) => a.value)).toEqual([100]);
  });

  it('shows the state of all sixteen alarms', () => {
    const statusWidget = dashboard.widgets.find((w) => w.type === 'alarm');
    const alarmIds = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([id]) => `<ref:${id}>`);
    expect(alarmIds).toHaveLength(16);
    expect([...(statusWidget?.properties.alarms ?? [])].sort()).toEqual(alarmIds.sort());
  });
});

describe('context "metricsNamespace"', () => {
  // Prepare + Act
  const synthesized = synthesizeBeforeAll({
    partnerApiUrl: TEST_PARTNER_API_URL,
    httpEndpoint: true,
    metricsNamespace: 'AcmeFirehose',
  });
  let template: Template;

  beforeAll(() => {
    template = synthesized.template();
  });

  it('gives every function, custom-metric alarm and dashboard metric the same namespace', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [PLATFORM_ENV.metricsNamespace]: 'AcmeFirehose' }) },
    });
    const custom = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) => !String(a.Properties?.['Namespace']).startsWith('AWS/'),
    );
    expect(custom).toHaveLength(7);
    for (const [, alarm] of custom) expect(alarm.Properties?.['Namespace']).toBe('AcmeFirehose');
    const namespaces = new Set(onlyDashboard(template).metrics.map((m) => m.namespace));
    expect([...namespaces].sort()).toEqual(['AWS/Lambda', 'AWS/SQS', 'AcmeFirehose']);
  });
});
