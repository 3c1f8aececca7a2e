import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import {
  FIRST_CALL_WARM_UP_AFTER_MS,
  spillWarmUp,
  WARM_UP_AFTER_MS,
  WARM_UP_RETRY_MS,
} from '../../lambda/delivery/spill-warm-up';
import { customEvents, eventBatch } from '../support/factories';
import { useDeliveryEntryPoints } from '../support/entry-points';
import { startKmsStandIn, type KmsStandIn } from '../support/kms-stand-in';
import { GENEROUS_INLINE_DEADLINE_MS, TEST_KMS_KEY_ARN } from '../support/lambda-env';

/**
 * The first spill of a container paid for loading the SDK and fetching the first data key after the in-line
 * deadline. The ingress as deployed (its module loaded fresh, as in a new container), queueing to fauxqs,
 * sealing with a data key from a KMS stand-in through the real SDK, and a partner on loopback that holds its
 * answer until told: the spill path is readied while the partner is waited for, and a warm-up that fails
 * changes no answer. Bounds are generous: they catch a hang, not a slow machine.
 */
const HOLD_BOUND_MS = 5_000;

/** Resolves once `done()` holds, or after `boundMs` (the test's assertions then say what was missing). */
async function until(done: () => boolean, boundMs = HOLD_BOUND_MS): Promise<void> {
  const started = Date.now();
  while (!done() && Date.now() - started < boundMs) await new Promise((resolve) => setTimeout(resolve, 5));
}

interface HeldAnswer {
  readonly status: number;
  /** The KMS operations received before the partner answered. */
  readonly kmsCallsBefore: readonly string[];
}

/** A partner API whose every answer is decided by `reply`, which may wait (real HTTP on loopback). */
async function startHoldingPartner(kms: KmsStandIn) {
  const answers: HeldAnswer[] = [];
  let reply: () => Promise<number> = async () => 200;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      void reply().then((status) => {
        answers.push({ status, kmsCallsBefore: [...kms.calls] });
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers,
    setReply(next: () => Promise<number>): void {
      reply = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const entry = useDeliveryEntryPoints();
let kms: KmsStandIn;
let partner: Awaited<ReturnType<typeof startHoldingPartner>>;

beforeAll(async () => {
  kms = await startKmsStandIn();
  partner = await startHoldingPartner(kms);
});

afterAll(async () => {
  await partner?.stop();
  await kms?.stop();
});

/** The ingress of a fresh container, sealing with KMS, its in-line deadline far above any hold. */
function freshIngress() {
  return entry.load('ingress', {
    ...entry.deliveryEnv(),
    [DELIVERY_ENV.partnerApiUrl]: partner.url,
    [DELIVERY_ENV.sealingKeyId]: TEST_KMS_KEY_ARN,
    [PLATFORM_ENV.kmsEndpoint]: kms.url,
    [DELIVERY_ENV.inlineDeadlineMs]: String(GENEROUS_INLINE_DEADLINE_MS),
  });
}

const dataKeyRequested = (): boolean => kms.calls.includes('TrentService.GenerateDataKey');

describe('readying the spill path while an in-line call waits for the partner', () => {
  it('fetches the data key when the in-line call starts, not at init, and the call is still delivered in-line', async () => {
    // Prepare: the partner answers only once KMS has been asked for a data key (or after the bound).
    kms.calls.length = 0;
    const ingress = await freshIngress();
    const callsAtInit = [...kms.calls];
    partner.setReply(async () => {
      await until(dataKeyRequested);
      return 200;
    });
    const queuedBefore = entry.sqs.peek('delivery').length;

    // Act
    const response = await ingress(eventBatch(customEvents(3)));

    // Assess
    expect(callsAtInit).toEqual([]);
    expect(response).toMatchObject({ type: 'event_processing_response' });
    expect(partner.answers.at(-1)).toEqual({ status: 200, kmsCallsBefore: ['TrentService.GenerateDataKey'] });
    expect(entry.sqs.peek('delivery')).toHaveLength(queuedBefore);
  });

  it('answers as usual when the warm-up fails, and the spill that needs the data key then fetches it itself', async () => {
    // Prepare: KMS refuses; the partner answers once KMS has refused the warm-up's request.
    kms.calls.length = 0;
    kms.setFailing(true);
    const ingress = await freshIngress();
    partner.setReply(async () => {
      await until(dataKeyRequested);
      return 200;
    });
    const queuedBefore = entry.sqs.peek('delivery').length;

    // Act: one call delivered while the warm-up fails, then (KMS healed) one the partner refuses with a 503.
    const delivered = await ingress(eventBatch(customEvents(3)));
    kms.setFailing(false);
    partner.setReply(async () => 503);
    const spilled = await ingress(eventBatch(customEvents(3)));

    // Assess
    expect(delivered).toMatchObject({ type: 'event_processing_response' });
    expect(partner.answers.at(-2)).toEqual({ status: 200, kmsCallsBefore: ['TrentService.GenerateDataKey'] });
    expect(spilled).toMatchObject({ type: 'event_processing_response' });
    expect(entry.sqs.peek('delivery')).toHaveLength(queuedBefore + 1);
    expect(kms.calls).toEqual(['TrentService.GenerateDataKey', 'TrentService.GenerateDataKey']);
  });
});

describe('spillWarmUp', () => {
  /** Real time for the event loop to run (the warm-up's own timers), the clock it reads staying where it is. */
  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  /** One call the partner has answered already: the calls after it are no longer the container's first. */
  const afterAnAnsweredCall = async (start: ReturnType<typeof spillWarmUp>): Promise<void> => {
    start({ sealing: false }, Promise.resolve());
    await pause(5);
  };
  /** A partner answer the test settles. */
  const pendingAnswer = () => {
    let settle: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => {
      settle = resolve;
    });
    return { promise, settle };
  };

  it('takes its steps only once a call has waited WARM_UP_AFTER_MS for the partner, pauses between calls, and runs one warm-up at a time', async () => {
    // Prepare: the first call's partner answers right after the warm-up's first step.
    let clock = 0;
    let runs = 0;
    let steps = 0;
    const first = pendingAnswer();
    const second = pendingAnswer();
    const start = spillWarmUp(
      async (_needs, turn) => {
        runs += 1;
        for (let i = 0; i < 3; i += 1) {
          await turn();
          steps += 1;
          if (steps === 1) first.settle();
        }
      },
      () => undefined,
      () => clock,
    );

    // Act and assess: the partner has the first WARM_UP_AFTER_MS of the wait to itself.
    await afterAnAnsweredCall(start);
    start({ sealing: false }, first.promise);
    await pause(3 * WARM_UP_AFTER_MS);
    expect(steps).toBe(0);
    clock = WARM_UP_AFTER_MS;
    await until(() => steps > 0);

    // The partner answered: the warm-up pauses until another call has waited long enough.
    await pause(3 * WARM_UP_AFTER_MS);
    expect(steps).toBe(1);
    start({ sealing: false }, second.promise);
    await pause(3 * WARM_UP_AFTER_MS);
    expect(steps).toBe(1);
    clock = 2 * WARM_UP_AFTER_MS;
    await until(() => steps === 3);

    // The same warm-up went on to its end: no second one started.
    expect(steps).toBe(3);
    expect(runs).toBe(1);
    second.settle();
  });

  it('takes a step that asks for no head start (a request) as soon as a call waits', async () => {
    // Prepare
    let steps = 0;
    const waiting = pendingAnswer();
    const start = spillWarmUp(
      async (_needs, turn) => {
        await turn(0);
        steps += 1;
      },
      () => undefined,
      () => 0,
    );

    // Act
    await afterAnAnsweredCall(start);
    start({ sealing: true }, waiting.promise);
    await until(() => steps > 0);

    // Assess: the clock never moved, so no head start was waited for.
    expect(steps).toBe(1);
    waiting.settle();
  });

  it('leaves the container’s first calls FIRST_CALL_WARM_UP_AFTER_MS to themselves, requests included, then takes its steps', async () => {
    // Prepare
    let clock = 0;
    let steps = 0;
    const first = pendingAnswer();
    const start = spillWarmUp(
      async (_needs, turn) => {
        await turn(0);
        steps += 1;
        await turn();
        steps += 1;
      },
      () => undefined,
      () => clock,
    );

    // Act and assess: no step while the first call has waited less than FIRST_CALL_WARM_UP_AFTER_MS.
    start({ sealing: true }, first.promise);
    await pause(20);
    expect(steps).toBe(0);
    clock = WARM_UP_AFTER_MS;
    await pause(3 * WARM_UP_AFTER_MS);
    expect(steps).toBe(0);
    clock = FIRST_CALL_WARM_UP_AFTER_MS;
    await until(() => steps === 2);
    expect(steps).toBe(2);
    first.settle();
  });

  it('starts none once one has readied what a call needs: the queue alone, or the queue and the data key', async () => {
    // Prepare
    const runs: boolean[] = [];
    const waiting = pendingAnswer();
    const start = spillWarmUp(
      async (needs, turn) => {
        runs.push(needs.sealing);
        await turn(0);
      },
      () => undefined,
      () => 0,
    );
    const callWaits = async (needs: { sealing: boolean }): Promise<void> => {
      const before = runs.length;
      start(needs, waiting.promise);
      await pause(5);
      if (runs.length > before) await pause(5);
    };

    // Act: no key (a call already answered), no key again, then a call with secrets, then both kinds again.
    await afterAnAnsweredCall(start);
    await callWaits({ sealing: false });
    await callWaits({ sealing: false });
    await callWaits({ sealing: true });
    await callWaits({ sealing: true });
    await callWaits({ sealing: false });

    // Assess
    expect(runs).toEqual([false, true]);
    waiting.settle();
  });

  it('after a failure starts none until the retry interval has passed, and reports the failure', async () => {
    // Prepare
    let clock = 0;
    let runs = 0;
    const failures: string[] = [];
    const start = spillWarmUp(
      async (_needs, turn) => {
        runs += 1;
        await turn();
        throw new Error('KMS refused');
      },
      (message) => failures.push(message),
      () => clock,
    );
    const waiting = pendingAnswer();

    // Act and assess
    await afterAnAnsweredCall(start);
    start({ sealing: true }, waiting.promise);
    clock = WARM_UP_AFTER_MS;
    await until(() => failures.length > 0);
    expect(failures).toEqual(['KMS refused']);

    clock += WARM_UP_RETRY_MS - 1;
    start({ sealing: true }, waiting.promise);
    await pause(5);
    expect(runs).toBe(1);

    clock += 1;
    start({ sealing: true }, waiting.promise);
    clock += WARM_UP_AFTER_MS;
    await until(() => failures.length > 1);
    expect(runs).toBe(2);
    expect(failures).toEqual(['KMS refused', 'KMS refused']);
    waiting.settle();
  });

  it('never throws or rejects: not when the work throws at once, the report throws, or the partner call rejects', async () => {
    // Prepare
    const start = spillWarmUp(
      () => {
        throw new Error('thrown, not rejected');
      },
      () => {
        throw new Error('the report failed too');
      },
    );

    // Act: an unhandled rejection or uncaught exception would fail this file.
    expect(() => start({ sealing: false }, Promise.reject(new Error('the partner call failed')))).not.toThrow();
    await pause(20);
  });
});
