import type { Logger } from '@aws-lambda-powertools/logger';
import { scrubSecrets } from '../observability/redact';
import type { DeliveryQueue, ParkingReason } from './delivery-queue';

/** Where parked messages go and who hears of it. */
export interface ParkingLot {
  readonly queue: Pick<DeliveryQueue, 'park'>;
  readonly logger: Logger;
  /** Counts the parking (the worker's DeliveriesDeadLettered; the ingress counts from its outcome). */
  readonly onParked?: (status: number | undefined) => void;
}

/**
 * Parks a message in the dead-letter queue with its reason, for the ingress and the worker alike: the
 * reason and the partner's excerpt are scrubbed of the call's secrets first (a partner may echo a key),
 * then written as attributes, logged and counted. Resolves once SQS has the copy.
 */
export async function park(
  lot: ParkingLot,
  body: string,
  why: ParkingReason,
  secrets: Iterable<string>,
  context: Readonly<Record<string, unknown>>,
): Promise<ParkingReason> {
  const values = [...secrets];
  const scrubbed: ParkingReason = {
    ...why,
    reason: scrubSecrets(why.reason, values),
    ...(why.excerpt === undefined ? {} : { excerpt: scrubSecrets(why.excerpt, values) }),
  };
  await lot.queue.park(body, scrubbed);
  lot.onParked?.(why.status);
  const { reason, status, attempts } = scrubbed;
  lot.logger.warn('parked in the dead-letter queue', { ...context, reason, status, attempts });
  return scrubbed;
}
