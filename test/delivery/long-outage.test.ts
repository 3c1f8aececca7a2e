import { describe, expect, it } from 'vitest';
import { parseJson } from '../../lambda/firehose';
import type { ReceivedRequest } from '../../local/partner-api-stand-in';
import { startDeliverySystem } from '../support/delivery-system';
import { stoppedAfterEach } from '../support/stopped-after-each';
import { customEvents, eventBatch, membershipChange, profile } from '../support/factories';
import { DELIVERY_ENV } from '../../lambda/config/environment';

/**
 * A partner outage far longer than the old attempt count allowed (it parked after ~2 s with these
 * timings), time-compressed through the knobs: budget 20 s, waits of 1 s, a probe per second, outage 8 s.
 * Real parts on loopback: fauxqs with the real SDK, a real HTTP partner, the real ingress and worker code.
 */

const OUTAGE_MS = 8_000;
const COMPRESSED = {
  [DELIVERY_ENV.deliveryBudgetSeconds]: '20',
  [DELIVERY_ENV.backoffMaxMs]: '1000',
  [DELIVERY_ENV.holdMaxMs]: '1000',
  [DELIVERY_ENV.circuitOpenMs]: '1000',
};

const start = stoppedAfterEach(startDeliverySystem);

const bodyOf = (r: ReceivedRequest) => parseJson(r.bodyText) as Record<string, unknown>;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a partner outage longer than the old retry span', () => {
  it('loses nothing, parks nothing, holds messages instead of hammering, and drains soon after healing', async () => {
    // Prepare: the partner answers 503 until healed.
    const system = await start(COMPRESSED);
    const { ingress, partner } = system;
    let healed = false;
    partner.setFaults(() => (healed ? undefined : { kind: 'status', status: 503 }));
    const outageStarted = Date.now();
    const batches = Array.from({ length: 10 }, () => eventBatch(customEvents(5)));
    const changes = Array.from({ length: 10 }, (_, k) =>
      membershipChange(Array.from({ length: 5 }, (_, i) => profile(`${k}-${i}`))),
    );

    // Act: mParticle sends during the outage (event batches spill, membership changes queue), the worker runs.
    for (const message of [...batches, ...changes]) await ingress.handle(JSON.stringify(message));
    const sentAt = Date.now();
    const worker = system.drain(OUTAGE_MS + 30_000);
    await delay(OUTAGE_MS - (Date.now() - outageStarted));
    const healedAt = Date.now();
    healed = true;
    await worker;
    const drainedAt = Date.now();

    // Assess: everything delivered, nothing parked.
    expect(await system.deadLetters()).toEqual([]);
    const deliveredEvents = new Set(
      partner.accepted
        .filter((r) => r.path === '/events')
        .flatMap((r) => (bodyOf(r)['events'] as { id: string }[]).map((e) => e.id)),
    );
    for (const b of batches)
      for (const e of b['events'] as { id: string }[]) expect(deliveredEvents.has(e.id)).toBe(true);
    const deliveredMpids = new Set(
      partner.accepted
        .filter((r) => r.path === '/audience-memberships')
        .flatMap((r) => (bodyOf(r)['memberships'] as { mpid: string }[]).map((m) => m.mpid)),
    );
    expect(deliveredMpids.size).toBe(50);

    // Assess: while the partner was down the worker held messages and let about one probe a second through.
    const workerHitsDuringOutage = partner.received.filter((r) => r.at > sentAt && r.at < healedAt).length;
    const holds = system.logLines.filter((l) => l.includes('held while the partner is down')).length;
    const openSeconds = (healedAt - sentAt) / 1000;
    expect(holds).toBeGreaterThan(2 * (batches.length + changes.length));
    // Threshold (5) + one batch in flight when the circuit opened (10) + one probe a second, with slack.
    expect(workerHitsDuringOutage).toBeLessThanOrEqual(5 + 10 + Math.ceil(openSeconds) + 3);
    expect(workerHitsDuringOutage).toBeLessThan(holds / 3);

    // Assess: deliveries resumed and drained soon after healing (generous bound: this is a shared machine).
    expect(drainedAt - healedAt).toBeLessThan(20_000);
    console.info(
      `outage ${((healedAt - outageStarted) / 1000).toFixed(1)} s, ${batches.length + changes.length} requests; ` +
        `worker partner hits while down ${workerHitsDuringOutage} vs ${holds} holds; 0 parked; ` +
        `drained ${((drainedAt - healedAt) / 1000).toFixed(1)} s after healing`,
    );
  }, 60_000);

  it('after a long outage, releases the messages it held as soon as a probe finds the partner healthy', async () => {
    // Prepare: the worker's clock one hour ahead, so queued messages look an hour old and are held 60 s
    // (a fifth of their age, capped by DELIVERY_ENV.holdMaxMs), as after a long outage.
    const HOUR = 3_600_000;
    const system = await start(
      { [DELIVERY_ENV.holdMaxMs]: '60000', [DELIVERY_ENV.circuitOpenMs]: '1000' },
      { worker: (deps) => ({ ...deps, now: () => Date.now() + HOUR }) },
    );
    const { ingress, partner } = system;
    let healed = false;
    partner.setFaults(() => (healed ? undefined : { kind: 'status', status: 503 }));
    const changes = Array.from({ length: 10 }, (_, k) => membershipChange([profile(`held-${k}`)]));
    for (const message of changes) await ingress.handle(JSON.stringify(message));
    const worker = system.drain(50_000);
    await delay(3_000);

    // Act: the partner heals; new traffic arrives and its message probes.
    healed = true;
    const healedAt = Date.now();
    await ingress.handle(JSON.stringify(membershipChange([profile('probe')])));
    await worker;
    const drainedAt = Date.now();

    // Assess: all delivered long before their 60-second holds would have ended, nothing parked.
    const mpids = new Set(
      partner.accepted.flatMap((r) => (bodyOf(r)['memberships'] as { mpid: string }[]).map((m) => m.mpid)),
    );
    expect(mpids).toEqual(new Set([...changes.map((_, k) => `held-${k}`), 'probe']));
    expect(await system.deadLetters()).toEqual([]);
    expect(system.logLines.some((l) => l.includes('released held messages'))).toBe(true);
    expect(drainedAt - healedAt).toBeLessThan(30_000);
    console.info(`held 60 s each; drained ${((drainedAt - healedAt) / 1000).toFixed(1)} s after healing`);
  }, 60_000);

  it('after an outage, releases the siblings held while the first batch probed, not after their whole hold', async () => {
    // Prepare: messages look an hour old (held 60 s each); five failures open the worker's circuit.
    const HOUR = 3_600_000;
    const HOLD_MS = 60_000;
    const system = await start(
      { [DELIVERY_ENV.holdMaxMs]: String(HOLD_MS), [DELIVERY_ENV.circuitOpenMs]: '1000' },
      { worker: (deps) => ({ ...deps, now: () => Date.now() + HOUR }) },
    );
    const { ingress, partner } = system;
    let healed = false;
    partner.setFaults(() => (healed ? undefined : { kind: 'status', status: 503 }));
    for (let k = 0; k < 5; k++) await ingress.handle(JSON.stringify(membershipChange([profile(`failed-${k}`)])));
    await system.drain(1_500).catch(() => undefined);
    healed = true;
    await delay(1_200);
    // Act: the partner is healthy again and a batch of ten arrives at once: one probes, nine wait for it.
    const siblings = Array.from({ length: 10 }, (_, k) => membershipChange([profile(`sibling-${k}`)]));
    for (const message of siblings) await ingress.handle(JSON.stringify(message));
    const sentAt = Date.now();
    await system.drain(40_000);
    // Assess: each sibling reached the partner within seconds, not after its 60-second hold.
    const acceptedAt = new Map(
      partner.accepted.flatMap((r) => (bodyOf(r)['memberships'] as { mpid: string }[]).map((m) => [m.mpid, r.at])),
    );
    const waits = siblings.map((_, k) => (acceptedAt.get(`sibling-${k}`) ?? Number.POSITIVE_INFINITY) - sentAt);
    const held = system.logLines.filter((l) => l.includes('held while the partner is down')).length;
    expect(await system.deadLetters()).toEqual([]);
    expect(held).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeLessThan(10_000);
    console.info(
      `siblings held at the probe: ${held}; their waits after a 60 s hold: ` +
        `max ${(Math.max(...waits) / 1000).toFixed(1)} s, median ${((waits.sort((a, b) => a - b)[5] ?? 0) / 1000).toFixed(1)} s`,
    );
  }, 90_000);

  it('parks a message with its reason one receive before the queue would move it without one', async () => {
    // Prepare: a queue that moves a message after 5 receives, and a worker told so; the partner stays down.
    const LIMIT = 5;
    const system = await start(
      { [DELIVERY_ENV.circuitOpenMs]: '1000' },
      { maxReceiveCount: LIMIT, worker: (deps) => ({ ...deps, policy: { ...deps.policy, maxReceiveCount: LIMIT } }) },
    );
    system.partner.setFaults(() => ({ kind: 'status', status: 503 }));
    // Act
    await system.ingress.handle(JSON.stringify(membershipChange([profile('near-the-limit')])));
    await system.drain(30_000);
    // Assess: parked by the worker, with its reason, not moved by SQS without one.
    const parked = await system.deadLetters();
    expect(parked).toHaveLength(1);
    expect(parked[0]?.attributes['reason']).toMatch(
      new RegExp(`^received ${LIMIT - 1} times, one short of the delivery queue's redrive count \\(${LIMIT}\\): `),
    );
    expect(parked[0]?.attributes['attempts']).toBe(String(LIMIT - 1));
  }, 60_000);
});
