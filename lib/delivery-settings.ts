import { Duration } from 'aws-cdk-lib';
import type { SqsEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { DELIVERY_DEFAULTS } from '../lambda/delivery/defaults';
import { readRetryPolicy } from '../lambda/delivery/delivery-config';
import { maxReceivesWithin, type RetryPolicy } from '../lambda/delivery/delivery-policy';
import { ConstructPropsError } from './errors';
import { mergeDefined } from './merge-props';
import { DELIVERY_ENV } from '../lambda/config/environment';
import { DELIVERY_INFRASTRUCTURE } from '../lambda/delivery/infrastructure';
import { readPositiveInt } from '../lambda/config/env-readers';
import { FUNCTION_DEFAULTS } from './function-defaults';

/**
 * Merging the user's queue and event-source props over the kit's defaults, and the rules that tie the queues
 * to the worker (AWS Solutions Constructs style: a conflict fails the synth with the prop's path).
 */

/** The worker's timeout: the user's when given, so the queue's default visibility timeout follows it. */
export function workerTimeout(overrides: Partial<NodejsFunctionProps> | undefined): Duration {
  return overrides?.timeout ?? FUNCTION_DEFAULTS.workerTimeout;
}

/** A queue's props: the user's over the kit's; the redrive wiring and standard (non-FIFO) type are the kit's. */
export function mergeQueueProps(
  propsName: string,
  defaults: sqs.QueueProps,
  overrides: Partial<sqs.QueueProps> | undefined,
): sqs.QueueProps {
  if (overrides?.deadLetterQueue !== undefined) {
    throw new ConstructPropsError(
      `${propsName}.deadLetterQueue`,
      'is wired by the kit (the worker parks in its own dead-letter queue); use deadLetterQueueProps',
    );
  }
  if (overrides?.fifo === true) {
    throw new ConstructPropsError(
      `${propsName}.fifo`,
      'is not supported: the worker delays retries per message, which a FIFO queue would block behind',
    );
  }
  return mergeDefined(defaults, overrides);
}

/** The worker's event source: the user's props over the kit's; partial batch responses stay on. */
export function mergeEventSourceProps(
  defaults: SqsEventSourceProps,
  overrides: Partial<SqsEventSourceProps> | undefined,
): SqsEventSourceProps {
  if (overrides?.reportBatchItemFailures === false) {
    throw new ConstructPropsError(
      'workerEventSourceProps.reportBatchItemFailures',
      'must stay true: the worker reports which messages failed, and retries only those',
    );
  }
  return mergeDefined(defaults, overrides);
}

export interface DeliverySettings {
  readonly workerTimeout: Duration;
  readonly deliveryQueue: sqs.QueueProps;
  readonly deadLetterQueue: sqs.QueueProps;
  /** The worker's extra environment (`workerFunctionProps.environment`): it may change the delivery budget. */
  readonly workerEnvironment: Readonly<Record<string, string>>;
}

/** Refuses queue settings that would lose or duplicate deliveries for the worker as configured. */
export function checkDeliverySettings(settings: DeliverySettings): void {
  const timeoutSeconds = settings.workerTimeout.toSeconds();
  // The worker delivers a batch's records in parallel, each call bounded by this deadline.
  const callDeadlineSeconds = DELIVERY_DEFAULTS.workerCallDeadlineMs / 1000;
  if (timeoutSeconds <= callDeadlineSeconds) {
    throw new ConstructPropsError(
      'workerFunctionProps.timeout',
      `(${timeoutSeconds} s) must exceed the worker's partner-call deadline (${callDeadlineSeconds} s), or Lambda stops the worker mid-call`,
    );
  }
  const visibilitySeconds = settings.deliveryQueue.visibilityTimeout?.toSeconds() ?? 30;
  // AWS guidance for Lambda event sources: at least six times the function timeout.
  if (visibilitySeconds < 6 * timeoutSeconds) {
    throw new ConstructPropsError(
      'deliveryQueueProps.visibilityTimeout',
      `(${visibilitySeconds} s) must be at least 6 × the worker's timeout (6 × ${timeoutSeconds} s = ${6 * timeoutSeconds} s), or a throttled batch is delivered twice`,
    );
  }
  const retentionSeconds = retention(settings.deliveryQueue).toSeconds();
  const budgetSeconds = retryBudgetSeconds(timeoutSeconds, settings.workerEnvironment);
  if (retentionSeconds < budgetSeconds) {
    throw new ConstructPropsError(
      'deliveryQueueProps.retentionPeriod',
      `(${retentionSeconds} s) is shorter than the worker's retry budget (${budgetSeconds} s: its delivery budget and one worker run), so SQS would delete messages the worker still retries; lower ${DELIVERY_ENV.deliveryBudgetSeconds} in workerFunctionProps.environment`,
    );
  }
  checkRedriveBackstop(settings);
  const deadLetterSeconds = retention(settings.deadLetterQueue).toSeconds();
  // SQS keeps a message's original enqueue time when it moves to the dead-letter queue.
  if (deadLetterSeconds < retentionSeconds) {
    throw new ConstructPropsError(
      'deadLetterQueueProps.retentionPeriod',
      `(${deadLetterSeconds} s) must be at least the delivery queue's (${retentionSeconds} s): a parked message keeps its first enqueue time and would expire on arrival`,
    );
  }
}

/**
 * The queue's redrive count (`maxReceiveCount`) is a backstop for a crashing worker. A message the worker
 * holds or retries is received again at least every pace (a fifth of its age, up to HOLD_MAX_MS), so within
 * the delivery budget it is received at most `maxReceivesWithin` times; at or over the count, SQS would
 * move messages to the dead-letter queue mid-outage, without a reason, while the worker still wants them.
 */
function checkRedriveBackstop(settings: DeliverySettings): void {
  const maxReceiveCount = settings.deliveryQueue.deadLetterQueue?.maxReceiveCount;
  if (maxReceiveCount === undefined) return;
  const policy = readRetryPolicy(settings.workerEnvironment);
  const receives = maxReceivesWithin(policy);
  if (receives < maxReceiveCount) return;
  const least = leastHoldMaxMs(policy, maxReceiveCount);
  const fix =
    least === undefined
      ? `no ${DELIVERY_ENV.holdMaxMs} keeps it under: lower ${DELIVERY_ENV.deliveryBudgetSeconds}`
      : `set it to at least ${least} ms, or lower ${DELIVERY_ENV.deliveryBudgetSeconds}`;
  throw new ConstructPropsError(
    `workerFunctionProps.environment.${DELIVERY_ENV.holdMaxMs}`,
    `(${policy.holdMaxMs} ms) lets a message that fails at every try be received up to ${receives.toLocaleString('en-US')} times within the delivery budget (${policy.budgetMs / 1000} s), at or over the delivery queue's maxReceiveCount (${maxReceiveCount}): SQS would move messages to the dead-letter queue mid-outage, without a reason; ${fix}`,
  );
}

/** The least HOLD_MAX_MS that keeps the receives under `limit` (fewer receives as it grows), if any does. */
function leastHoldMaxMs(policy: RetryPolicy, limit: number): number | undefined {
  const fits = (holdMaxMs: number) => maxReceivesWithin({ ...policy, holdMaxMs }) < limit;
  let high = Math.max(policy.budgetMs, 1);
  if (!fits(high)) return undefined;
  let low = policy.holdMaxMs;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle)) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * PARTNER_MAX_RPS is split between the worker containers the event source may run at once, at least one
 * request per second each (lambda/delivery/partner-rate-limit.ts): a lower ceiling needs a lower concurrency.
 */
export function checkPartnerRateCeiling(
  workerEnvironment: Readonly<Record<string, string>>,
  maxConcurrency: number,
): void {
  const raw = workerEnvironment[DELIVERY_ENV.partnerMaxRps];
  if (raw === undefined || raw === '') return;
  const ceiling = Number(raw);
  if (!Number.isInteger(ceiling) || ceiling < maxConcurrency) {
    throw new ConstructPropsError(
      `workerFunctionProps.environment.${DELIVERY_ENV.partnerMaxRps}`,
      `(${raw}) must be a whole number of at least the worker's maximum concurrency (${maxConcurrency}): each container gets an equal, whole share; lower workerEventSourceProps.maxConcurrency for a lower ceiling`,
    );
  }
}

/**
 * Longest time a message may need on the delivery queue before the worker parks it: its delivery budget
 * (DELIVERY_ENV.deliveryBudgetSeconds in the worker's environment, or the default), plus one run of the worker that
 * finds it over budget and parks it.
 */
export function retryBudgetSeconds(
  timeoutSeconds: number,
  workerEnvironment: Readonly<Record<string, string>>,
): number {
  return deliveryBudgetSeconds(workerEnvironment) + timeoutSeconds;
}

/** The worker's delivery budget as its environment will set it. */
export function deliveryBudgetSeconds(workerEnvironment: Readonly<Record<string, string>>): number {
  return readPositiveInt(
    workerEnvironment,
    DELIVERY_ENV.deliveryBudgetSeconds,
    DELIVERY_DEFAULTS.deliveryBudgetSeconds,
  );
}

/**
 * Claim-check objects must outlive their pointers: a message may wait the queue's retention, stay parked the
 * dead-letter queue's, then be redriven for another queue retention.
 */
export function claimCheckExpiryDays(settings: Pick<DeliverySettings, 'deliveryQueue' | 'deadLetterQueue'>): number {
  const days =
    (2 * retention(settings.deliveryQueue).toSeconds() + retention(settings.deadLetterQueue).toSeconds()) / 86_400;
  return Math.max(DELIVERY_INFRASTRUCTURE.claimCheckRetentionDays, Math.ceil(days));
}

/** SQS's default retention is 4 days. */
const retention = (queue: sqs.QueueProps): Duration => queue.retentionPeriod ?? Duration.days(4);
