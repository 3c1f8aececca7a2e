import type { DeliveryPort } from '../core/delivery-port';
import { PermanentError } from '../common/errors';
import { ENV } from './defaults';

/** Data arrived where nothing would deliver it: the invocation fails instead of answering success. */
export class DeliveryNotConfiguredError extends PermanentError {
  constructor() {
    super(
      `${ENV.partnerApiUrl} is not set: refusing to accept data that would not be delivered ` +
        '(deploy with -c partnerApiUrl=… or -c dryRun=true)',
    );
    this.name = 'DeliveryNotConfiguredError';
  }
}

/**
 * The delivery of a function deployed without delivery settings and without an explicit dry run. A success
 * answer makes mParticle forget the data, so every request that carries data fails; registration and
 * verification messages never reach a port and are still answered, so the connection can be set up.
 */
export function createUnconfiguredPort(): DeliveryPort {
  return {
    description: `not delivering: ${ENV.partnerApiUrl} is not set and ${ENV.dryRun} is not true; requests carrying data fail`,
    async deliverInline() {
      throw new DeliveryNotConfiguredError();
    },
    async enqueue(calls) {
      if (calls.length > 0) throw new DeliveryNotConfiguredError();
    },
  };
}
