import type { DeliveryPort } from '../core/delivery-port';
import { DeliveryNotConfiguredError } from './errors';
import { DELIVERY_ENV } from '../config/environment';

/**
 * The delivery of a function deployed without delivery settings and without an explicit dry run. A success
 * answer makes mParticle forget the data, so every request that carries data fails; registration and
 * verification messages never reach a port and are still answered, so the connection can be set up.
 */
export function createUnconfiguredPort(): DeliveryPort {
  return {
    description: `not delivering: ${DELIVERY_ENV.partnerApiUrl} is not set and ${DELIVERY_ENV.dryRun} is not true; requests carrying data fail`,
    async deliverInline() {
      throw new DeliveryNotConfiguredError();
    },
    async enqueue(calls) {
      if (calls.length > 0) throw new DeliveryNotConfiguredError();
    },
  };
}
