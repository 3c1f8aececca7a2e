import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../lambda/delivery/circuit-breaker';
import { createDeliveryParts, type DeliveryParts } from '../../lambda/delivery/create-delivery';
import { readDeliveryConfig } from '../../lambda/delivery/delivery-config';
import { createQueuedDeliveryPort } from '../../lambda/delivery/queued-delivery-port';
import { integration } from '../support/kit-integration';
import { capturingLogger, startDeliverySystem } from '../support/delivery-system';
import { stoppedAfterEach } from '../support/stopped-after-each';
import { outboundCall, SECRET_API_KEY } from '../support/factories';

/** The ingress's breaker over a real partner server and a real queue (fauxqs). */

const startSystem = stoppedAfterEach(startDeliverySystem);
let parts: DeliveryParts | undefined;
afterEach(() => {
  parts?.close();
  parts = undefined;
});

let next = 0;
const call = (secrets: Record<string, string>) => outboundCall(`req-${++next}`, { secrets });
const good = () => call({ apiKey: SECRET_API_KEY });
/** No apiKey: the integration's authHeaders throws a SettingError, so the call is parked, never sent. */
const unusable = () => call({});

/** The real ingress delivery port with a breaker that opens after one failure and probes after 50 ms. */
async function startPort() {
  const system = await startSystem();
  parts = createDeliveryParts(readDeliveryConfig(system.env) ?? expect.unreachable('delivery is configured'));
  const clock = { now: 0 };
  const breaker = new CircuitBreaker(1, 50, () => clock.now);
  const port = createQueuedDeliveryPort({
    integration,
    partner: parts.partner,
    queue: parts.queue,
    box: parts.box,
    breaker,
    inlineDeadlineMs: 1_000,
    logger: capturingLogger('firehose-ingress', system.logLines),
  });
  return { port, breaker, partner: system.partner, clock };
}

describe('the circuit breaker', () => {
  it('closes again after a half-open probe ends in a parked SettingError (it used to stay open for good)', async () => {
    // Prepare: a breaker that opens after one failure and probes after 50 ms, and a partner that is down.
    const { port, breaker, partner, clock } = await startPort();
    let down = true;
    partner.setFaults(() => (down ? { kind: 'status', status: 503 } : undefined));

    // Act: the outage opens the circuit; when it may probe, the next call is one that cannot be made.
    const spilled = await port.deliverInline(good());
    clock.now = 100;
    const parked = await port.deliverInline(unusable());
    down = false;
    const afterProbe = await port.deliverInline(good());
    clock.now = 10_000;
    const later = await port.deliverInline(good());

    // Assess: the unusable call was parked, and the partner, healthy again, gets calls in-line once more.
    expect(spilled).toMatchObject({ kind: 'queued', reason: 'partner answered 503' });
    expect(parked).toMatchObject({ kind: 'parked', reason: 'account setting "apiKey" is required but missing' });
    expect(afterProbe).toEqual({ kind: 'delivered', status: 200 });
    expect(later).toEqual({ kind: 'delivered', status: 200 });
    expect(breaker.state).toBe('closed');
    expect(partner.accepted).toHaveLength(2);
  });

  it('re-opens when the probe fails, and lets the next probe through only after the pause', async () => {
    // Prepare
    const { port, partner, clock } = await startPort();
    partner.setFaults(() => ({ kind: 'status', status: 503 }));
    // Act
    await port.deliverInline(good());
    clock.now = 60;
    const probe = await port.deliverInline(good());
    clock.now = 100;
    const duringPause = await port.deliverInline(good());
    // Assess
    expect(probe).toMatchObject({ kind: 'queued', reason: 'partner answered 503' });
    expect(duringPause).toMatchObject({ kind: 'queued', reason: 'circuit open' });
    expect(partner.received).toHaveLength(2);
  });
});
