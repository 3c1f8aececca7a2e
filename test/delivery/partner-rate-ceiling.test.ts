import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createWorkerDependencies, rateLimitFromEnv } from '../../lambda/delivery/create-worker';
import { DELIVERY_DEFAULTS } from '../../lambda/delivery/defaults';
import { createWorkerBatchHandler } from '../../lambda/delivery/worker-batch';
import { parseJson } from '../../lambda/firehose';
import { integration } from '../support/kit-integration';
import type { ReceivedRequest } from '../../local/partner-api-stand-in';
import { pollOnce } from '../../local/worker-runner';
import { capturingLogger, startDeliverySystem, type DeliverySystem } from '../support/delivery-system';
import { stoppedAfterEach } from '../support/stopped-after-each';
import { membershipChange, profile } from '../support/factories';
import { DELIVERY_ENV } from '../../lambda/config/environment';

/**
 * PARTNER_MAX_RPS with several worker containers at once, on real parts: fauxqs with the real SDK, a real
 * HTTP partner recording when each request arrived, and three worker containers (each its own
 * dependencies and limiter, as Lambda gives each container its own) polling the queue concurrently.
 */

const CEILING = 10;
const CONTAINERS = 3;
const LIMITED = {
  [DELIVERY_ENV.partnerMaxRps]: String(CEILING),
  [DELIVERY_ENV.workerMaxConcurrency]: String(CONTAINERS),
};

const start = stoppedAfterEach(startDeliverySystem);

/** The most requests the partner saw in any one-second window (each window starting at a request). */
function maxInAnySecond(requests: readonly ReceivedRequest[]): number {
  const at = requests.map((r) => r.at).sort((a, b) => a - b);
  return Math.max(0, ...at.map((start) => at.filter((t) => t >= start && t < start + 1000).length));
}

/** Queues `count` membership changes (always queued, never in-line), one message each. */
async function queueMemberships(target: DeliverySystem, count: number): Promise<string[]> {
  const mpids = Array.from({ length: count }, (_, i) => `rate-${i}`);
  for (const mpid of mpids) await target.ingress.handle(JSON.stringify(membershipChange([profile(mpid)])));
  return mpids;
}

/**
 * Runs `CONTAINERS` concurrent invocations (what the event source's maximum concurrency bounds), each
 * handling one batch at a time, until the queue is empty. With `freshContainers` every batch runs on a
 * new container (its own limiter, starting with no history), as Lambda may route a batch to any container.
 */
async function runConcurrently(target: DeliverySystem, timeoutMs: number, freshContainers: boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const slot = async (n: number) => {
    const deps = createWorkerDependencies(
      integration,
      target.env,
      capturingLogger(`firehose-worker-${n}`, target.logLines),
    );
    const handler = createWorkerBatchHandler(deps);
    const runner = { sqs: target.sqs.sqs, queueUrl: target.sqs.queueUrl, waitSeconds: 0 };
    while (Date.now() < deadline) {
      const next = freshContainers ? createWorkerBatchHandler({ ...deps, ...rateLimitFromEnv(target.env) }) : handler;
      if ((await pollOnce({ ...runner, handler: next })) > 0) continue;
      const depth = await target.queueDepth();
      if (depth.visible === 0 && depth.inFlight === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `invocation slot ${n}: queue not drained within ${timeoutMs} ms: ${JSON.stringify(await target.queueDepth())}`,
    );
  };
  await Promise.all(Array.from({ length: CONTAINERS }, (_, n) => slot(n)));
}

const deliveredMpids = (partner: DeliverySystem['partner']) =>
  new Set(
    partner.accepted.flatMap((r) =>
      ((parseJson(r.bodyText) as { memberships: { mpid: string }[] }).memberships ?? []).map((m) => m.mpid),
    ),
  );

describe('the partner request ceiling (PARTNER_MAX_RPS)', () => {
  it('keeps three concurrent invocations, each batch on a fresh container, under 10 requests in every second, and delivers everything', async () => {
    // Prepare: 60 queued messages, a healthy partner.
    const system = await start(LIMITED);
    const mpids = await queueMemberships(system, 60);
    const started = Date.now();

    // Act
    await runConcurrently(system, 60_000, true);
    const seconds = (Date.now() - started) / 1000;

    // Assess: never more than the ceiling in any one-second window, and more than one container's share
    // (3/s) in some window: the containers did run at once.
    const { partner } = system;
    const peak = maxInAnySecond(partner.received);
    expect(peak).toBeLessThanOrEqual(CEILING);
    expect(peak).toBeGreaterThan(Math.floor(CEILING / CONTAINERS));
    expect([...deliveredMpids(partner)].sort()).toEqual([...mpids].sort());
    expect(await system.deadLetters()).toEqual([]);
    console.info(
      `ceiling ${CEILING}/s over ${CONTAINERS} concurrent invocations (a fresh container per batch): ${mpids.length} messages in ${seconds.toFixed(1)} s, ` +
        `${partner.received.length} requests, at most ${peak} in any 1-s window, 0 parked`,
    );
  }, 90_000);

  it('slows down in a 429 storm instead of retrying: nothing parked, no failures, the rate drops while it lasts', async () => {
    // Prepare: the partner answers 429 with Retry-After: 1 for its first 4 seconds of traffic.
    const system = await start(LIMITED);
    const { partner } = system;
    const mpids = await queueMemberships(system, 30);
    const STORM_MS = 4_000;
    let stormStart: number | undefined;
    partner.setFaults((request) => {
      stormStart ??= request.at;
      return request.at < stormStart + STORM_MS
        ? { kind: 'status', status: 429, headers: { 'retry-after': '1' } }
        : undefined;
    });

    // Act
    await runConcurrently(system, 120_000, false);

    // Assess: everything delivered, nothing parked, no message counted as failed, the breaker never opened.
    expect([...deliveredMpids(partner)].sort()).toEqual([...mpids].sort());
    expect(await system.deadLetters()).toEqual([]);
    const lines = system.logLines;
    expect(lines.filter((l) => l.includes('"will retry"'))).toEqual([]);
    expect(lines.filter((l) => l.includes('held while the partner is down'))).toEqual([]);
    expect(lines.filter((l) => l.includes('held by the partner rate limit')).length).toBeGreaterThan(0);

    // Assess: during the storm each container paused for every Retry-After, so the partner saw far fewer
    // than the ceiling's requests: at most about one per container per second (plus each one's first).
    const during = partner.received.filter((r) => r.answered === 429);
    const stormSeconds = STORM_MS / 1000;
    expect(during.length).toBeGreaterThan(0);
    expect(during.length).toBeLessThanOrEqual(CONTAINERS * (stormSeconds + 1));
    expect(during.length).toBeLessThan((CEILING * stormSeconds) / 2);
    expect(maxInAnySecond(partner.received)).toBeLessThanOrEqual(CEILING);
    const after = partner.accepted;
    const drainSeconds = (Math.max(...after.map((r) => r.at)) - Math.min(...after.map((r) => r.at))) / 1000;
    console.info(
      `429 storm of ${stormSeconds} s: ${during.length} requests during it (${(during.length / stormSeconds).toFixed(1)}/s vs a ceiling of ${CEILING}/s), ` +
        `then ${after.length} delivered in ${drainSeconds.toFixed(1)} s; 0 parked, 0 failures`,
    );
  }, 150_000);

  it('holds what it cannot wait for within the invocation, without counting a failure, and delivers it on a later batch', async () => {
    // Prepare: one container with 3 calls a second, an invocation with little time left (its call deadline
    // and 2 s: room to sleep about 1 s), 10 queued messages.
    const target = await start(LIMITED);
    const mpids = await queueMemberships(target, 10);
    const deps = createWorkerDependencies(integration, target.env, capturingLogger('firehose-worker', target.logLines));
    const batch = createWorkerBatchHandler(deps);
    const shortOnTime = {
      getRemainingTimeInMillis: () => DELIVERY_DEFAULTS.workerCallDeadlineMs + 2_000,
    } as Partial<Context> as Context;
    let failures = 0;
    const runner = {
      sqs: target.sqs.sqs,
      queueUrl: target.sqs.queueUrl,
      waitSeconds: 0,
      handler: async (event: Parameters<typeof batch>[0]) => {
        const response = await batch(event, shortOnTime);
        failures += response.batchItemFailures.length;
        return response;
      },
    };

    // Act: the first batch, then batches until the queue is empty.
    await pollOnce(runner);
    const heldFirst = failures;
    const deadline = Date.now() + 60_000;
    const pending = async () => Object.values(await target.queueDepth()).reduce((a, b) => a + b, 0);
    while (Date.now() < deadline && (await pending()) > 0) {
      if ((await pollOnce(runner)) === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Assess: the first batch sent what fitted in about a second and held the rest; nothing counted as a
    // failure to retry, nothing parked, everything delivered in the end.
    expect(heldFirst).toBeGreaterThanOrEqual(5);
    expect(heldFirst).toBeLessThan(10);
    expect(target.logLines.filter((l) => l.includes('held by the partner rate limit')).length).toBeGreaterThanOrEqual(
      heldFirst,
    );
    expect(target.logLines.filter((l) => l.includes('"will retry"'))).toEqual([]);
    expect([...deliveredMpids(target.partner)].sort()).toEqual([...mpids].sort());
    expect(await target.deadLetters()).toEqual([]);
    expect(maxInAnySecond(target.partner.received)).toBeLessThanOrEqual(Math.floor(CEILING / CONTAINERS));
  }, 90_000);
});
