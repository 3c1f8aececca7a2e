import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_ENV, FUNCTION_ENV, LOCAL_ENV, PLATFORM_ENV, TOKEN_ENV } from '../../lambda/config/environment';
import { RUNTIME_LOOP_FILES } from '../../lambda/runtime-loop/files';
import { MANAGED_RUNTIME_ARGS } from '../../local/runtime-loop-process';
import type { FirehoseAlarmSet } from '../../lib/alarms';
import { SYNTH_HOOK_TIMEOUT_MS } from '../cdk/support/synth';
import {
  type AlarmTemplate,
  closedLoopbackEndpoint,
  type FunctionKind,
  readAlarmTemplate,
  type WatchedMetric,
} from '../support/alarm-template';
import { emittedMetricsOf, type EmittedMetric } from '../support/emf-capture';
import { useDeliveryEntryPoints } from '../support/entry-points';
import { customEvents, eventBatch, membershipChange, profiles } from '../support/factories';
import { functionUrlEvent } from '../support/function-url-event';
import { GENEROUS_INLINE_DEADLINE_MS } from '../support/lambda-env';
import { runWorkerOnce } from '../support/sqs-event';

/**
 * Every alarm on a custom metric can go off: the deployed entry point (lambda/handlers/*.ts), loaded with the
 * environment the synthesized template gives its function, publishes the metric the alarm watches, with the
 * alarm's namespace and `service` dimension, in the situation the alarm is about. Names, namespace and
 * dimension values are read from the template, so a rename on either side fails here.
 */

const HTTP_TOKEN = 'tok_alarm_metrics';
const entry = useDeliveryEntryPoints();
let template: AlarmTemplate;
let closedPortEndpoint: string;

beforeAll(async () => {
  template = readAlarmTemplate();
  closedPortEndpoint = await closedLoopbackEndpoint();
}, SYNTH_HOOK_TIMEOUT_MS);

/** The function's template environment with the AWS references replaced by loopback parts; metrics on. */
async function loadEntryPoint<K extends FunctionKind>(kind: K, overrides: Record<string, string> = {}) {
  const { [PLATFORM_ENV.lambdaExecWrapper]: _wrapper, ...templateEnv } = template.functionEnv[kind];
  return entry.load(kind, {
    ...templateEnv,
    // The template's log level (INFO) overrides LAMBDA_LIKE_ENV's SILENT: quiet again.
    [FUNCTION_ENV.logLevel]: 'SILENT',
    [PLATFORM_ENV.metricsDisabled]: 'false',
    ...entry.deliveryEnv(),
    [DELIVERY_ENV.localSealingKey]: randomBytes(32).toString('base64'),
    [DELIVERY_ENV.partnerCredential]: 'pk_partner_alarm_metrics',
    // Where a call ends up is the point here, not its speed: a busy machine must not turn it into a spill.
    [DELIVERY_ENV.inlineDeadlineMs]: String(GENEROUS_INLINE_DEADLINE_MS),
    [DELIVERY_ENV.httpInlineDeadlineMs]: String(GENEROUS_INLINE_DEADLINE_MS),
    ...(kind === 'http' ? { [TOKEN_ENV.tokens]: HTTP_TOKEN } : {}),
    ...overrides,
  });
}

const ingressEntry = (overrides?: Record<string, string>) => loadEntryPoint('ingress', overrides);
const httpEntry = (overrides?: Record<string, string>) => loadEntryPoint('http', overrides);
const workerEntry = () => loadEntryPoint('worker');

/**
 * The ingress's real exec wrapper, started as Lambda's bootstrap starts it with the function's template environment
 * on a Managed Instance, beside the loop file, with a stand-in `node` that exits at once; resolves with its stdout.
 */
async function runWrapperOnManagedInstances(functionEnv: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'alarm-wrapper-'));
  try {
    const wrapper = path.join(dir, RUNTIME_LOOP_FILES.wrapper);
    copyFileSync(path.resolve(__dirname, '../../lambda/runtime-loop/wrapper.sh'), wrapper);
    chmodSync(wrapper, 0o755);
    writeFileSync(path.join(dir, RUNTIME_LOOP_FILES.loop), '');
    const node = path.join(dir, 'node');
    writeFileSync(node, '#!/bin/sh\nexit 0\n');
    chmodSync(node, 0o755);
    const { stdout } = await promisify(execFile)(wrapper, [node, ...MANAGED_RUNTIME_ARGS], {
      env: {
        ...functionEnv,
        [PLATFORM_ENV.lambdaMaxConcurrency]: '4',
        [PLATFORM_ENV.path]: process.env[PLATFORM_ENV.path],
      },
    });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The partner refuses (400) every call to `path` while `act` runs. */
async function withPartnerRefusing<T>(path: string, act: () => Promise<T>): Promise<T> {
  entry.partner.setFaults((request) =>
    request.path === path ? { kind: 'status', status: 400, body: 'refused by the alarm-metrics test' } : undefined,
  );
  try {
    return await act();
  } finally {
    entry.partner.setFaults(undefined);
  }
}

function watchedBy(alarm: keyof FirehoseAlarmSet): WatchedMetric {
  const metric = template.watched.get(alarm);
  if (metric === undefined) throw new Error(`the template has no custom-metric alarm ${alarm}`);
  return metric;
}

/** What the alarm would count: the watched name, namespace and dimension set (exactly), with a positive value. */
function countedBy(metric: WatchedMetric, emitted: readonly EmittedMetric[]): EmittedMetric[] {
  return emitted.filter(
    (m) =>
      m.name === metric.metricName &&
      m.namespace === metric.namespace &&
      JSON.stringify(m.dimensions) === JSON.stringify(metric.dimensions) &&
      typeof m.value === 'number' &&
      m.value > 0,
  );
}

const body = (message: unknown): string => JSON.stringify(message);
const noContext = {} as Context;

/** For each custom-metric alarm: the situation that should raise it, played on the real entry point. */
const SITUATIONS: Readonly<
  Partial<Record<keyof FirehoseAlarmSet, { readonly situation: string; readonly act: () => Promise<unknown> }>>
> = {
  httpRejectedAuth: {
    situation: 'an HTTP call with a wrong token (401)',
    act: async () => {
      const http = await httpEntry();
      const { metrics, outcome } = await emittedMetricsOf(() =>
        http(functionUrlEvent('/events', body(eventBatch(customEvents(1))), 'tok_wrong'), noContext),
      );
      expect(outcome).toMatchObject({ status: 'fulfilled', value: { statusCode: 401 } });
      return metrics;
    },
  },
  ingressCallsParked: {
    situation: 'an in-line event batch the partner refuses with 400',
    act: async () => {
      const ingress = await ingressEntry();
      const { metrics, outcome } = await withPartnerRefusing('/events', () =>
        emittedMetricsOf(() => ingress(eventBatch(customEvents(2)))),
      );
      expect(outcome).toMatchObject({ status: 'fulfilled', value: { type: 'event_processing_response' } });
      return metrics;
    },
  },
  httpCallsParked: {
    situation: 'an in-line event batch over HTTP the partner refuses with 400',
    act: async () => {
      const http = await httpEntry();
      const { metrics, outcome } = await withPartnerRefusing('/events', () =>
        emittedMetricsOf(() =>
          http(functionUrlEvent('/events', body(eventBatch(customEvents(2))), HTTP_TOKEN), noContext),
        ),
      );
      expect(outcome).toMatchObject({ status: 'fulfilled', value: { statusCode: 200 } });
      return metrics;
    },
  },
  ingressFailedInvocations: {
    situation: 'a membership change while the queue is unreachable (the invocation fails)',
    act: async () => {
      const ingress = await ingressEntry({ [LOCAL_ENV.sqsEndpoint]: closedPortEndpoint });
      const { metrics, outcome } = await emittedMetricsOf(() => ingress(membershipChange(profiles(1))));
      expect(outcome.status).toBe('rejected');
      return metrics;
    },
  },
  httpFailedInvocations: {
    situation: 'a membership change over HTTP while the queue is unreachable (503)',
    act: async () => {
      const http = await httpEntry({ [LOCAL_ENV.sqsEndpoint]: closedPortEndpoint });
      const { metrics, outcome } = await emittedMetricsOf(() =>
        http(functionUrlEvent('/audience', body(membershipChange(profiles(1))), HTTP_TOKEN), noContext),
      );
      expect(outcome).toMatchObject({ status: 'fulfilled', value: { statusCode: 503 } });
      return metrics;
    },
  },
  ingressManagedRuntimeFallback: {
    situation: 'an ingress sandbox on Lambda Managed Instances (its exec wrapper runs the managed runtime)',
    act: async () => {
      const { metrics, outcome } = await emittedMetricsOf(async () => {
        const stdout = await runWrapperOnManagedInstances(template.functionEnv.ingress);
        process.stdout.write(stdout);
      });
      expect(outcome.status).toBe('fulfilled');
      return metrics;
    },
  },
  deliveriesDeadLettered: {
    situation: 'a queued membership change the partner refuses with 400 (the worker parks it)',
    act: async () => {
      const ingress = await ingressEntry();
      const worker = await workerEntry();
      await emittedMetricsOf(() => ingress(membershipChange(profiles(2)))); // queued; its own metrics are not the point
      const { metrics, outcome } = await withPartnerRefusing('/audience-memberships', () =>
        emittedMetricsOf(async () => (await runWorkerOnce(entry.sqs, worker)).response),
      );
      expect(outcome).toMatchObject({ status: 'fulfilled', value: { batchItemFailures: [] } });
      expect(entry.sqs.peek('dead-letter').some((m) => m.attributes['status'] === '400')).toBe(true);
      return metrics;
    },
  },
};

describe('alarms on custom metrics, raised by the deployed entry points', () => {
  it('every custom-metric alarm in the template has its situation played here', () => {
    // Assess: a new alarm on a custom metric needs a situation below, and every situation an alarm.
    expect([...template.watched.keys()].sort()).toEqual(Object.keys(SITUATIONS).sort());
    expect(template.watched.size).toBeGreaterThanOrEqual(6);
  });

  it.each(Object.entries(SITUATIONS).map(([alarm, s]) => ({ alarm: alarm as keyof FirehoseAlarmSet, ...s })))(
    '$alarm: $situation publishes the watched metric, namespace and service dimension',
    async ({ alarm, act }) => {
      // Prepare
      const metric = watchedBy(alarm);
      // Act
      const emitted = (await act()) as EmittedMetric[];
      // Assess
      expect(Object.keys(metric.dimensions)).toEqual(['service']);
      expect(
        countedBy(metric, emitted),
        `${metric.metricName} ${JSON.stringify(metric.dimensions)} among ${JSON.stringify(emitted)}`,
      ).not.toEqual([]);
    },
  );

  it('a call that goes well publishes none of the alarmed metrics (the check can tell the difference)', async () => {
    // Prepare
    const ingress = await ingressEntry();
    const http = await httpEntry();
    // Act
    const viaIngress = await emittedMetricsOf(() => ingress(eventBatch(customEvents(1))));
    const viaHttp = await emittedMetricsOf(() =>
      http(functionUrlEvent('/events', body(eventBatch(customEvents(1))), HTTP_TOKEN), noContext),
    );
    // Assess
    const emitted = [...viaIngress.metrics, ...viaHttp.metrics];
    expect(emitted.length).toBeGreaterThan(0);
    for (const metric of template.watched.values()) expect(countedBy(metric, emitted), metric.metricName).toEqual([]);
  });
});
