import type { Logger } from '@aws-lambda-powertools/logger';
import type { PartnerIntegration } from '../core/partner-integration';
import { CircuitBreaker } from './circuit-breaker';
import { createDeliveryParts } from './create-delivery';
import { DELIVERY_DEFAULTS, ENV } from './defaults';
import { readDeliveryConfig } from './delivery-config';
import { HeldMessages } from './held-messages';
import type { WorkerDependencies } from './delivery-worker';
import { partnerCredentialFromEnv } from './partner-credential';

/** The worker's dependencies from its environment; the worker has no dry run: it needs a partner and queues. */
export function createWorkerDependencies(
  integration: PartnerIntegration,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): WorkerDependencies {
  const config = readDeliveryConfig(env);
  if (!config) throw new Error(`the worker needs ${ENV.partnerApiUrl}, ${ENV.deliveryQueueUrl} and ${ENV.deadLetterQueueUrl}`);
  const parts = createDeliveryParts(config);
  return {
    integration,
    partner: parts.partner,
    queue: parts.queue,
    box: parts.box,
    breaker: new CircuitBreaker(DELIVERY_DEFAULTS.circuitFailureThreshold, config.circuitOpenMs),
    held: new HeldMessages(),
    policy: config.retry,
    callDeadlineMs: DELIVERY_DEFAULTS.workerCallDeadlineMs,
    logger,
    partnerCredential: partnerCredentialFromEnv(env),
  };
}
