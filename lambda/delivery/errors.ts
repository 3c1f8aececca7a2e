import { KitError } from '../common/errors';
import { DELIVERY_ENV } from '../config/environment';
import { FirehoseInputError } from '../firehose/errors';

/**
 * Every error of the delivery folder, in one place, under `DeliveryError`. Each fixes `retryable` in its type:
 * whether trying again can help, which the delivery policy (delivery-policy.ts) decides by. Two exceptions on
 * purpose: a claim-check object that is gone is an input error (parked with its field path), and one already
 * delivered is no failure at all.
 */
export abstract class DeliveryError extends KitError {}

/** The partner refused for good (4xx other than 408/429): retrying the same body cannot help. */
export class PartnerRejectedError extends DeliveryError {
  readonly retryable = false as const;
  constructor(
    override readonly status: number,
    readonly excerpt: string,
  ) {
    super(`partner answered ${status}`, { status });
    this.name = 'PartnerRejectedError';
  }
}

/** The partner was unavailable (408, 429, 5xx): worth retrying, after `retryAfterMs` if it said so. */
export class PartnerUnavailableError extends DeliveryError {
  readonly retryable = true as const;
  constructor(
    status: number,
    retryAfterMs: number | undefined,
    readonly excerpt: string,
  ) {
    super(`partner answered ${status}`, { status, retryAfterMs });
    this.name = 'PartnerUnavailableError';
  }
}

/**
 * The credential could not be had: not configured, or its secret unreadable. Retryable: a deployment or
 * Secrets Manager fix heals it, and the queued call is then delivered without a redrive.
 */
export class PartnerCredentialUnavailableError extends DeliveryError {
  readonly retryable = true as const;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'PartnerCredentialUnavailableError';
  }
}

/** SQS did not take or give a message as asked: trying again later can help. */
export class QueueUnavailableError extends DeliveryError {
  readonly retryable = true as const;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'QueueUnavailableError';
  }
}

/** The object a pointer names is gone (expired, or deleted by hand): it never comes back. */
export class ClaimCheckMissingError extends FirehoseInputError {
  constructor(cause?: unknown) {
    super('claimCheck', 'the claim-check object is gone (expired, or deleted by hand)', { cause });
  }
}

/**
 * The object a pointer names was replaced by a marker: its delivery is done (delivered, or parked with a
 * copy). The pointer is a duplicate and is acknowledged. Not an input error: nothing is wrong with it.
 */
export class ClaimCheckDoneError extends Error {
  override readonly name = 'ClaimCheckDoneError';
  constructor(readonly how: string) {
    super(`the claim-check object is marked ${how}`);
  }
}

/** S3 did not answer as it should: trying again later can help. */
export class ClaimCheckUnavailableError extends DeliveryError {
  readonly retryable = true as const;
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ClaimCheckUnavailableError';
  }
}

/** A message outgrew SQS and no bucket is configured: a deployment error, not a data error. */
export class ClaimCheckNotConfiguredError extends DeliveryError {
  readonly retryable = false as const;
  constructor(bytes: number, envName: string) {
    super(`a queue message of ${bytes} bytes needs the claim-check bucket (${envName} is not set)`);
    this.name = 'ClaimCheckNotConfiguredError';
  }
}

/**
 * Sealed secrets that can never be opened: the ciphertext or its data key was altered (or sealed under
 * another key). Permanent, so the message is parked with this reason instead of being retried.
 */
export class SealedSecretsUnreadableError extends DeliveryError {
  readonly retryable = false as const;
  constructor(cause?: unknown) {
    super('sealed settings do not decrypt', { cause });
    this.name = 'SealedSecretsUnreadableError';
  }
}

/** Data arrived where nothing would deliver it: the invocation fails instead of answering success. */
export class DeliveryNotConfiguredError extends DeliveryError {
  readonly retryable = false as const;
  constructor() {
    super(
      `${DELIVERY_ENV.partnerApiUrl} is not set: refusing to accept data that would not be delivered ` +
        '(deploy with -c partnerApiUrl=… or -c dryRun=true)',
    );
    this.name = 'DeliveryNotConfiguredError';
  }
}

/** A message deferred to a later receive (retry or hold): its visibility timeout is already set. Tells the batch it failed. */
export class DeliveryDeferredError extends DeliveryError {
  readonly retryable = true as const;
  constructor(
    readonly decision: 'retry' | 'hold',
    readonly delayMs: number,
    reason: string,
  ) {
    const what = decision === 'hold' ? 'held' : 'will retry';
    super(`${what} in ${Math.round(delayMs / 1000)} s: ${reason}`, { retryAfterMs: delayMs });
    this.name = 'DeliveryDeferredError';
  }
}
