import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import type { PartnerIntegration } from '../core/partner-integration';
import type { WorkerObserver } from '../observability/metrics';
import { FirehoseInputError } from '../firehose/errors';
import { SettingError } from '../firehose/settings';
import { scrubSecrets } from '../observability/redact';
import { errorMessage, isRetryable, RetryableError } from '../shared/errors';
import { fullJitterDelayMs, type BackoffPolicy } from '../shared/retry';
import type { DeliveryQueue } from './delivery-queue';
import { PartnerRejectedError, PartnerUnavailableError, type PartnerClient } from './partner-client';
import { noPartnerCredential, type PartnerCredential } from './partner-credential';
import { decodeQueuedDelivery } from './queue-message';
import { SealedSecretsUnreadableError, type SecretBox } from './secret-box';

export interface WorkerDependencies {
  readonly integration: PartnerIntegration;
  readonly partner: PartnerClient;
  readonly queue: DeliveryQueue;
  readonly box: SecretBox;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly callDeadlineMs: number;
  readonly logger: Logger;
  readonly random?: () => number;
  readonly observer?: WorkerObserver;
  /** For calls without customer settings (DSR); @default none configured */
  readonly partnerCredential?: PartnerCredential;
}

export type RecordOutcome = 'delivered' | 'parked';

/**
 * Delivers one queued call. Resolves when the message may be deleted: after a 2xx, or after its copy is
 * safely in the dead-letter queue. Throws (so the batch reports this item as failed) when it should come
 * back later, having first set its visibility timeout to the backoff delay or the partner's Retry-After.
 */
export async function deliverRecord(record: SQSRecord, deps: WorkerDependencies): Promise<RecordOutcome> {
  const attempts = Number(record.attributes.ApproximateReceiveCount ?? '1') || 1;
  const started = performance.now();

  let message: ReturnType<typeof decodeQueuedDelivery>;
  try {
    // A claim-check pointer is resolved to the message it stands for (lambda/delivery/claim-check.ts).
    message = decodeQueuedDelivery(await deps.queue.open(record.body));
  } catch (error) {
    if (!(error instanceof FirehoseInputError)) throw error;
    await deps.queue.park(record.body, { reason: `unreadable queue message: ${error.message}`, attempts });
    return 'parked';
  }
  const context = { idempotencyKey: message.idempotencyKey, requestType: message.requestType, path: message.path, attempts };

  let secrets: Record<string, string> = {};
  let headers: Readonly<Record<string, string>>;
  try {
    if (message.sealed) secrets = await deps.box.open(message.sealed);
    headers = await deps.integration.authHeaders({
      secrets,
      requestType: message.requestType,
      partnerCredential: deps.partnerCredential ?? noPartnerCredential,
    });
  } catch (error) {
    if (error instanceof SettingError) return parkWith(record, deps, context, { reason: error.message, attempts });
    // A KMS outage is temporary; a message that does not decrypt never will.
    if (isAuthenticationFailure(error)) return parkWith(record, deps, context, { reason: 'sealed settings do not decrypt', attempts });
    throw new RetryableError('could not open sealed settings', { cause: error });
  }

  try {
    const { status, ms } = await deps.partner.send({ ...message, headers }, deps.callDeadlineMs);
    deps.logger.debug('delivered', { ...context, status, durationMs: Math.round(performance.now() - started) });
    deps.observer?.delivered(status, ms);
    await deps.queue.release(record.body);
    return 'delivered';
  } catch (error) {
    const secretValues = Object.values(secrets);
    if (error instanceof PartnerRejectedError) {
      return parkWith(record, deps, context, {
        reason: `partner answered ${error.status}`,
        status: error.status,
        excerpt: scrubSecrets(error.excerpt, secretValues),
        attempts,
      });
    }
    if (!isRetryable(error)) throw error;
    const status = error instanceof PartnerUnavailableError ? error.status : undefined;
    if (attempts >= deps.maxAttempts) {
      return parkWith(record, deps, context, {
        reason: `gave up after ${attempts} attempts: ${scrubSecrets(errorMessage(error), secretValues)}`,
        status,
        excerpt: error instanceof PartnerUnavailableError ? scrubSecrets(error.excerpt, secretValues) : undefined,
        attempts,
      });
    }
    const retryAfterMs = error instanceof RetryableError ? error.retryAfterMs : undefined;
    const delayMs = retryAfterMs ?? fullJitterDelayMs(attempts, deps.backoff, deps.random);
    await deps.queue.delay(record.receiptHandle, delayMs / 1000);
    deps.observer?.retried(status);
    deps.logger.debug('will retry', { ...context, status, error: errorMessage(error), delayMs, retryAfter: retryAfterMs !== undefined });
    throw error;
  }
}

async function parkWith(
  record: SQSRecord,
  deps: WorkerDependencies,
  context: Record<string, unknown>,
  why: Parameters<DeliveryQueue['park']>[1],
): Promise<RecordOutcome> {
  await deps.queue.park(record.body, why);
  deps.observer?.deadLettered(why.status);
  deps.logger.warn('parked in the dead-letter queue', { ...context, reason: why.reason, status: why.status });
  return 'parked';
}

function isAuthenticationFailure(error: unknown): boolean {
  return error instanceof SealedSecretsUnreadableError;
}
