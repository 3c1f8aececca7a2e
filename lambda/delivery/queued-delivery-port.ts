import type { Logger } from '@aws-lambda-powertools/logger';
import type { DeliveryPort, InlineOutcome } from '../core/delivery-port';
import { describeCall, type OutboundCall } from '../core/outbound-call';
import type { PartnerIntegration } from '../core/partner-integration';
import { SettingError } from '../firehose/settings';
import { scrubSecrets } from '../observability/redact';
import { errorMessage, isRetryable } from '../shared/errors';
import type { CircuitBreaker } from './circuit-breaker';
import type { DeliveryQueue, ParkingReason } from './delivery-queue';
import { PartnerRejectedError, type PartnerClient } from './partner-client';
import { noPartnerCredential, type PartnerCredential } from './partner-credential';
import { encodeQueuedDelivery } from './queue-message';
import type { SecretBox } from './secret-box';

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
}

/**
 * Real delivery: in-line calls within a deadline, spilled to SQS on any retriable failure (or at once while
 * the circuit is open); queued calls go straight to SQS; refusals are parked in the DLQ with the reason.
 * Throws only when SQS itself cannot take the data: the invocation must then fail rather than lie.
 */
export function createQueuedDeliveryPort(deps: QueuedDeliveryDependencies): DeliveryPort {
  const toMessage = async (call: OutboundCall): Promise<string> => {
    const sealed = Object.keys(call.secrets).length > 0 ? await deps.box.seal(call.secrets) : undefined;
    return encodeQueuedDelivery(call, sealed);
  };

  const spill = async (call: OutboundCall, reason: string): Promise<InlineOutcome> => {
    await deps.queue.sendAll([await toMessage(call)]);
    deps.logger.debug('spilled to the queue', { ...describeCall(call), reason });
    return { kind: 'queued', reason };
  };

  const park = async (call: OutboundCall, why: Omit<ParkingReason, 'attempts'>): Promise<InlineOutcome> => {
    const excerpt = why.excerpt === undefined ? undefined : scrubSecrets(why.excerpt, Object.values(call.secrets));
    await deps.queue.park(await toMessage(call), { ...why, excerpt, attempts: 1 });
    deps.logger.warn('parked in the dead-letter queue', { ...describeCall(call), reason: why.reason, status: why.status });
    return { kind: 'parked', status: why.status, reason: why.reason };
  };

  return {
    description: `delivering to ${deps.partner.origin} (in-line deadline ${deps.inlineDeadlineMs} ms), queue ${deps.queue.queueUrl}`,

    async deliverInline(call) {
      if (!deps.breaker.allowRequest()) return spill(call, 'circuit open');
      let headers: Readonly<Record<string, string>>;
      try {
        headers = await deps.integration.authHeaders({
          secrets: call.secrets,
          requestType: call.requestType,
          partnerCredential: deps.partnerCredential ?? noPartnerCredential,
        });
      } catch (error) {
        if (error instanceof SettingError) return park(call, { reason: error.message });
        // E.g. the partner credential's secret unreadable: the worker tries again later.
        if (isRetryable(error)) return spill(call, errorMessage(error));
        throw error;
      }
      try {
        const { status } = await deps.partner.send({ ...call, headers }, deps.inlineDeadlineMs);
        deps.breaker.recordSuccess();
        return { kind: 'delivered', status };
      } catch (error) {
        if (error instanceof PartnerRejectedError) {
          // The partner is up and answering: a refusal says nothing about an outage.
          deps.breaker.recordSuccess();
          return park(call, { reason: `partner answered ${error.status}`, status: error.status, excerpt: error.excerpt });
        }
        if (isRetryable(error)) {
          deps.breaker.recordFailure();
          return spill(call, errorMessage(error));
        }
        throw error;
      }
    },

    async enqueue(calls) {
      await deps.queue.sendAll(await Promise.all(calls.map(toMessage)));
    },
  };
}
