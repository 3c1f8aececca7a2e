import { describe, expect, it } from 'vitest';
import { FirehoseInputError } from '../../lambda/firehose/errors';
import { SettingError } from '../../lambda/firehose/settings';
import { DELIVERY_DEFAULTS } from '../../lambda/delivery/defaults';
import {
  decide,
  maxReceivesWithin,
  partnerOutcome,
  preparationOutcome,
  type AttemptOutcome,
  type Decision,
  type RetryPolicy,
  type Situation,
} from '../../lambda/delivery/delivery-policy';
import { RetryableError } from '../../lambda/common/errors';
import { HttpTransportError } from '../../lambda/common/http-client';
import {
  PartnerRejectedError,
  PartnerUnavailableError,
  SealedSecretsUnreadableError,
} from '../../lambda/delivery/errors';
import { DELIVERY_INFRASTRUCTURE } from '../../lambda/delivery/infrastructure';

/** The one delivery-outcome policy, as a table: outcome × situation → decision. No emulator, no clock. */

const MINUTE = 60_000;
const policy: RetryPolicy = {
  budgetMs: 60 * MINUTE,
  backoff: { baseMs: 2_000, maxMs: 5 * MINUTE },
  holdMaxMs: 15 * MINUTE,
};
const inline: Situation = { path: 'inline' };
/** A queued message of this age; `random` at its maximum, so backoff sits at its ceiling. */
const queued = (
  ageMs: number,
  circuit: 'closed' | 'open' = 'closed',
  attempts = 1,
  budgetMs = policy.budgetMs,
): Situation => ({
  path: 'queued',
  ageMs,
  attempts,
  circuit,
  policy: { ...policy, budgetMs },
  random: () => 0.999_999,
});

const delivered: AttemptOutcome = { kind: 'delivered', status: 202, ms: 12 };
const refused: AttemptOutcome = { kind: 'refused', status: 400, excerpt: '{"error":"bad audience"}' };
const down: AttemptOutcome = { kind: 'unavailable', message: 'partner answered 503', status: 503, excerpt: 'busy' };
const throttled: AttemptOutcome = {
  kind: 'unavailable',
  message: 'partner answered 429',
  status: 429,
  retryAfterMs: 4 * MINUTE,
  excerpt: '',
};
const notTried: AttemptOutcome = { kind: 'not-tried' };
const paced: AttemptOutcome = { kind: 'slowed', reason: 'partner rate limit', waitMs: 7_000 };
const slowed429: AttemptOutcome = {
  kind: 'slowed',
  reason: 'partner answered 429',
  status: 429,
  waitMs: 2_000,
  excerpt: 'slow down',
};
const unusable: AttemptOutcome = { kind: 'unusable', reason: 'account setting "apiKey" is required but missing' };
const kmsDown: AttemptOutcome = {
  kind: 'error',
  message: 'KMS throttled',
  error: new Error('KMS throttled'),
  retryable: false,
};
const secretLater: AttemptOutcome = {
  kind: 'error',
  message: 'secret unreadable',
  error: new Error('secret unreadable'),
  retryable: true,
};

describe('decide', () => {
  it.each<[string, AttemptOutcome, Situation, Decision]>([
    // In-line (ingress): deliver, spill what may work later, park what never will, fail what it cannot place.
    ['in-line 2xx', delivered, inline, { kind: 'delivered', status: 202 }],
    [
      'in-line 400',
      refused,
      inline,
      { kind: 'park', reason: 'partner answered 400', status: 400, excerpt: '{"error":"bad audience"}' },
    ],
    ['in-line 503', down, inline, { kind: 'spill', reason: 'partner answered 503' }],
    ['in-line, circuit open', notTried, inline, { kind: 'spill', reason: 'circuit open' }],
    [
      'in-line, bad setting',
      unusable,
      inline,
      { kind: 'park', reason: 'account setting "apiKey" is required but missing' },
    ],
    [
      'in-line, our own unknown error',
      kmsDown,
      inline,
      { kind: 'fail', error: kmsDown.kind === 'error' ? kmsDown.error : undefined },
    ],
    ['in-line, our own retryable error', secretLater, inline, { kind: 'spill', reason: 'secret unreadable' }],
    // Queued (worker), within the budget.
    ['queued 2xx', delivered, queued(MINUTE), { kind: 'delivered', status: 202 }],
    [
      'queued 400',
      refused,
      queued(MINUTE),
      { kind: 'park', reason: 'partner answered 400', status: 400, excerpt: '{"error":"bad audience"}' },
    ],
    [
      'queued, bad setting',
      unusable,
      queued(MINUTE),
      { kind: 'park', reason: 'account setting "apiKey" is required but missing' },
    ],
    // First failure of a young message: full-jitter backoff (ceiling 2 s), never under 1 s.
    [
      'queued 503, first try',
      down,
      queued(0),
      { kind: 'retry', delayMs: 1_999, reason: 'partner answered 503', status: 503 },
    ],
    // Many receives: the backoff ceiling is the cap, 5 min.
    [
      'queued 503, 30th receive',
      down,
      queued(MINUTE, 'closed', 30),
      { kind: 'retry', delayMs: 5 * MINUTE - 1, reason: 'partner answered 503', status: 503 },
    ],
    // The partner's Retry-After is honoured.
    [
      'queued 429 with Retry-After',
      throttled,
      queued(0),
      { kind: 'retry', delayMs: 4 * MINUTE, reason: 'partner answered 429', status: 429 },
    ],
    // Circuit open after this failure: the pace (a fifth of the age), not the backoff.
    [
      'queued 503, circuit now open',
      down,
      queued(10 * MINUTE, 'open', 30),
      { kind: 'retry', delayMs: 2 * MINUTE, reason: 'partner answered 503', status: 503 },
    ],
    ['held: circuit open, young', notTried, queued(2_000, 'open'), { kind: 'hold', delayMs: 1_000 }],
    ['held: circuit open, 6 minutes old', notTried, queued(6 * MINUTE, 'open'), { kind: 'hold', delayMs: 72_000 }],
    [
      'held: circuit open, 2 hours old (capped)',
      notTried,
      queued(120 * MINUTE, 'open', 1, 24 * 60 * MINUTE),
      { kind: 'hold', delayMs: 15 * MINUTE },
    ],
    // Never past the budget's end: 59 min old, 1 min left.
    ['held near the end of the budget', notTried, queued(59 * MINUTE, 'open'), { kind: 'hold', delayMs: MINUTE }],
    // Slowed by the rate limit (PARTNER_MAX_RPS): held, not retried, for the limiter's wait or the pace.
    ['in-line, slowed', slowed429, inline, { kind: 'spill', reason: 'partner answered 429' }],
    [
      'held: the next rate-limit slot is 7 s away',
      paced,
      queued(0, 'closed', 30),
      { kind: 'hold', delayMs: 7_000, reason: 'partner rate limit' },
    ],
    [
      'held: 429 with Retry-After 2 s under a limiter',
      slowed429,
      queued(0, 'closed', 30),
      { kind: 'hold', delayMs: 2_000, reason: 'partner answered 429' },
    ],
    [
      'held: 429 on an old message waits the pace',
      slowed429,
      queued(10 * MINUTE),
      { kind: 'hold', delayMs: 2 * MINUTE, reason: 'partner answered 429' },
    ],
    [
      'slowed past the budget',
      slowed429,
      queued(60 * MINUTE, 'closed', 9),
      {
        kind: 'park',
        reason: 'outlived its delivery budget of 3600 s (received 9 times): partner answered 429',
        status: 429,
        excerpt: 'slow down',
      },
    ],
    ['our own error (KMS) is retried', kmsDown, queued(0), { kind: 'retry', delayMs: 1_999, reason: 'KMS throttled' }],
    // Past the budget: parked with the reason, the last answer and the count.
    [
      '503 past the budget',
      down,
      queued(60 * MINUTE, 'closed', 42),
      {
        kind: 'park',
        reason: 'outlived its delivery budget of 3600 s (received 42 times): partner answered 503',
        status: 503,
        excerpt: 'busy',
      },
    ],
    [
      'held past the budget',
      notTried,
      queued(61 * MINUTE, 'open', 7),
      {
        kind: 'park',
        reason: 'outlived its delivery budget of 3600 s (received 7 times): the partner was down (circuit open)',
      },
    ],
    ['2xx past the budget is still delivered', delivered, queued(90 * MINUTE), { kind: 'delivered', status: 202 }],
  ])('%s', (_name, outcome, situation, expected) => {
    // Act
    const decision = decide(outcome, situation);
    // Assess
    expect(decision).toEqual(expected);
  });
});

describe('outcomes come from error types, never from message text', () => {
  it.each<[string, unknown, AttemptOutcome['kind']]>([
    ['a 4xx refusal', new PartnerRejectedError(401, 'no'), 'refused'],
    ['a 503', new PartnerUnavailableError(503, 2_000, ''), 'unavailable'],
    ['a timeout', new HttpTransportError('partner did not answer within 100 ms', 'timeout'), 'unavailable'],
    ['a plain error, even one saying "503"', new Error('partner answered 503'), 'error'],
  ])('partner call: %s', (_name, error, kind) => {
    expect(partnerOutcome(error).kind).toBe(kind);
  });

  it.each<[string, unknown, AttemptOutcome['kind']]>([
    ['an unreadable message', new FirehoseInputError('v', 'is required'), 'unusable'],
    ['a bad setting', new SettingError('apiKey', 'is required but missing'), 'unusable'],
    [
      'sealed settings that do not open',
      new SealedSecretsUnreadableError(new Error('Unsupported state or unable to authenticate data')),
      'unusable',
    ],
    ['a KMS outage', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), 'error'],
    ['a retryable failure of our own', new RetryableError('secret not readable yet'), 'error'],
    [
      'an error merely saying "unable to authenticate data"',
      new Error('Unsupported state or unable to authenticate data'),
      'error',
    ],
  ])('preparation: %s', (_name, error, kind) => {
    expect(preparationOutcome(error).kind).toBe(kind);
  });
});

describe('the receive count a message can reach', () => {
  it('stays well under the queue redrive count within the default budget, so only a crashing worker meets it', () => {
    // Prepare: the defaults the stack and `npm start` run with.
    const defaults: RetryPolicy = {
      budgetMs: DELIVERY_DEFAULTS.deliveryBudgetSeconds * 1000,
      backoff: { baseMs: DELIVERY_DEFAULTS.backoffBaseMs, maxMs: DELIVERY_DEFAULTS.backoffMaxMs },
      holdMaxMs: DELIVERY_DEFAULTS.holdMaxMs,
    };
    // Act
    const receives = maxReceivesWithin(defaults);
    // Assess: ≥ 30 % headroom for receives outside the policy (a timed-out batch, a throttled invoke).
    expect(receives).toBeGreaterThan(100);
    expect(receives).toBeLessThan(DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount * 0.7);
    expect(DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount).toBeLessThanOrEqual(1_000);
  });

  it('matches a simulation of the worker deciding at every receive while the partner is down', () => {
    // Prepare: a message failing at every receive, jitter at zero (the shortest waits).
    let ageMs = 0;
    let receives = 0;
    let decision: Decision;
    // Act
    do {
      receives++;
      decision = decide(down, {
        path: 'queued',
        ageMs,
        attempts: receives,
        circuit: receives % 2 ? 'open' : 'closed',
        policy,
        random: () => 0,
      });
      if (decision.kind === 'retry') ageMs += decision.delayMs;
    } while (decision.kind === 'retry');
    // Assess
    expect(decision.kind).toBe('park');
    expect(receives).toBeLessThanOrEqual(maxReceivesWithin(policy));
    expect(ageMs).toBe(policy.budgetMs);
  });

  it("parks a message one receive short of the queue's redrive count, with its reason, whatever its age", () => {
    const at = (attempts: number): Situation => ({
      path: 'queued',
      ageMs: MINUTE,
      attempts,
      circuit: 'open',
      policy: { ...policy, maxReceiveCount: 1_000 },
    });
    expect(decide(down, at(998)).kind).toBe('retry');
    expect(decide({ kind: 'not-tried' }, at(998)).kind).toBe('hold');
    expect(decide(down, at(999))).toEqual({
      kind: 'park',
      reason: "received 999 times, one short of the delivery queue's redrive count (1000): partner answered 503",
      status: 503,
      excerpt: 'busy',
    });
    expect(decide({ kind: 'not-tried' }, at(1_000))).toMatchObject({ kind: 'park' });
    expect(decide(delivered, at(1_000))).toEqual({ kind: 'delivered', status: 202 });
  });

  it('keeps the budget inside the queue retention', () => {
    expect(DELIVERY_DEFAULTS.deliveryBudgetSeconds + DELIVERY_DEFAULTS.holdMaxMs / 1000).toBeLessThan(
      DELIVERY_INFRASTRUCTURE.queueRetentionDays * 86_400,
    );
  });
});
