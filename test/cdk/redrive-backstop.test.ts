import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DELIVERY_DEFAULTS } from '../../lambda/delivery/defaults';
import { maxReceivesWithin } from '../../lambda/delivery/delivery-policy';
import { ConstructPropsError } from '../../lib/errors';
import { FirehoseIntegration, type FirehoseIntegrationProps } from '../../lib/firehose-integration';
import { TEST_PARTNER_API_URL, standInsForMissingHandlers } from './support/synth';
import { thrownBy } from '../support/thrown';
import { DELIVERY_ENV } from '../../lambda/config/environment';
import { DELIVERY_INFRASTRUCTURE } from '../../lambda/delivery/infrastructure';

/**
 * The queue's redrive count is a backstop for a crashing worker: within the delivery budget the worker must
 * never reach it, or SQS moves messages to the dead-letter queue mid-outage without a reason. A short
 * HOLD_MAX_MS (the documented knob) raises the receives within the budget: the construct refuses it.
 */

function synthesize(props: FirehoseIntegrationProps = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Backstop', { env: { region: 'eu-west-1' } });
  return new FirehoseIntegration(stack, 'Firehose', {
    partnerApiUrl: TEST_PARTNER_API_URL,
    handlerEntries: standInsForMissingHandlers(),
    ...props,
  });
}

const withWorkerEnv = (environment: Record<string, string>): FirehoseIntegrationProps => ({
  workerFunctionProps: { environment },
});

const policyWith = (holdMaxMs: number, budgetSeconds = DELIVERY_DEFAULTS.deliveryBudgetSeconds) => ({
  budgetMs: budgetSeconds * 1000,
  backoff: { baseMs: DELIVERY_DEFAULTS.backoffBaseMs, maxMs: DELIVERY_DEFAULTS.backoffMaxMs },
  holdMaxMs,
});

describe('HOLD_MAX_MS against the queue redrive count', () => {
  it.each([
    ['10 min', 600_000, 1_009],
    ['5 min', 300_000, 1_977],
    ['1 min', 60_000, 9_744],
  ])('refuses a %s hold: %d ms lets a message be received %d times within the default budget', (_n, hold, receives) => {
    // Act
    const error = thrownBy(ConstructPropsError, () =>
      synthesize(withWorkerEnv({ [DELIVERY_ENV.holdMaxMs]: String(hold) })),
    );
    // Assess: the prop, the figures, and what to do instead.
    expect(maxReceivesWithin(policyWith(hold))).toBe(receives);
    expect(error.prop).toBe(`workerFunctionProps.environment.${DELIVERY_ENV.holdMaxMs}`);
    expect(error.message).toContain(`received up to ${receives.toLocaleString('en-US')} times`);
    expect(error.message).toContain(`maxReceiveCount (${DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount})`);
    const least = Number(/at least (\d+) ms/.exec(error.message)?.[1]);
    expect(maxReceivesWithin(policyWith(least))).toBeLessThan(DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount);
    expect(maxReceivesWithin(policyWith(least - 1))).toBeGreaterThanOrEqual(
      DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount,
    );
    expect(() => synthesize(withWorkerEnv({ [DELIVERY_ENV.holdMaxMs]: String(least) }))).not.toThrow();
  });

  it('accepts the defaults, and a short hold with a budget short enough for it', () => {
    const threeDays = String(3 * 86_400);
    expect(maxReceivesWithin(policyWith(300_000, 3 * 86_400))).toBeLessThan(
      DELIVERY_INFRASTRUCTURE.redriveMaxReceiveCount,
    );
    expect(synthesize().deliveryQueue).toBeDefined();
    expect(
      synthesize(withWorkerEnv({ [DELIVERY_ENV.holdMaxMs]: '300000', [DELIVERY_ENV.deliveryBudgetSeconds]: threeDays }))
        .deliveryQueue,
    ).toBeDefined();
  });
});
