import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { METRIC_NAMES } from '../../lambda/observability/metrics';
import { customEvents, eventBatch, registrationRequest } from '../support/factories';
import { DELIVERY_ENV, FUNCTION_ENV, PLATFORM_ENV } from '../../lambda/config/environment';

type Handler = (event: unknown) => Promise<unknown>;
let handler: Handler;

beforeAll(async () => {
  // The deployed entry point in its dry run: metrics are real EMF lines on stdout, as CloudWatch reads them.
  delete process.env[DELIVERY_ENV.partnerApiUrl];
  delete process.env[DELIVERY_ENV.deliveryQueueUrl];
  delete process.env[PLATFORM_ENV.metricsDisabled];
  delete process.env[PLATFORM_ENV.powertoolsDev];
  process.env[FUNCTION_ENV.logLevel] = 'ERROR';
  process.env[PLATFORM_ENV.serviceName] = 'firehose-ingress';
  ({ handler } = (await import('../../lambda/handlers/ingress')) as unknown as { handler: Handler });
});
afterEach(() => vi.restoreAllMocks());

interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

/** The EMF lines `run` writes on stdout; what it writes on stderr goes to `stderr` when given. */
async function emfLinesOf(run: () => Promise<unknown>, stderr?: string[]): Promise<Emf[]> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  if (stderr)
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
  await run().catch(() => undefined);
  vi.restoreAllMocks();
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Emf);
}

describe('ingress metrics (embedded metric format)', () => {
  it('publishes per-type invocations and in-line delivery counts under the service dimension', async () => {
    const emf = await emfLinesOf(() => handler(eventBatch(customEvents(4))));
    const names = emf.flatMap((e) => e._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name)));
    expect(names).toEqual(
      expect.arrayContaining([
        METRIC_NAMES.invocations,
        METRIC_NAMES.callsDeliveredInline,
        METRIC_NAMES.eventsForwardedInline,
      ]),
    );
    const invocation = emf.find((e) => e[METRIC_NAMES.invocations] !== undefined);
    expect(invocation).toMatchObject({ RequestType: 'event_processing_request', service: 'firehose-ingress' });
    expect(invocation?._aws.CloudWatchMetrics[0]?.Namespace).toBe('MparticleFirehose');
    const counts = emf.find((e) => e[METRIC_NAMES.eventsForwardedInline] !== undefined);
    expect(counts).toMatchObject({ [METRIC_NAMES.eventsForwardedInline]: 4, service: 'firehose-ingress' });
    expect(counts).not.toHaveProperty('RequestType');
  });

  it('gives each invocation its own RequestType: one publisher for the container, its dimension cleared per call', async () => {
    // Powertools warns on stderr when a dimension is added twice: a publisher that kept its dimension would.
    const warnings: string[] = [];
    const first = await emfLinesOf(() => handler(registrationRequest()), warnings);
    const second = await emfLinesOf(() => handler(eventBatch(customEvents(1))), warnings);
    const invocations = [...first, ...second].filter((e) => e[METRIC_NAMES.invocations] !== undefined);
    expect(invocations.map((e) => e['RequestType'])).toEqual([
      'module_registration_request',
      'event_processing_request',
    ]);
    for (const line of invocations) {
      expect(line[METRIC_NAMES.invocations]).toBe(1);
      expect(line._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'RequestType']]);
      expect(line._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name)).toEqual([METRIC_NAMES.invocations]);
    }
    expect(warnings.filter((w) => w.includes('has already been added'))).toEqual([]);
  });

  it('counts rejected input', async () => {
    const emf = await emfLinesOf(() => handler({ type: 'nope' }));
    expect(emf.some((e) => e[METRIC_NAMES.rejectedInput] === 1)).toBe(true);
  });
});
