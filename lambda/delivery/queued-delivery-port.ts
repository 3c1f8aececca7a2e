import type { Logger } from '@aws-lambda-powertools/logger';
import type { DeliveryPort, InlineOutcome } from '../core/delivery-port';
import { describeCall, type OutboundCall } from '../core/outbound-call';
import type { PartnerIntegration } from '../core/partner-integration';
import type { CircuitBreaker } from './circuit-breaker';
import { decide, preparationOutcome, type AttemptOutcome } from './delivery-policy';
import type { DeliveryQueue, ParkingReason } from './delivery-queue';
import { park } from './park';
import { callPartner } from './partner-attempt';
import type { PartnerClient } from './partner-client';
import { noPartnerCredential, type PartnerCredential } from './partner-credential';
import { encodeQueuedDelivery } from './queue-message';
import type { SecretBox } from './secret-box';
import type { SpillNeeds } from './spill-warm-up';

export interface QueuedDeliveryDependencies {
  readonly integration: PartnerIntegration;
  readonly partner: PartnerClient;
  readonly queue: DeliveryQueue;
  readonly box: SecretBox;
  readonly breaker: CircuitBreaker;
  readonly inlineDeadlineMs: number;
  readonly logger: Logger;
  /** For calls without customer settings; @default none configured */
  readonly partnerCredential?: PartnerCredential;
  /** Readies a spill while the partner's answer is awaited (spill-warm-up.ts); returns at once, never throws. */
  readonly warmUp?: (needs: SpillNeeds, waiting: Promise<unknown>) => void;
}

/**
 * Real delivery: in-line calls within a deadline, spilled to SQS on any retriable failure (or at once while
 * the circuit is open); queued calls go straight to SQS; refusals are parked in the DLQ with the reason.
 * Throws only when SQS itself cannot take the data: the invocation must then fail rather than lie.
 */
export function createQueuedDeliveryPort(deps: QueuedDeliveryDependencies): DeliveryPort {
  const toMessage = async (call: OutboundCall): Promise<string> => {
    const sealed = Object.keys(call.secrets).length > 0 ? await deps.box.seal(call.secrets, call) : undefined;
    return encodeQueuedDelivery(call, sealed);
  };

  const spill = async (call: OutboundCall, reason: string): Promise<InlineOutcome> => {
    await deps.queue.sendAll([await toMessage(call)]);
    deps.logger.debug('spilled to the queue', { ...describeCall(call), reason });
    return { kind: 'queued', reason };
  };

  const parkCall = async (call: OutboundCall, why: Omit<ParkingReason, 'attempts'>): Promise<InlineOutcome> => {
    const body = await toMessage(call);
    const parked = await park(deps, body, { ...why, attempts: 1 }, Object.values(call.secrets), describeCall(call));
    return { kind: 'parked', status: parked.status, reason: parked.reason };
  };

  return {
    description: `delivering to ${deps.partner.origin} (in-line deadline ${deps.inlineDeadlineMs} ms), queue ${deps.queue.queueUrl}`,

    async deliverInline(call) {
      let outcome: AttemptOutcome;
      try {
        // Headers before the breaker: a call that cannot be made never takes the half-open probe.
        const headers = await deps.integration.authHeaders({
          secrets: call.secrets,
          requestType: call.requestType,
          partnerCredential: deps.partnerCredential ?? noPartnerCredential,
        });
        const answered = callPartner(deps.partner, deps.breaker, { ...call, headers }, deps.inlineDeadlineMs);
        // While the partner is waited for, so that a spill does not start loading the SDK after the deadline.
        deps.warmUp?.({ sealing: Object.keys(call.secrets).length > 0 }, answered);
        outcome = await answered;
      } catch (error) {
        outcome = preparationOutcome(error);
      }
      const decision = decide(outcome, { path: 'inline' });
      switch (decision.kind) {
        case 'delivered':
          return { kind: 'delivered', status: decision.status };
        case 'park':
          return parkCall(call, { reason: decision.reason, status: decision.status, excerpt: decision.excerpt });
        case 'spill':
          return spill(call, decision.reason);
        case 'fail':
          throw decision.error;
        default:
          // Retry and hold are the worker's; decide() never answers them in-line.
          throw new Error(`unexpected in-line decision ${decision.kind}`);
      }
    },

    async enqueue(calls) {
      await deps.queue.sendAll(await Promise.all(calls.map(toMessage)));
    },
  };
}
