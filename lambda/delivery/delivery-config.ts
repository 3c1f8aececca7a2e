import { parseSecureUrl } from '../common/http-client';
import { type Env, readFlag, readPositiveInt } from '../config/env-readers';
import { DELIVERY_DEFAULTS } from './defaults';
import type { RetryPolicy } from './delivery-policy';
import { ENV } from '../config/environment';
import { DELIVERY_INFRASTRUCTURE } from './infrastructure';

/** The delivery settings, read and checked once per container. Errors name the variable, not its value. */
export interface DeliveryConfig {
  readonly partnerApiUrl: URL;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly sqsEndpoint: string | undefined;
  /** Claim-check bucket for messages too large for SQS, and a local S3 endpoint (emulator). */
  readonly claimCheckBucket: string | undefined;
  readonly s3Endpoint: string | undefined;
  readonly sealing: { readonly kind: 'kms'; readonly keyId: string } | { readonly kind: 'local'; readonly key: string };
  readonly inlineDeadlineMs: number;
  /** The worker's retry policy: time budget, backoff, longest wait. */
  readonly retry: RetryPolicy;
  readonly circuitOpenMs: number;
  readonly maxMessageBytes: number;
  readonly suspendOnAuthFailure: boolean;
}

/** Undefined when neither the partner URL nor the queue is set: the kit then runs its dry run. */
export function readDeliveryConfig(env: Env): DeliveryConfig | undefined {
  const partner = env[ENV.partnerApiUrl];
  const queue = env[ENV.deliveryQueueUrl];
  if (!partner && !queue) return undefined;
  if (!partner) throw new Error(`${ENV.partnerApiUrl} must be set when ${ENV.deliveryQueueUrl} is`);
  if (!queue) throw new Error(`${ENV.deliveryQueueUrl} must be set when ${ENV.partnerApiUrl} is`);
  const deadLetter = env[ENV.deadLetterQueueUrl];
  if (!deadLetter) throw new Error(`${ENV.deadLetterQueueUrl} must be set to deliver`);

  const kmsKey = env[ENV.sealingKeyId];
  const localKey = env[ENV.localSealingKey];
  if (!kmsKey && !localKey) {
    throw new Error(
      `${ENV.sealingKeyId} (or ${ENV.localSealingKey} for local runs) must be set: confidential settings are encrypted in the queue`,
    );
  }
  return {
    partnerApiUrl: parseSecureUrl(partner, ENV.partnerApiUrl),
    queueUrl: queue,
    deadLetterQueueUrl: deadLetter,
    sqsEndpoint: env[ENV.sqsEndpoint] || undefined,
    claimCheckBucket: env[ENV.claimCheckBucket] || undefined,
    s3Endpoint: env[ENV.s3Endpoint] || undefined,
    sealing: kmsKey ? { kind: 'kms', keyId: kmsKey } : { kind: 'local', key: localKey as string },
    inlineDeadlineMs: readPositiveInt(env, ENV.inlineDeadlineMs, DELIVERY_DEFAULTS.inlineDeadlineMs),
    retry: {
      budgetMs: readPositiveInt(env, ENV.deliveryBudgetSeconds, DELIVERY_DEFAULTS.deliveryBudgetSeconds) * 1000,
      backoff: {
        baseMs: readPositiveInt(env, ENV.backoffBaseMs, DELIVERY_DEFAULTS.backoffBaseMs),
        maxMs: readPositiveInt(env, ENV.backoffMaxMs, DELIVERY_DEFAULTS.backoffMaxMs),
      },
      holdMaxMs: readPositiveInt(env, ENV.holdMaxMs, DELIVERY_DEFAULTS.holdMaxMs),
      // The construct and the local emulator both set the queue's redrive count to this value.
      maxReceiveCount: DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount,
    },
    circuitOpenMs: readPositiveInt(env, ENV.circuitOpenMs, DELIVERY_DEFAULTS.circuitOpenMs),
    maxMessageBytes: readPositiveInt(env, ENV.queueMessageMaxBytes, DELIVERY_DEFAULTS.queueMessageMaxBytes),
    suspendOnAuthFailure: readSuspendOnAuthFailure(env),
  };
}

/** Opt-in (`true`): see DELIVERY_DEFAULTS.suspendOnAuthFailure. */
export function readSuspendOnAuthFailure(env: Env): boolean {
  return readFlag(env, ENV.suspendOnAuthFailure, DELIVERY_DEFAULTS.suspendOnAuthFailure);
}

/** Kept for callers that import it from here; the parser lives with the catalogue (config/env-readers.ts). */
export const positiveInt = readPositiveInt;
