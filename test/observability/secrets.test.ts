import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirehoseInputError } from '../../lambda/firehose';
import { customEvents, eventBatch, membershipChange, profiles } from '../support/factories';
import { startDeliverySystem, type DeliverySystem } from '../support/delivery-system';
import { DELIVERY_ENV } from '../../lambda/config/environment';

/**
 * Plants secrets where they enter the kit (a customer's confidential account setting, the sealing key in
 * the environment, an Authorization header a partner echoes back) and searches every output for them: log
 * lines, errors, responses, queue and dead-letter messages with their attributes.
 */
const PLANTED_KEY = 'sk_live_PLANTED_4242_do_not_leak';
const PLANTED_SEALING_KEY = Buffer.from('PLANTED-sealing-key-32-bytes-!!!').toString('base64');

let system: DeliverySystem;
const outputs: string[] = [];

beforeAll(async () => {
  // A 2-second delivery budget, so the call that keeps failing is parked within the test.
  system = await startDeliverySystem({
    [DELIVERY_ENV.localSealingKey]: PLANTED_SEALING_KEY,
    [DELIVERY_ENV.deliveryBudgetSeconds]: '2',
    [DELIVERY_ENV.backoffBaseMs]: '1',
  });
  const account = { account_id: 7, account_settings: { apiKey: PLANTED_KEY, region: 'eu' } };
  // The partner refuses some calls and echoes the key it was sent, as careless APIs do.
  system.partner.setFaults((r) => {
    if (r.bodyText.includes('"refuse-me"'))
      return { kind: 'status', status: 400, body: `{"error":"bad key ${String(r.headers['authorization'])}"}` };
    if (r.bodyText.includes('"flaky"')) return { kind: 'status', status: 503, body: `{"echo":"${PLANTED_KEY}"}` };
    return undefined;
  });
  const inputs: unknown[] = [
    eventBatch(customEvents(3), { account }),
    eventBatch([{ type: 'custom_event', id: 'refuse-me', name: 'x' }], { account }),
    membershipChange(profiles(5), { account }),
    membershipChange([{ mpid: 'flaky', audiences: [{ audience_id: 1, action: 'add' }] }], { account }),
    // Bad input carrying the secret where a string is expected to be something else.
    eventBatch([], { account: { account_settings: { apiKey: PLANTED_KEY, other: 5 } } }),
    JSON.stringify({ type: 'event_processing_request', id: 'x', apiKey: PLANTED_KEY, events: [{ name: PLANTED_KEY }] }),
    `{"type":"event_processing_request","apiKey":"${PLANTED_KEY}" oops`,
  ];
  for (const input of inputs) {
    try {
      outputs.push(JSON.stringify((await system.ingress.handle(input)).response));
    } catch (error) {
      expect(error).toBeInstanceOf(FirehoseInputError);
      outputs.push(String(error), (error as Error).stack ?? '');
    }
  }
  await system.drain(20_000);
});
afterAll(async () => system?.stop());

describe('no secret in any output', () => {
  it('exercised every path: delivered, parked in-line, queued, retried and dead-lettered, rejected input', async () => {
    const letters = await system.deadLetters();
    expect(letters.map((l) => l.attributes['status']).sort()).toEqual(['400', '503']);
    expect(system.logLines.some((l) => l.includes('rejected input'))).toBe(true);
    expect(system.partner.accepted.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['the customer API key', PLANTED_KEY],
    ['the sealing key', PLANTED_SEALING_KEY],
  ])('%s appears in no log line, error, response, queue or dead-letter message', async (_name, secret) => {
    const letters = await system.deadLetters();
    const everything = [
      ...system.logLines,
      ...outputs,
      ...letters.map((l) => JSON.stringify(l)),
      ...system.sqs.peek('delivery').map((m) => JSON.stringify(m)),
    ].join('\n');
    expect(everything.length).toBeGreaterThan(1_000);
    expect(everything).not.toContain(secret);
  });

  it('still sent the key to the partner, where it belongs', () => {
    expect(system.partner.received.some((r) => r.headers['authorization'] === `Bearer ${PLANTED_KEY}`)).toBe(true);
  });
});
