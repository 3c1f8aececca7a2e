import type { Logger } from '@aws-lambda-powertools/logger';
import type { DeliveryPort, InlineOutcome } from '../core/delivery-port';
import { describeCall, type OutboundCall } from '../core/outbound-call';
import { DELIVERY_ENV, PLATFORM_ENV } from '../config/environment';
import { type Env, readBoolean } from '../config/env-readers';

/** DELIVERY_ENV.dryRun as set: `true`, `false`, or `undefined` when unset (the caller picks the default). */
export function readDryRun(env: Env): boolean | undefined {
  return readBoolean(env, DELIVERY_ENV.dryRun);
}

/**
 * The delivery used when DELIVERY_ENV.dryRun=true, or locally when DELIVERY_ENV.partnerApiUrl and DELIVERY_ENV.deliveryQueueUrl are unset:
 * every call is logged with the body it would send (secrets never: only their setting ids; bodies only
 * outside Lambda) and counted as delivered.
 */
export function createDryRunPort(logger: Logger, env: Env = process.env): DeliveryPort {
  // Bodies hold customer data (identities, push tokens): shown on a developer's machine, not in Lambda logs.
  const showBodies = !env[PLATFORM_ENV.lambdaFunctionName];
  const log = (mode: 'in-line' | 'queued', call: OutboundCall): void => {
    logger.info('dry run: would send', {
      mode,
      ...describeCall(call),
      authFrom: Object.keys(call.secrets),
      ...(showBodies
        ? {
            body:
              call.bodyText.length <= 4096
                ? call.bodyText
                : `${call.bodyText.slice(0, 4096)}… (${call.bodyText.length} chars)`,
          }
        : {}),
    });
  };
  return {
    dryRun: true,
    description: `dry run: partner calls are logged, not sent (set ${DELIVERY_ENV.partnerApiUrl} and ${DELIVERY_ENV.deliveryQueueUrl} to deliver)`,
    async deliverInline(call): Promise<InlineOutcome> {
      log('in-line', call);
      return { kind: 'delivered', status: 0 };
    },
    async enqueue(calls) {
      for (const call of calls) log('queued', call);
    },
  };
}
