import { parseSecureUrl } from '../common/http-client';
import { type Env, readFlag, readPositiveInt } from '../config/env-readers';
import { DELIVERY_DEFAULTS } from './defaults';
import type { RetryPolicy } from './delivery-policy';
import { DELIVERY_ENV, LOCAL_ENV } from '../config/environment';
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
  const partner = env[DELIVERY_ENV.partnerApiUrl];
  const queue = env[DELIVERY_ENV.deliveryQueueUrl];
  if (!partner && !queue) return undefined;
  if (!partner) throw new Error(`${DELIVERY_ENV.partnerApiUrl} must be set when ${DELIVERY_ENV.deliveryQueueUrl} is`);
  if (!queue) throw new Error(`${DELIVERY_ENV.deliveryQueueUrl} must be set when ${DELIVERY_ENV.partnerApiUrl} is`);
  const deadLetter = env[DELIVERY_ENV.deadLetterQueueUrl];
  if (!deadLetter) throw new Error(`${DELIVERY_ENV.deadLetterQueueUrl} must be set to deliver`);

  const kmsKey = env[DELIVERY_ENV.sealingKeyId];
  const localKey = env[DELIVERY_ENV.localSealingKey];
  if (!kmsKey && !localKey) {
    throw new Error(
      `${DELIVERY_ENV.sealingKeyId} (or ${DELIVERY_ENV.localSealingKey} for local runs) must be set: confidential settings are encrypted in the queue`,
    );
  }
  return {
    partnerApiUrl: parseSecureUrl(partner, DELIVERY_ENV.partnerApiUrl),
    queueUrl: queue,
    deadLetterQueueUrl: deadLetter,
    sqsEndpoint: env[LOCAL_ENV.sqsEndpoint] || undefined,
    claimCheckBucket: env[DELIVERY_ENV.claimCheckBucket] || undefined,
    s3Endpoint: env[LOCAL_ENV.s3Endpoint] || undefined,
    sealing: kmsKey ? { kind: 'kms', keyId: kmsKey } : { kind: 'local', key: localKey as string },
    inlineDeadlineMs: readPositiveInt(env, DELIVERY_ENV.inlineDeadlineMs, DELIVERY_DEFAULTS.inlineDeadlineMs),
    retry: readRetryPolicy(env),
    circuitOpenMs: readPositiveInt(env, DELIVERY_ENV.circuitOpenMs, DELIVERY_DEFAULTS.circuitOpenMs),
    maxMessageBytes: readPositiveInt(env, DELIVERY_ENV.queueMessageMaxBytes, DELIVERY_DEFAULTS.queueMessageMaxBytes),
    suspendOnAuthFailure: readSuspendOnAuthFailure(env),
  };
}

/** Opt-in (`true`): see DELIVERY_DEFAULTS.suspendOnAuthFailure. */
export function readSuspendOnAuthFailure(env: Env): boolean {
  return readFlag(env, DELIVERY_ENV.suspendOnAuthFailure, DELIVERY_DEFAULTS.suspendOnAuthFailure);
}

/** The worker's retry policy from its environment (the construct checks the same reading at synth). */
export function readRetryPolicy(env: Env): RetryPolicy {
  return {
    budgetMs: readPositiveInt(env, DELIVERY_ENV.deliveryBudgetSeconds, DELIVERY_DEFAULTS.deliveryBudgetSeconds) * 1000,
    backoff: {
      baseMs: readPositiveInt(env, DELIVERY_ENV.backoffBaseMs, DELIVERY_DEFAULTS.backoffBaseMs),
      maxMs: readPositiveInt(env, DELIVERY_ENV.backoffMaxMs, DELIVERY_DEFAULTS.backoffMaxMs),
    },
    holdMaxMs: readPositiveInt(env, DELIVERY_ENV.holdMaxMs, DELIVERY_DEFAULTS.holdMaxMs),
    // The construct and the local emulator both set the queue's redrive count to this value.
    maxReceiveCount: DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount,
  };
}
