import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customEvents, eventBatch } from '../support/factories';
import { startHttpSystem, TOKEN, type HttpSystem } from '../http/support/http-system';

/**
 * Hostile bodies at the HTTP entry point: every answer is a named client error or success (never a 5xx
 * or a dropped connection), never echoes the body, and nothing is sent or queued for a refused request.
 */
let http: HttpSystem;
beforeAll(async () => {
  http = await startHttpSystem();
});
afterAll(async () => http?.stop());

const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
  fc.constant(Buffer.from([0x7b, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
  fc.constant(Buffer.from('{"__proto__":{"polluted":1},"type":"event_processing_request","id":"x","events":[]}')),
  fc.constant(Buffer.from(`{"type":"event_processing_request","id":"x","events":[${'['.repeat(50_000)}`)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
  fc.tuple(fc.nat(), fc.jsonValue()).map(([i, v]) => {
    const message = eventBatch(customEvents(2)) as Record<string, unknown>;
    const keys = Object.keys(message);
    message[keys[i % keys.length] as string] = v;
    return Buffer.from(JSON.stringify(message));
  }),
);

describe('the HTTP entry point under hostile bodies', () => {
  // A no-crash check: it holds with the schema check switched off too.
  it('never crashes: answers 2xx, or a 4xx with a short JSON error that does not echo the body', async () => {
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.constantFrom('/firehose', '/events', '/audience', '/registration'),
        async (body, path) => {
          const sentBefore = http.delivery.partner.received.length;
          const answer = await http.request(path, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Token ${TOKEN}` },
            body,
          });
          expect([200, 202, 400]).toContain(answer.status);
          if (answer.status === 400) {
            expect(answer.text.length).toBeLessThan(600);
            expect(answer.json()).toHaveProperty('error');
            expect(http.delivery.partner.received.length).toBe(sentBefore);
            if (body.length > 40) expect(answer.text).not.toContain(body.toString('latin1').slice(0, 40));
          }
          expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        },
      ),
      { numRuns: 120 },
    );
  });
});
