import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../lambda/common/errors';
import { HttpTransportError } from '../../lambda/common/http-client';
import {
  type AttemptOutcome,
  decide,
  maxReceivesWithin,
  partnerOutcome,
  preparationOutcome,
  type RetryPolicy,
} from '../../lambda/delivery/delivery-policy';
import { PartnerRejectedError, PartnerUnavailableError } from '../../lambda/delivery/errors';
import { FirehoseInputError } from '../../lambda/firehose/errors';

/**
 * The outcomes and decisions field for field (toStrictEqual: what must be absent is absent, so a DLQ attribute
 * or a log field never reads "undefined"). delivery-policy.test.ts holds the decision table by kind; these are
 * the details `npm run mutation` found unasserted there (README, "Mutation testing").
 */

const MINUTE = 60_000;
const policy: RetryPolicy = {
  budgetMs: 60 * MINUTE,
  backoff: { baseMs: 2_000, maxMs: 5 * MINUTE },
  holdMaxMs: 15 * MINUTE,
};
const queuedAt = (ageMs: number, attempts = 1) =>
  ({ path: 'queued', ageMs, attempts, circuit: 'closed', policy, random: () => 0.5 }) as const;

describe('the outcome of a failed partner call carries what the partner said', () => {
  it('a 429 with Retry-After: status, wait and excerpt', () => {
    expect(partnerOutcome(new PartnerUnavailableError(429, 4_000, 'slow down'))).toStrictEqual({
      kind: 'unavailable',
      message: 'partner answered 429',
      excerpt: 'slow down',
      status: 429,
      retryAfterMs: 4_000,
    });
  });

  it('a 503 without Retry-After: no wait at all', () => {
    expect(partnerOutcome(new PartnerUnavailableError(503, undefined, 'busy'))).toStrictEqual({
      kind: 'unavailable',
      message: 'partner answered 503',
      excerpt: 'busy',
      status: 503,
    });
  });

  it('a refusal: its status and excerpt', () => {
    expect(partnerOutcome(new PartnerRejectedError(400, 'bad audience'))).toStrictEqual({
      kind: 'refused',
      status: 400,
      excerpt: 'bad audience',
    });
  });

  it('no answer: the message only', () => {
    expect(partnerOutcome(new HttpTransportError('no answer within 100 ms', 'timeout'))).toStrictEqual({
      kind: 'unavailable',
      message: 'no answer within 100 ms',
    });
  });

  it('an error of ours: not retryable, the error kept', () => {
    const error = new Error('a bug');
    expect(partnerOutcome(error)).toStrictEqual({ kind: 'error', message: 'a bug', error, retryable: false });
  });
});

describe('the outcome of a failure before any call', () => {
  it('an unreadable message is parked with what was wrong', () => {
    expect(preparationOutcome(new FirehoseInputError('call.path', 'is required'))).toStrictEqual({
      kind: 'unusable',
      reason: 'unreadable queue message: call.path: is required',
      // It can never be read: redrive reports it instead of moving it to be parked again.
      unopenable: true,
    });
  });

  it('a retryable failure of ours stays retryable, an unknown one does not', () => {
    const later = new RetryableError('secret not readable yet');
    const unknown = new Error('KMS said no');
    expect(preparationOutcome(later)).toStrictEqual({
      kind: 'error',
      message: 'secret not readable yet',
      error: later,
      retryable: true,
    });
    expect(preparationOutcome(unknown)).toMatchObject({ kind: 'error', retryable: false });
  });
});

describe('decisions name only what is known', () => {
  const noAnswer: AttemptOutcome = { kind: 'unavailable', message: 'no answer within 10000 ms' };

  it('a retry after no answer has no status', () => {
    expect(decide(noAnswer, queuedAt(0))).toStrictEqual({
      kind: 'retry',
      delayMs: 1_000,
      reason: 'no answer within 10000 ms',
    });
  });

  it('a message parked past its budget after no answer has neither status nor excerpt', () => {
    expect(decide(noAnswer, queuedAt(60 * MINUTE, 12))).toStrictEqual({
      kind: 'park',
      reason: 'outlived its delivery budget of 3600 s (received 12 times): no answer within 10000 ms',
    });
  });

  it('a retry of our own error never waits for a Retry-After it did not get', () => {
    const ours: AttemptOutcome = { kind: 'error', message: 'KMS throttled', error: new Error('x'), retryable: false };
    expect(decide(ours, queuedAt(0))).toStrictEqual({ kind: 'retry', delayMs: 1_000, reason: 'KMS throttled' });
  });
});

describe('the receive count a message can reach', () => {
  it('is exact for a short budget: 1 s waits at first, then a fifth of the age', () => {
    // 10 s of budget: receives at 0, 1, 2, 3, 4, 5, 6 s (waits of 1 s while a fifth of the age is under 1 s),
    // 7.2, 8.64 (waits of a fifth), then one more at the budget's end (10 s): 10 receives.
    expect(maxReceivesWithin({ ...policy, budgetMs: 10_000 })).toBe(10);
    expect(maxReceivesWithin({ ...policy, budgetMs: 1_000 })).toBe(2);
  });
});
