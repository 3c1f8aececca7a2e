import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import type { PartnerIntegration } from '../core/partner-integration';
import type { WorkerObserver } from '../observability/metrics';
import { RetryableError } from '../common/errors';
import type { CircuitBreaker } from './circuit-breaker';
import { decide, preparationOutcome, type AttemptOutcome, type RetryPolicy } from './delivery-policy';
import type { DeliveryQueue } from './delivery-queue';
import type { HeldMessages } from './held-messages';
import { park } from './park';
import { callPartner } from './partner-attempt';
import type { PartnerClient } from './partner-client';
import type { PartnerRateLimit } from './partner-rate-limit';
import { noPartnerCredential, type PartnerCredential } from './partner-credential';
import { decodeQueuedDelivery } from './queue-message';
import type { SecretBox } from './secret-box';

export interface WorkerDependencies {
  readonly integration: PartnerIntegration;
  readonly partner: PartnerClient;
  readonly queue: DeliveryQueue;
  readonly box: SecretBox;
  /** The worker's own view of the partner's health, shared by every record this container handles. */
  readonly breaker: CircuitBreaker;
  /** What this container hid, released when a probe finds the partner healthy again. */
  readonly held?: HeldMessages;
  readonly policy: RetryPolicy;
  readonly callDeadlineMs: number;
  readonly logger: Logger;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly observer?: WorkerObserver;
  /** For calls without customer settings (DSR); @default none configured */
  readonly partnerCredential?: PartnerCredential;
  /** This container's share of PARTNER_MAX_RPS; @default no ceiling */
  readonly rateLimit?: PartnerRateLimit;
  /** Longest sleep for a rate-limit slot before holding the message instead. */
  readonly rateLimitMaxSleepMs?: number;
}

export type RecordOutcome = 'delivered' | 'parked';

/** A message that comes back later: its visibility timeout is already set. Tells the batch it failed. */
export class ComeBackLaterError extends RetryableError {
  constructor(
    readonly decision: 'retry' | 'hold',
    readonly delayMs: number,
    reason: string,
  ) {
    const what = decision === 'hold' ? 'held' : 'will retry';
    super(`${what} in ${Math.round(delayMs / 1000)} s: ${reason}`, { retryAfterMs: delayMs });
    this.name = 'ComeBackLaterError';
  }
}

/**
 * Delivers one queued call. Resolves when the message may be deleted: after a 2xx, or after its copy is
 * safely in the dead-letter queue. Throws ComeBackLaterError (so the batch reports this item as failed)
 * when it should come back later, having first set its visibility timeout as the policy decided.
 */
export async function deliverRecord(
  record: SQSRecord,
  deps: WorkerDependencies,
  remainingMs?: () => number,
): Promise<RecordOutcome> {
  const attempts = Number(record.attributes.ApproximateReceiveCount) || 1;
  const ageMs = Math.max(0, (deps.now ?? Date.now)() - firstEnqueuedAt(record));
  const started = performance.now();
  deps.held?.forget(record.messageId);
  const base = { messageId: record.messageId, attempts, ageMs };
  // While the circuit is open and no probe is due, hold at once: nothing to read, fetch or decrypt.
  const { outcome, context, secrets } = deps.breaker.wouldAllow()
    ? await attempt(record, deps, base, remainingMs)
    : { outcome: { kind: 'not-tried' } as const, context: base, secrets: [] };

  const decision = decide(outcome, {
    path: 'queued',
    ageMs,
    attempts,
    circuit: deps.breaker.state,
    policy: deps.policy,
    ...(deps.random ? { random: deps.random } : {}),
  });
  switch (decision.kind) {
    case 'delivered': {
      deps.observer?.delivered(decision.status, outcome.kind === 'delivered' ? outcome.ms : 0);
      const durationMs = Math.round(performance.now() - started);
      deps.logger.debug('delivered', { ...context, status: decision.status, durationMs });
      // A claim-check object is deleted once its delivery is done (lambda/delivery/claim-check.ts).
      await deps.queue.release(record.body);
      return 'delivered';
    }
    case 'park':
      await park(
        { queue: deps.queue, logger: deps.logger, onParked: (status) => deps.observer?.deadLettered(status) },
        record.body,
        { reason: decision.reason, status: decision.status, excerpt: decision.excerpt, attempts },
        secrets,
        context,
      );
      return 'parked';
    case 'retry':
    case 'hold': {
      await deps.queue.delay(record.receiptHandle, decision.delayMs / 1000);
      // Only what waits on the partner's health is released when a probe finds it healthy, not the paced.
      if (outcome.kind !== 'slowed') deps.held?.add(record.messageId, record.receiptHandle, decision.delayMs);
      const reason = decision.kind === 'retry' ? decision.reason : (decision.reason ?? 'circuit open');
      if (outcome.kind === 'unavailable') deps.observer?.retried(outcome.status);
      const what =
        decision.kind === 'retry'
          ? 'will retry'
          : outcome.kind === 'slowed'
            ? 'held by the partner rate limit'
            : 'held while the partner is down';
      deps.logger.debug(what, {
        ...context,
        status: decision.kind === 'retry' ? decision.status : outcome.kind === 'slowed' ? outcome.status : undefined,
        reason,
        delayMs: decision.delayMs,
        circuit: deps.breaker.state,
      });
      throw new ComeBackLaterError(decision.kind, decision.delayMs, reason);
    }
    default:
      // Spill and fail are the ingress's; decide() never answers them for a queued call.
      throw new Error(`unexpected decision for a queued call: ${decision.kind}`);
  }
}

/** Reads the message, opens its settings, makes its headers and calls the partner under the breaker. */
async function attempt(
  record: SQSRecord,
  deps: WorkerDependencies,
  base: Readonly<Record<string, unknown>>,
  remainingMs: (() => number) | undefined,
): Promise<{ outcome: AttemptOutcome; context: Readonly<Record<string, unknown>>; secrets: readonly string[] }> {
  let context = base;
  let secrets: readonly string[] = [];
  try {
    // A claim-check pointer is resolved to the message it stands for (lambda/delivery/claim-check.ts).
    const message = decodeQueuedDelivery(await deps.queue.open(record.body));
    const { idempotencyKey, requestType, path } = message;
    context = { ...base, idempotencyKey, requestType, path };
    const opened = message.sealed ? await deps.box.open(message.sealed) : {};
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
async function releaseHeld(deps: WorkerDependencies): Promise<void> {
  const handles = deps.held?.takeStillHidden() ?? [];
  for (let i = 0; i < handles.length; i += 10) {
    await Promise.all(handles.slice(i, i + 10).map((handle) => deps.queue.delay(handle, 0).catch(() => undefined)));
  }
  if (handles.length > 0) deps.logger.info('the partner is back: released held messages', { released: handles.length });
}

/** When the message first entered the queue (a redriven copy starts a new budget). */
function firstEnqueuedAt(record: SQSRecord): number {
  const sent = Number(record.attributes.SentTimestamp);
  if (Number.isFinite(sent) && sent > 0) return sent;
  const firstReceive = Number(record.attributes.ApproximateFirstReceiveTimestamp);
  return Number.isFinite(firstReceive) && firstReceive > 0 ? firstReceive : Date.now();
}
