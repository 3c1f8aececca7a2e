import { describe, expect, it } from 'vitest';
import { isRetryable, KitError, PermanentError, RetryableError } from '../../lambda/common/errors';
import { HttpTransportError } from '../../lambda/common/http-client';
import { partnerOutcome, preparationOutcome } from '../../lambda/delivery/delivery-policy';
import {
  ClaimCheckNotConfiguredError,
  ClaimCheckUnavailableError,
  DeliveryDeferredError,
  DeliveryError,
  DeliveryNotConfiguredError,
  PartnerCredentialUnavailableError,
  PartnerRejectedError,
  PartnerUnavailableError,
  QueueUnavailableError,
  SealedSecretsUnreadableError,
} from '../../lambda/delivery/errors';
import { HttpError, HttpProblem, TokenConfigError, TokenSourceUnavailableError } from '../../lambda/http/errors';
import { DELIVERY_ENV } from '../../lambda/config/environment';

/** One base per folder, and whether to retry in each error's type: the table the delivery policy relies on. */
describe('error bases', () => {
  const cases: readonly [string, KitError, boolean][] = [
    ['partner refused', new PartnerRejectedError(400, ''), false],
    ['partner unavailable', new PartnerUnavailableError(503, 2_000, ''), true],
    ['partner credential unavailable', new PartnerCredentialUnavailableError('no secret'), true],
    ['queue unavailable', new QueueUnavailableError('SQS down'), true],
    ['claim-check store unavailable', new ClaimCheckUnavailableError('S3 down', undefined), true],
    [
      'claim-check bucket not configured',
      new ClaimCheckNotConfiguredError(2_000_000, DELIVERY_ENV.claimCheckBucket),
      false,
    ],
    ['sealed settings unreadable', new SealedSecretsUnreadableError(), false],
    ['delivery not configured', new DeliveryNotConfiguredError(), false],
    ['deferred to a later receive', new DeliveryDeferredError('hold', 60_000, 'circuit open'), true],
  ];

  it.each(cases)('%s: a DeliveryError and a KitError, retryable %s as its type says', (_, error, retryable) => {
    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toBeInstanceOf(KitError);
    expect(error.retryable).toBe(retryable);
    expect(isRetryable(error)).toBe(retryable);
    expect(error.name).toBe(error.constructor.name);
  });

  it('keeps the HTTP variant under HttpError, and the shared bases and plain errors as before', () => {
    // Assess
    for (const error of [
      new HttpProblem(404, 'unknown path'),
      new TokenConfigError('empty'),
      new TokenSourceUnavailableError('x'),
    ]) {
      expect(error).toBeInstanceOf(HttpError);
    }
    expect(isRetryable(new TokenSourceUnavailableError('secret unreadable'))).toBe(true);
    expect(isRetryable(new TokenConfigError('empty'))).toBe(false);
    expect(new HttpProblem(413, 'too large').status).toBe(413);
    expect(isRetryable(new RetryableError('x'))).toBe(true);
    expect(isRetryable(new HttpTransportError('reset', 'network'))).toBe(true);
    expect(isRetryable(new PermanentError('x'))).toBe(false);
    expect(isRetryable(new Error('a bug'))).toBe(false);
  });

  it('lets the delivery policy decide by the type: a retryable failure of ours is unavailable, a permanent one is not', () => {
    // Act
    const queue = partnerOutcome(new QueueUnavailableError('SQS down'));
    const unconfigured = partnerOutcome(new DeliveryNotConfiguredError());
    const credential = preparationOutcome(new PartnerCredentialUnavailableError('no secret'));
    const notConfigured = preparationOutcome(
      new ClaimCheckNotConfiguredError(2_000_000, DELIVERY_ENV.claimCheckBucket),
    );
    // Assess
    expect(queue.kind).toBe('unavailable');
    expect(unconfigured).toMatchObject({ kind: 'error', retryable: false });
    expect(credential).toMatchObject({ kind: 'error', retryable: true });
    expect(notConfigured).toMatchObject({ kind: 'error', retryable: false });
  });
});
