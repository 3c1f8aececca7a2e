import type { SQSRecord } from 'aws-lambda';
import { preparationOutcome, type AttemptOutcome } from './delivery-policy';
import { callPartner } from './partner-attempt';
import { noPartnerCredential } from './partner-credential';
import { decodeQueuedDelivery } from './queue-message';
import type { WorkerDependencies } from './worker-dependencies';
import { ClaimCheckDoneError } from './errors';

/** What one attempt on a record came to, with what may be logged of it and the secrets to scrub. */
export interface RecordAttempt {
  readonly outcome: AttemptOutcome;
  readonly context: Readonly<Record<string, unknown>>;
  readonly secrets: readonly string[];
  /** A duplicate claim-check pointer: its delivery is recorded as done (`delivered` or `parked`). */
  readonly alreadyDone?: string;
}

/** Reads the message, opens its settings, makes its headers and calls the partner under the breaker. */
export async function attemptRecord(
  record: SQSRecord,
  deps: WorkerDependencies,
  base: Readonly<Record<string, unknown>>,
  remainingMs: (() => number) | undefined,
): Promise<RecordAttempt> {
  let context = base;
  let secrets: readonly string[] = [];
  try {
    // A claim-check pointer is resolved to the message it stands for (lambda/delivery/claim-check.ts).
    const message = decodeQueuedDelivery(await deps.queue.open(record.body));
    const { idempotencyKey, requestType, path } = message;
    context = { ...base, idempotencyKey, requestType, path };
    const opened = message.sealed ? await deps.box.open(message.sealed, message) : {};
    secrets = Object.values(opened);
    const headers = await deps.integration.authHeaders({
      secrets: opened,
      requestType,
      partnerCredential: deps.partnerCredential ?? noPartnerCredential,
    });
    const waitMs = await waitForSlot(deps, remainingMs);
    if (waitMs !== undefined)
      return { outcome: { kind: 'slowed', reason: 'partner rate limit', waitMs }, context, secrets };
    const before = deps.breaker.state;
    const outcome = await callPartner(
      deps.partner,
      deps.breaker,
      { ...message, headers },
      deps.callDeadlineMs,
      deps.rateLimit,
    );
    if (before === 'open' && deps.breaker.state === 'closed') await releaseHeld(deps);
    return { outcome, context, secrets };
  } catch (error) {
    if (error instanceof ClaimCheckDoneError)
      return { outcome: preparationOutcome(error), context, secrets, alreadyDone: error.how };
    return { outcome: preparationOutcome(error), context, secrets };
  }
}

/**
 * Sleeps until this container's next rate-limit slot when it is near (and the call still fits in the
 * invocation's remaining time); otherwise takes no slot and answers the wait, so the message is held.
 * Right before the call, so the time spent preparing it does not bunch requests together.
 */
async function waitForSlot(
  deps: WorkerDependencies,
  remainingMs: (() => number) | undefined,
): Promise<number | undefined> {
  const limit = deps.rateLimit;
  if (!limit) return undefined;
  for (;;) {
    const wait = limit.peek();
    const maxSleep = Math.min(
      deps.rateLimitMaxSleepMs ?? 0,
      remainingMs ? remainingMs() - deps.callDeadlineMs - 1_000 : Infinity,
    );
    if (wait > maxSleep) return wait;
    const generation = limit.generation;
    const slotIn = limit.reserve();
    if (slotIn > 0) await new Promise((resolve) => setTimeout(resolve, slotIn));
    // A 429 while this slept voided its slot: wait for the pause and the slower pace too.
    if (limit.generation === generation) return undefined;
  }
}

/**
 * The probe found the partner healthy: make the messages this container hid visible now, ten calls at a
 * time, so deliveries resume at once rather than when each wait ends. Best effort: a failure only means
 * that message waits out its hold.
 */
export async function releaseHeld(deps: WorkerDependencies): Promise<void> {
  const handles = deps.held?.takeStillHidden() ?? [];
  for (let i = 0; i < handles.length; i += 10) {
    await Promise.all(handles.slice(i, i + 10).map((handle) => deps.queue.delay(handle, 0).catch(() => undefined)));
  }
  if (handles.length > 0) deps.logger.info('the partner is back: released held messages', { released: handles.length });
}
