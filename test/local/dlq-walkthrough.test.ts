import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DELIVERY_ENV, FUNCTION_ENV } from '../../lambda/config/environment';
import { invokeIngress, startNpm, statusOf, waitUntil, type NpmStart } from '../support/npm-start';
import { stopAll } from '../support/processes';
import { PROJECT_ROOT } from '../support/run-cli';

afterEach(() => stopAll());
afterAll(() => stopAll());

/** The README's walk-through "To watch an outage heal by itself, and the dead-letter queue", step by step. */
const RETRY_LINE = 'worker: will retry a delivery (partner answered 503)';
const DELIVERED_LINE = 'worker: delivered a queued call (partner answered 200)';
const PARKED_LINE = 'worker: parked a delivery in the dead-letter queue (partner answered 503)';

const membershipAdd = readFileSync(path.join(PROJECT_ROOT, 'events/audience-membership-add.json'));
const lines = (npm: NpmStart): string[] => npm.output().split('\n');
const control = (npm: NpmStart, status: number) =>
  fetch(`${npm.partnerUrl}/_control`, { method: 'POST', body: JSON.stringify({ status }) });
const waitForLine = (npm: NpmStart, line: string, timeoutMs: number) =>
  waitUntil(
    () => lines(npm).includes(line),
    timeoutMs,
    () => `no line "${line}":\n${npm.output()}`,
  );

/** The README's short waits; the budget is cut further so the park comes within the test. */
const walkThroughEnv = (budgetSeconds: number) => ({
  [DELIVERY_ENV.circuitOpenMs]: '5000',
  [DELIVERY_ENV.holdMaxMs]: '5000',
  [DELIVERY_ENV.deliveryBudgetSeconds]: String(budgetSeconds),
  [FUNCTION_ENV.logLevel]: 'WARN',
});

describe("the README's dead-letter walk-through, as the npm start terminal shows it", () => {
  it('the partner heals within the budget: a retry line, then a line when the worker delivers', async () => {
    // Prepare
    const npm = await startNpm(walkThroughEnv(30));
    await control(npm, 503);
    // Act
    expect((await invokeIngress(npm.invokeUrl, membershipAdd)).status).toBe(200);
    await waitForLine(npm, RETRY_LINE, 20_000);
    await control(npm, 200);
    await waitForLine(npm, DELIVERED_LINE, 20_000);
    // Assess: delivered, nothing parked.
    expect(lines(npm).filter((l) => l.startsWith('worker: parked'))).toEqual([]);
    expect((await statusOf(npm.invokeUrl)).deliveries[0]).toMatchObject({ accepted: true, status: 200 });
  }, 90_000);

  it('the partner stays down past the budget (the circuit opened meanwhile): the park line names its 503', async () => {
    // Prepare: enough failures in a row to open the worker's circuit before the budget ends.
    const npm = await startNpm({ ...walkThroughEnv(12), [DELIVERY_ENV.backoffBaseMs]: '1' });
    await control(npm, 503);
    // Act
    expect((await invokeIngress(npm.invokeUrl, membershipAdd)).status).toBe(200);
    await waitUntil(
      () => lines(npm).some((l) => l.startsWith('worker: parked')),
      40_000,
      () => `no park line:\n${npm.output()}`,
    );
    // Assess
    expect(lines(npm).filter((l) => l.startsWith('worker: parked'))).toEqual([PARKED_LINE]);
    expect(lines(npm).filter((l) => l === RETRY_LINE).length).toBeGreaterThanOrEqual(5);
  }, 90_000);
});
