import { FirehoseInputError } from '../firehose/errors';
import { SettingError } from '../firehose/settings';
import { errorMessage, isRetryable } from '../common/errors';
import { fullJitterDelayMs, type BackoffPolicy } from '../common/retry';
import { PartnerRejectedError, PartnerUnavailableError, SealedSecretsUnreadableError } from './errors';

/**
 * The one delivery-outcome policy, for the ingress (in-line calls) and the worker (queued calls): what to
 * do after an attempt. Pure: no I/O, no clock, randomness injected, so the whole table is unit-tested.
 */

/** What one attempt to deliver came to. */
export type AttemptOutcome =
  | { readonly kind: 'delivered'; readonly status: number; readonly ms: number }
  /** The partner refused for good (4xx other than 408/429). */
  | { readonly kind: 'refused'; readonly status: number; readonly excerpt: string }
  /** The partner did not answer usefully (timeout, connection error, 408, 429, 5xx). */
  | {
      readonly kind: 'unavailable';
      readonly message: string;
      readonly status?: number;
      readonly retryAfterMs?: number;
      readonly excerpt?: string;
    }
  /** Not tried: the circuit is open (the partner is down). */
  | { readonly kind: 'not-tried' }
  /**
   * Slowed down by the partner rate limit (PARTNER_MAX_RPS): not tried because the next slot is `waitMs`
   * away, or tried and answered 429 (`status`). Not a failure: the message is held, as for an open circuit.
   */
  | {
      readonly kind: 'slowed';
      readonly reason: string;
      readonly waitMs: number;
      readonly status?: number;
      readonly excerpt?: string;
    }
  /**
   * The message or its settings can never make a call: unreadable, a bad setting, sealed settings that do
   * not open. `unopenable`: the message itself cannot be read or opened, so a redrive cannot help it.
   */
  | { readonly kind: 'unusable'; readonly reason: string; readonly unopenable?: true }
  /**
   * Anything else, on our side: says nothing about the partner. `retryable` when its type says trying again
   * can help (e.g. a secret that could not be read just now), false for the unknown (a KMS SDK error, a bug).
   */
  | { readonly kind: 'error'; readonly message: string; readonly error: unknown; readonly retryable: boolean };

/** How long the worker keeps trying and how it spaces its tries. */
export interface RetryPolicy {
  /** From the message's first enqueue; past it, a message that still cannot be delivered is parked. */
  readonly budgetMs: number;
  /** Exponential backoff with full jitter after a failed try while the partner seems up. */
  readonly backoff: BackoffPolicy;
  /** Longest wait between two receives of one message, whatever its age. */
  readonly holdMaxMs: number;
  /**
   * The delivery queue's redrive count: a message received one time short of it is parked with its reason,
   * before SQS moves it to the dead-letter queue without one. @default none (only the budget parks)
   */
  readonly maxReceiveCount?: number;
}

export type Situation =
  | { readonly path: 'inline' }
  | {
      readonly path: 'queued';
      /** Since the message's first enqueue (SQS SentTimestamp). */
      readonly ageMs: number;
      /** Receives so far, this one included (SQS ApproximateReceiveCount). */
      readonly attempts: number;
      /** The worker's breaker after this attempt's outcome was recorded. */
      readonly circuit: 'closed' | 'open';
      readonly policy: RetryPolicy;
      readonly random?: () => number;
    };

export type Decision =
  | { readonly kind: 'delivered'; readonly status: number }
  /** In-line only: put the exact call on the queue and answer success. */
  | { readonly kind: 'spill'; readonly reason: string }
  /** Queued only: tried and failed; hide the message for `delayMs`. */
  | { readonly kind: 'retry'; readonly delayMs: number; readonly reason: string; readonly status?: number }
  /** Queued only: not tried (circuit open) or slowed (rate limit, 429); hide the message for `delayMs`. */
  | { readonly kind: 'hold'; readonly delayMs: number; readonly reason?: string }
  | {
      readonly kind: 'park';
      readonly reason: string;
      readonly status?: number;
      readonly excerpt?: string;
      readonly unopenable?: true;
    }
  /** In-line only: neither delivered nor safe to queue as is; the invocation must fail. */
  | { readonly kind: 'fail'; readonly error: unknown };

/** SQS visibility timeouts are whole seconds: shorter waits would come straight back. */
export const MIN_DELAY_MS = 1_000;
/** SQS refuses a visibility timeout above 12 hours. */
export const MAX_DELAY_MS = 12 * 3_600_000;
/** A message waits at least 1/PACE_DIVISOR of its age between receives (see `paceMs`). */
export const PACE_DIVISOR = 5;

/**
 * The least wait before a message is received again: a fifth of its age, between 1 s and `holdMaxMs`.
 * Young messages come back fast (deliveries resume soon after a short outage heals); old ones slowly, so
 * receives over the whole budget stay bounded (`maxReceivesWithin`) under the queue's redrive count.
 */
export function paceMs(ageMs: number, policy: RetryPolicy): number {
  return Math.max(MIN_DELAY_MS, Math.min(policy.holdMaxMs, Math.floor(ageMs / PACE_DIVISOR)));
}

export function decide(outcome: AttemptOutcome, at: Situation): Decision {
  if (outcome.kind === 'delivered') return { kind: 'delivered', status: outcome.status };
  if (outcome.kind === 'refused') {
    const { status, excerpt } = outcome;
    return { kind: 'park', reason: `partner answered ${status}`, status, excerpt };
  }
  if (outcome.kind === 'unusable')
    return { kind: 'park', reason: outcome.reason, ...(outcome.unopenable ? { unopenable: true } : {}) };

  if (at.path === 'inline') {
    if (outcome.kind === 'not-tried') return { kind: 'spill', reason: 'circuit open' };
    if (outcome.kind === 'slowed') return { kind: 'spill', reason: outcome.reason };
    if (outcome.kind === 'unavailable') return { kind: 'spill', reason: outcome.message };
    // The worker tries a retryable failure again later; an unknown one fails the call, so mParticle retries.
    return outcome.retryable ? { kind: 'spill', reason: outcome.message } : { kind: 'fail', error: outcome.error };
  }

  const { ageMs, policy } = at;
  const status = outcome.kind === 'unavailable' || outcome.kind === 'slowed' ? outcome.status : undefined;
  const nearRedriveCount = policy.maxReceiveCount !== undefined && at.attempts >= policy.maxReceiveCount - 1;
  if (ageMs >= policy.budgetMs || nearRedriveCount) {
    const last =
      outcome.kind === 'not-tried'
        ? 'the partner was down (circuit open)'
        : outcome.kind === 'slowed'
          ? outcome.reason
          : outcome.message;
    const excerpt = outcome.kind === 'unavailable' || outcome.kind === 'slowed' ? outcome.excerpt : undefined;
    const why =
      ageMs >= policy.budgetMs
        ? `outlived its delivery budget of ${Math.round(policy.budgetMs / 1000)} s (received ${at.attempts} times)`
        : `received ${at.attempts} times, one short of the delivery queue's redrive count (${policy.maxReceiveCount})`;
    return {
      kind: 'park',
      reason: `${why}: ${last}`,
      ...(status === undefined ? {} : { status }),
      ...(excerpt === undefined ? {} : { excerpt }),
    };
  }
  // Never past the budget's end: the message is then received once more and parked on time.
  const withinBudget = (ms: number): number =>
    Math.max(MIN_DELAY_MS, Math.min(ms, MAX_DELAY_MS, policy.budgetMs - ageMs));
  const pace = paceMs(ageMs, policy);
  if (outcome.kind === 'not-tried') return { kind: 'hold', delayMs: withinBudget(pace) };
  // No backoff: a hold is not a failure; the limiter's wait (or the partner's Retry-After) sets the pace.
  if (outcome.kind === 'slowed')
    return { kind: 'hold', delayMs: withinBudget(Math.max(pace, outcome.waitMs)), reason: outcome.reason };
  const asked = outcome.kind === 'unavailable' ? outcome.retryAfterMs : undefined;
  // While the circuit is open the breaker paces the partner; backoff is for a partner that seems up.
  const backoff = at.circuit === 'open' ? 0 : fullJitterDelayMs(at.attempts, policy.backoff, at.random);
  const delayMs = withinBudget(Math.max(pace, asked ?? backoff));
  return { kind: 'retry', delayMs, reason: outcome.message, ...(status === undefined ? {} : { status }) };
}

/** The outcome of a failed partner call, from the error's type. */
export function partnerOutcome(error: unknown): AttemptOutcome {
  if (error instanceof PartnerRejectedError) return { kind: 'refused', status: error.status, excerpt: error.excerpt };
  if (error instanceof PartnerUnavailableError) {
    const retryAfter = error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs };
    const status = error.status === undefined ? {} : { status: error.status };
    return { kind: 'unavailable', message: error.message, excerpt: error.excerpt, ...status, ...retryAfter };
  }
  if (isRetryable(error)) return { kind: 'unavailable', message: errorMessage(error) };
  return { kind: 'error', message: errorMessage(error), error, retryable: false };
}

/** The outcome of a failure before any call: reading the message, opening its settings, making headers. */
export function preparationOutcome(error: unknown): AttemptOutcome {
  if (error instanceof FirehoseInputError) {
    return { kind: 'unusable', reason: `unreadable queue message: ${error.message}`, unopenable: true };
  }
  if (error instanceof SealedSecretsUnreadableError)
    return { kind: 'unusable', reason: error.message, unopenable: true };
  // A bad setting is not "unopenable": a fix on our side (an integration that reads it differently) can help.
  if (error instanceof SettingError) return { kind: 'unusable', reason: error.message };
  return { kind: 'error', message: errorMessage(error), error, retryable: isRetryable(error) };
}

/**
 * The most receives one message can get within the budget when every try fails: each wait is at least
 * `paceMs` of its age (backoff and Retry-After only lengthen it). Crashes of the worker aside, this is
 * what the queue's redrive `maxReceiveCount` must stay above.
 */
export function maxReceivesWithin(policy: RetryPolicy): number {
  let ageMs = 0;
  let receives = 1;
  while (ageMs < policy.budgetMs) {
    ageMs += Math.max(MIN_DELAY_MS, Math.min(paceMs(ageMs, policy), MAX_DELAY_MS, policy.budgetMs - ageMs));
    receives++;
  }
  return receives;
}
