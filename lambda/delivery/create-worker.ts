import type { Logger } from '@aws-lambda-powertools/logger';
import type { PartnerIntegration } from '../core/partner-integration';
import { CircuitBreaker } from './circuit-breaker';
import { createDeliveryParts } from './create-delivery';
import { DELIVERY_DEFAULTS } from './defaults';
import { readDeliveryConfig } from './delivery-config';
import { HeldMessages } from './held-messages';
import type { WorkerDependencies } from './delivery-worker';
import { partnerCredentialFromEnv } from './partner-credential';
import { PartnerRateLimit } from './partner-rate-limit';
import { DELIVERY_ENV } from '../config/environment';
import { DELIVERY_INFRASTRUCTURE } from './infrastructure';
import { readPositiveInt } from '../config/env-readers';

/**
 * The worker's dependencies from its environment; the worker has no dry run: it needs a partner and queues.
 * `close` ends its keep-alive sockets and SQS client (a CLI, a reload or a test that must exit promptly).
 */
export function createWorkerDependencies(
  integration: PartnerIntegration,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): WorkerDependencies & { close(): void } {
  const config = readDeliveryConfig(env);
  if (!config)
    throw new Error(
      `the worker needs ${DELIVERY_ENV.partnerApiUrl}, ${DELIVERY_ENV.deliveryQueueUrl} and ${DELIVERY_ENV.deadLetterQueueUrl}`,
    );
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
    ...rateLimitFromEnv(env),
    close: () => parts.close(),
  };
}

/**
 * This container's share of PARTNER_MAX_RPS: the ceiling divided by how many containers can run at once
 * (WORKER_MAX_CONCURRENCY, set by the construct from the event source's maximum concurrency).
 */
export function rateLimitFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Pick<WorkerDependencies, 'rateLimit' | 'rateLimitMaxSleepMs'> {
  const raw = env[DELIVERY_ENV.partnerMaxRps];
  if (raw === undefined || raw === '') return {};
  const ceilingPerSecond = readPositiveInt(env, DELIVERY_ENV.partnerMaxRps, 0);
  const sharedBy = readPositiveInt(
    env,
    DELIVERY_ENV.workerMaxConcurrency,
    DELIVERY_INFRASTRUCTURE.workerMaxConcurrency,
  );
  if (ceilingPerSecond < sharedBy) {
    throw new Error(
      `${DELIVERY_ENV.partnerMaxRps} (${ceilingPerSecond}) must be at least ${DELIVERY_ENV.workerMaxConcurrency} (${sharedBy}): each worker container needs one request per second; lower the event source's maxConcurrency`,
    );
  }
  return {
    rateLimit: new PartnerRateLimit({ ceilingPerSecond, sharedBy }),
    rateLimitMaxSleepMs: DELIVERY_DEFAULTS.rateLimitMaxSleepMs,
  };
}
