import { randomBytes } from 'node:crypto';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { DELIVERY_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { METRIC_NAMES } from '../../lambda/observability/metrics';
import { emittedMetricsOf, type EmittedMetric } from '../support/emf-capture';
import { useDeliveryEntryPoints } from '../support/entry-points';
import { membershipChange, profiles } from '../support/factories';
import { GENEROUS_INLINE_DEADLINE_MS } from '../support/lambda-env';
import { runWorkerOnce } from '../support/sqs-event';

/**
 * Issue 22, item 12: pressure the operator could not see. A 429 under the partner rate ceiling
 * (PARTNER_MAX_RPS) and a hold (rate limit, open circuit) raised no metric. Both are read here from the
 * embedded-metric-format lines the deployed worker entry point writes.
 */
const entry = useDeliveryEntryPoints();
const SEALING_KEY = randomBytes(32).toString('base64');

function envFor(kind: 'ingress' | 'worker', overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...entry.deliveryEnv(),
    [DELIVERY_ENV.localSealingKey]: SEALING_KEY,
    [DELIVERY_ENV.partnerCredential]: 'pk_unseen_pressure',
    [PLATFORM_ENV.metricsDisabled]: 'false',
    [PLATFORM_ENV.metricsNamespace]: 'MparticleFirehose',
    [PLATFORM_ENV.serviceName]: kind === 'worker' ? 'firehose-worker' : 'firehose-ingress',
    [DELIVERY_ENV.inlineDeadlineMs]: String(GENEROUS_INLINE_DEADLINE_MS),
    ...overrides,
  };
}
const loadIngress = () => entry.load('ingress', envFor('ingress'));
const loadWorker = (overrides: Record<string, string> = {}) => entry.load('worker', envFor('worker', overrides));

afterEach(async () => {
  entry.partner.setFaults(undefined);
  await entry.sqs.sqs.send(new PurgeQueueCommand({ QueueUrl: entry.sqs.queueUrl }));
});

const total = (metrics: EmittedMetric[], name: string): number =>
  metrics
    .filter((m) => m.name === name && m.dimensions['service'] === 'firehose-worker')
    .reduce((sum, m) => sum + (Array.isArray(m.value) ? m.value.length : Number(m.value)), 0);

describe('pressure the operator can see', () => {
  it('a 429 under PARTNER_MAX_RPS raises PartnerThrottled and DeliveriesHeld, and is not counted as a retry', async () => {
    // Prepare: a ceiling, and a partner that asks to slow down.
    const ingress = await loadIngress();
    const worker = await loadWorker({ [DELIVERY_ENV.partnerMaxRps]: '10', [DELIVERY_ENV.workerMaxConcurrency]: '1' });
    await emittedMetricsOf(() => ingress(membershipChange(profiles(2))));
    entry.partner.setFaults(() => ({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }));

    // Act
    const { metrics, outcome } = await emittedMetricsOf(async () => (await runWorkerOnce(entry.sqs, worker)).response);

    // Assess
    expect(outcome).toMatchObject({ status: 'fulfilled', value: { batchItemFailures: [expect.anything()] } });
    expect(total(metrics, METRIC_NAMES.partnerThrottled)).toBe(1);
    expect(total(metrics, METRIC_NAMES.deliveriesHeld)).toBe(1);
    expect(total(metrics, METRIC_NAMES.deliveriesRetried)).toBe(0);
  });

  it('a message held while the circuit is open raises DeliveriesHeld', async () => {
    // Prepare: five failures in a row open this container's circuit; the sixth message is then held untried.
    const ingress = await loadIngress();
    const worker = await loadWorker();
    entry.partner.setFaults(() => ({ kind: 'status', status: 503 }));
    const before = entry.partner.received.length;
    for (let i = 0; i < 5; i++) await emittedMetricsOf(() => ingress(membershipChange(profiles(1))));
    const opening = await emittedMetricsOf(async () => (await runWorkerOnce(entry.sqs, worker)).response);
    await emittedMetricsOf(() => ingress(membershipChange(profiles(1))));

    // Act
    const { metrics } = await emittedMetricsOf(async () => (await runWorkerOnce(entry.sqs, worker)).response);

    // Assess
    expect(total(opening.metrics, METRIC_NAMES.deliveriesRetried)).toBe(5);
    expect(total(metrics, METRIC_NAMES.deliveriesHeld)).toBe(1);
    expect(entry.partner.received.length - before).toBe(5);
  });
});
