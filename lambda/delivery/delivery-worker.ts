import type { SQSRecord } from 'aws-lambda';
import { monotonicMs } from '../common/monotonic-clock';
import { decide } from './delivery-policy';
import { park } from './park';
import { attemptRecord, releaseHeld } from './worker-attempt';
import type { WorkerDependencies } from './worker-dependencies';
import { DeliveryDeferredError } from './errors';

// Re-exported: the worker's wiring and tests import the dependencies from here.
export type { WorkerDependencies } from './worker-dependencies';

export type RecordOutcome = 'delivered' | 'parked';

/**
 * Delivers one queued call. Resolves when the message may be deleted: after a 2xx, or after its copy is
 * safely in the dead-letter queue. Throws DeliveryDeferredError (so the batch reports this item as failed)
 * when it should come back later, having first set its visibility timeout as the policy decided.
 */
export async function deliverRecord(
  record: SQSRecord,
  deps: WorkerDependencies,
  remainingMs?: () => number,
): Promise<RecordOutcome> {
  const attempts = Number(record.attributes.ApproximateReceiveCount) || 1;
  const ageMs = Math.max(0, (deps.now ?? Date.now)() - firstEnqueuedAt(record));
  const started = monotonicMs();
  deps.held?.forget(record.messageId);
  const base = { messageId: record.messageId, attempts, ageMs };
  // While the circuit is open and no probe is due, hold at once: nothing to read, fetch or decrypt.
  const { outcome, context, secrets, alreadyDone } = deps.breaker.wouldAllow()
    ? await attemptRecord(record, deps, base, remainingMs)
    : { outcome: { kind: 'not-tried' } as const, context: base, secrets: [], alreadyDone: undefined };
  if (alreadyDone !== undefined) {
    // SQS delivers at least once: the same pointer again, after its call was delivered or parked.
    deps.logger.info('duplicate claim-check pointer: its delivery is already done, acknowledged', {
      ...context,
      done: alreadyDone,
    });
    return 'delivered';
  }

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
      const durationMs = Math.round(monotonicMs() - started);
      deps.logger.debug('delivered', { ...context, status: decision.status, durationMs });
      // A claim-check object becomes an empty 'delivered' marker (lambda/delivery/claim-check.ts).
      await deps.queue.release(record.body);
      return 'delivered';
    }
    case 'park':
      await park(
        { queue: deps.queue, logger: deps.logger, onParked: (status) => deps.observer?.deadLettered(status) },
        record.body,
        {
          reason: decision.reason,
          status: decision.status,
          excerpt: decision.excerpt,
          attempts,
          ...(decision.unopenable ? { unopenable: true } : {}),
        },
        secrets,
        context,
      );
      return 'parked';
    case 'retry':
    case 'hold': {
      await deps.queue.delay(record.receiptHandle, decision.delayMs / 1000);
      // Only what waits on the partner's health is released when a probe finds it healthy, not the paced.
      if (outcome.kind !== 'slowed') deps.held?.add(record.messageId, record.receiptHandle, decision.delayMs);
      // Held while a sibling probed, and the probe found the partner healthy before this hold was recorded:
      // its release has run already, so release now rather than wait out the hold.
      if (outcome.kind === 'not-tried' && deps.breaker.state === 'closed') await releaseHeld(deps);
      const reason = decision.kind === 'retry' ? decision.reason : (decision.reason ?? 'circuit open');
      if (outcome.kind === 'unavailable') deps.observer?.retried(outcome.status);
      // A hold is no failure, but pressure the operator must see (issue 22): counted, with the partner's 429.
      if (decision.kind === 'hold') deps.observer?.held(outcome.kind === 'slowed' ? outcome.status : undefined);
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
      throw new DeliveryDeferredError(decision.kind, decision.delayMs, reason);
    }
    default:
      // Spill and fail are the ingress's; decide() never answers them for a queued call.
      throw new Error(`unexpected decision for a queued call: ${decision.kind}`);
  }
}

/** When the message first entered the queue (a redriven copy starts a new budget). */
function firstEnqueuedAt(record: SQSRecord): number {
  const sent = Number(record.attributes.SentTimestamp);
  if (Number.isFinite(sent) && sent > 0) return sent;
  const firstReceive = Number(record.attributes.ApproximateFirstReceiveTimestamp);
  return Number.isFinite(firstReceive) && firstReceive > 0 ? firstReceive : Date.now();
}
