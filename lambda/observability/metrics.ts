import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { InvocationSummary } from '../core/process-request';
import { PLATFORM_ENV } from '../config/environment';

/**
 * CloudWatch metrics in embedded metric format (Powertools Metrics): one flush per invocation, dimension
 * `service` (the function's PLATFORM_ENV.serviceName). The names here are the ones the CDK alarms and
 * dashboard read (lib/), so they live in one table.
 */
export const METRIC_NAMES = {
  invocations: 'Invocations',
  rejectedInput: 'RejectedInput',
  failedInvocations: 'FailedInvocations',
  verifications: 'Verifications',
  eventsForwardedInline: 'EventsForwardedInline',
  callsDeliveredInline: 'CallsDeliveredInline',
  callsSpilled: 'CallsSpilledToQueue',
  callsQueued: 'CallsQueued',
  callsParked: 'CallsParked',
  unknownEventsSkipped: 'UnknownEventTypesSkipped',
  deliveriesSucceeded: 'DeliveriesSucceeded',
  deliveriesRetried: 'DeliveriesRetried',
  deliveriesDeadLettered: 'DeliveriesDeadLettered',
  /** A queued delivery held (rate limit, open circuit, a 429 under the ceiling): waits without failing. */
  deliveriesHeld: 'DeliveriesHeld',
  /** The partner answered 429 while PARTNER_MAX_RPS was set: the ceiling is above what it accepts. */
  partnerThrottled: 'PartnerThrottled',
  deliveryLatency: 'DeliveryLatency',
  partner2xx: 'PartnerStatus2xx',
  partner4xx: 'PartnerStatus4xx',
  partner5xx: 'PartnerStatus5xx',
  partnerNoAnswer: 'PartnerNoAnswer',
  rejectedAuth: 'RejectedAuth',
} as const;

export const DEFAULT_METRICS_NAMESPACE = 'MparticleFirehose';

export function createMetrics(serviceName: string): Metrics {
  return new QuietMetrics({
    namespace: process.env[PLATFORM_ENV.metricsNamespace] ?? DEFAULT_METRICS_NAMESPACE,
    serviceName: process.env[PLATFORM_ENV.serviceName] ?? serviceName,
  });
}

/**
 * Publishes only when there is something to publish: an invocation that counts nothing (a verification,
 * an empty worker batch) is normal here, and Powertools would log a "No application metrics" warning for it.
 */
class QuietMetrics extends Metrics {
  override publishStoredMetrics(): this {
    return this.hasStoredMetrics() ? super.publishStoredMetrics() : this;
  }
}

/** What the ingress pipeline reports, per invocation; see ingress-runtime.ts. */
export interface IngressObserver {
  handled(summary: InvocationSummary, durationMs: number): void;
  rejected(message: string, durationMs: number): void;
  failed(message: string, durationMs: number): void;
}

export function ingressMetrics(metrics: Metrics): IngressObserver {
  const count = (name: string, value: number): void => {
    if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
  };
  // Per-type invocations on their own (published at once), so every other metric keeps the plain `service`
  // dimension that alarms and the dashboard select on. One single-metric instance for the container, not one
  // per call: each publish clears its added dimension, and a Metrics constructor costs ~0.1 ms per invocation.
  const invocationsByType = metrics.singleMetric();
  return {
    handled(summary) {
      invocationsByType
        .addDimension('RequestType', summary.type)
        .addMetric(METRIC_NAMES.invocations, MetricUnit.Count, 1);
      if (summary.outcome === 'verification') count(METRIC_NAMES.verifications, 1);
      count(METRIC_NAMES.unknownEventsSkipped, summary.skippedEvents ?? 0);
      const inline = summary.inline ?? [];
      const delivered = inline.filter((kind) => kind === 'delivered').length;
      count(METRIC_NAMES.callsDeliveredInline, delivered);
      count(METRIC_NAMES.callsSpilled, inline.filter((kind) => kind === 'queued').length);
      count(METRIC_NAMES.callsParked, inline.filter((kind) => kind === 'parked').length);
      if (inline.length === 0) count(METRIC_NAMES.callsQueued, summary.outcome === 'queued' ? summary.calls : 0);
      if (delivered > 0 && delivered === inline.length) count(METRIC_NAMES.eventsForwardedInline, summary.events ?? 0);
    },
    rejected: () => count(METRIC_NAMES.rejectedInput, 1),
    failed: () => count(METRIC_NAMES.failedInvocations, 1),
  };
}

/** What the worker reports, per record. */
export interface WorkerObserver {
  delivered(status: number, latencyMs: number): void;
  retried(status: number | undefined): void;
  deadLettered(status: number | undefined): void;
  /** Held, not failed; `status` is the partner's answer when it was tried and asked to slow down (429). */
  held(status: number | undefined): void;
}

export function workerMetrics(metrics: Metrics): WorkerObserver {
  const status = (code: number | undefined): void => {
    const name =
      code === undefined
        ? METRIC_NAMES.partnerNoAnswer
        : code >= 500
          ? METRIC_NAMES.partner5xx
          : code >= 400
            ? METRIC_NAMES.partner4xx
            : METRIC_NAMES.partner2xx;
    metrics.addMetric(name, MetricUnit.Count, 1);
  };
  return {
    delivered(code, latencyMs) {
      metrics.addMetric(METRIC_NAMES.deliveriesSucceeded, MetricUnit.Count, 1);
      metrics.addMetric(METRIC_NAMES.deliveryLatency, MetricUnit.Milliseconds, latencyMs);
      status(code);
    },
    retried(code) {
      metrics.addMetric(METRIC_NAMES.deliveriesRetried, MetricUnit.Count, 1);
      status(code);
    },
    deadLettered(code) {
      metrics.addMetric(METRIC_NAMES.deliveriesDeadLettered, MetricUnit.Count, 1);
      if (code !== undefined) status(code);
    },
    held(code) {
      metrics.addMetric(METRIC_NAMES.deliveriesHeld, MetricUnit.Count, 1);
      if (code === undefined) return;
      if (code === 429) metrics.addMetric(METRIC_NAMES.partnerThrottled, MetricUnit.Count, 1);
      status(code);
    },
  };
}
