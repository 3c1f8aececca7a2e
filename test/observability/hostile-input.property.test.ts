import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SQSRecord } from 'aws-lambda';
import { createWorkerDependencies } from '../../lambda/delivery/create-worker';
import { DELIVERY_DEFAULTS } from '../../lambda/delivery/defaults';
import { deliverRecord } from '../../lambda/delivery/delivery-worker';
import { FirehoseInputError } from '../../lambda/firehose';
import { integration } from '../support/kit-integration';
import { customEvents, eventBatch, membershipChange, profiles } from '../support/factories';
import { capturingLogger, startDeliverySystem, type DeliverySystem } from '../support/delivery-system';
import { DELIVERY_ENV } from '../../lambda/config/environment';

/**
 * Hostile and broken input at the ingress and worker entry points: the process never crashes or hangs,
 * every failure is a named error, a rejected request sends and queues nothing, and no global is polluted.
 */
let system: DeliverySystem;
beforeAll(async () => {
  // The production in-line deadline: a call that hangs is cut off and spilled long before the 5 s bound below.
  system = await startDeliverySystem({ [DELIVERY_ENV.inlineDeadlineMs]: String(DELIVERY_DEFAULTS.inlineDeadlineMs) });
});
afterAll(async () => system?.stop());

const prototypeKeys = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();
const baselinePrototype = prototypeKeys();

/** Replaces the value at a random path of a JSON tree. */
function mutateAt(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return replacement;
  const [head, ...rest] = path;
  const key = entries[(head ?? 0) % entries.length]?.[0] as string;
  const copy: Record<string, unknown> = Array.isArray(value)
    ? ([...value] as unknown as Record<string, unknown>)
    : { ...(value as object) };
  copy[key] = mutateAt((value as Record<string, unknown>)[key], rest, replacement);
  return copy;
}

const hostileText = fc.oneof(
  fc.constant('['.repeat(200_000)),
  fc.constant(
    `{"type":"event_processing_request","id":"x","events":[{"type":"custom_event","name":"${'x'.repeat(2_000_000)}"}]}`,
  ),
  fc.constant(
    '{"__proto__":{"polluted":true},"type":"dsr_processing_request","id":"p","constructor":{"prototype":{"polluted":true}}}',
  ),
  fc.constant('{"type":"event_processing_request","id":"d","type":"audience_subscription_request","events":[]}'),
  fc.constant(
    '{"type":"event_processing_request","id":"x","events":[{"type":"custom_event","session_id":123456789012345678901234567890}]}',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const hostileBytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.constant(Buffer.from([0x7b, 0x22, 0x74, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])),
);

async function handlesSafely(input: unknown): Promise<void> {
  const sentBefore = system.partner.received.length;
  const queuedBefore = system.sqs.peek('delivery').length + system.sqs.peek('dead-letter').length;
  const started = performance.now();
  try {
    const { response } = await system.ingress.handle(input);
    expect(response.type).toMatch(/_response$/);
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(FirehoseInputError);
    // Rejected: nothing sent, nothing queued.
    expect(system.partner.received.length).toBe(sentBefore);
    expect(system.sqs.peek('delivery').length + system.sqs.peek('dead-letter').length).toBe(queuedBefore);
  }
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(prototypeKeys()).toEqual(baselinePrototype);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

// No-crash checks (the first two hold with the schema check switched off); what it refuses: test/firehose/parse.test.ts.
describe('the ingress under hostile input never crashes, hangs, sends a refused request or pollutes a prototype', () => {
  it('survives hostile texts: deep nesting, huge strings, prototype keys, duplicate keys, huge integers', async () => {
    await fc.assert(fc.asyncProperty(hostileText, handlesSafely), { numRuns: 30 });
  });

  it('survives arbitrary bytes, invalid UTF-8 included', async () => {
    await fc.assert(fc.asyncProperty(hostileBytes, handlesSafely), { numRuns: 100 });
  });

  it('survives valid messages with a wrong type at any path', async () => {
    const seeds = [eventBatch(customEvents(3)), membershipChange(profiles(2))];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.oneof(
          fc.jsonValue(),
          fc.constant(null),
          fc.constant({ __proto__: { polluted: true } }),
          fc.constant('constructor'),
        ),
        (seed, path, replacement) => handlesSafely(mutateAt(seed, path, replacement)),
      ),
      { numRuns: 150 },
    );
  });
});

describe('the worker under hostile queue messages never crashes', () => {
  it('parks what it cannot read, with the reason, and never throws', async () => {
    const lines: string[] = [];
    const deps = createWorkerDependencies(integration, system.env, capturingLogger('firehose-worker', lines));
    let n = 0;
    const parkedBefore = (await system.deadLetters()).length;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          const record = {
            messageId: `m${++n}`,
            receiptHandle: 'none',
            body,
            attributes: { ApproximateReceiveCount: '1' },
            messageAttributes: {},
          } as unknown as SQSRecord;
          expect(await deliverRecord(record, deps)).toBe('parked');
          expect(prototypeKeys()).toEqual(baselinePrototype);
        },
      ),
      { numRuns: 60 },
    );
    const parked = (await system.deadLetters()).slice(parkedBefore);
    expect(parked).toHaveLength(60);
    for (const letter of parked) expect(letter.attributes['reason']).toMatch(/^unreadable queue message/);
  });
});
