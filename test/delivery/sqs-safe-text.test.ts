import { gzipSync } from 'node:zlib';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../lambda/delivery/delivery-queue';
import { decodeQueuedDelivery, encodeQueuedDelivery, sqsSafeText } from '../../lambda/delivery/queue-message';
import { sqsSafeAttribute } from '../../lambda/delivery/sqs-attribute';
import {
  parseFirehoseRequest,
  parseJson,
  stringifyJson,
  type AudienceMembershipChangeRequest,
} from '../../lambda/firehose';
import { integration } from '../support/kit-integration';
import type { ReceivedRequest } from '../../local/partner-api-stand-in';
import { startDeliverySystem } from '../support/delivery-system';
import { stoppedAfterEach } from '../support/stopped-after-each';
import { customEvents, eventBatch, membershipChange, outboundCall } from '../support/factories';
import { largeProfile } from '../support/large-payloads';

/**
 * Characters SQS refuses (U+FFFE, U+FFFF, lone surrogates, control characters) never make a queue send
 * fail, and the partner receives exactly the text it would have received in-line.
 */

/** Every kind SQS refuses that can stand in a JSON string value: noncharacters, lone surrogates, controls. */
const AWKWARD = 'a\uFFFFb\uFFFEc\uD800d\uDC00e\u0001f\u001Fg😀';
// What fauxqs accepts: AWS's set without the characters beyond U+FFFF (which the kit escapes too).
const SQS_REFUSED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/;

/** SQS's own rule for bodies and string attributes: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. */
const SQS_ACCEPTS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/**
 * A partner answer as the issue found them: a pair cut by a 256-unit cut, U+0000 and raw gzip bytes (read as
 * UTF-8 text, as the HTTP client reads every answer).
 */
const HOSTILE_ANSWER = `${'x'.repeat(255)}😀 nul\u0000 ${gzipSync('{"error":"bad"}').toString('latin1')}`;

const start = stoppedAfterEach(startDeliverySystem);

function expectedBody(message: Record<string, unknown>): string {
  const { request } = parseFirehoseRequest(JSON.stringify(message));
  return stringifyJson(integration.mapAudienceMembership(request as AudienceMembershipChangeRequest)?.body);
}

const callWith = (bodyText: string, requestId: string) =>
  outboundCall(requestId, {
    requestType: 'audience_membership_change_request',
    accountId: 1,
    path: '/audience-memberships',
    bodyText,
  });

function profileWith(mpid: string, value: string): Record<string, unknown> {
  return largeProfile(mpid, value.length, value);
}

const attributeValue = (bodyText: string): unknown =>
  (parseJson(bodyText) as { memberships: { changes: { attributes: { value: unknown }[] }[] }[] }).memberships[0]
    ?.changes[0]?.attributes[0]?.value;

describe('SQS-safe queue messages', () => {
  it('encodes a body holding refused characters into a message SQS accepts, and decodes the exact text', () => {
    // Prepare: a body as the kit serializes it (lone surrogates escaped, U+FFFF raw) and one as raw as can be.
    const bodies = [stringifyJson({ v: AWKWARD }), `{"v":"${AWKWARD.replace(/[\u0001\u001F]/g, '')}"}`];
    for (const bodyText of bodies) {
      const call = callWith(bodyText, 'id-\uFFFF');
      // Act
      const message = encodeQueuedDelivery(call, undefined);
      const decoded = decodeQueuedDelivery(message);
      // Assess
      expect(SQS_REFUSED.test(message)).toBe(false);
      expect(decoded.bodyText).toBe(bodyText);
      expect(decoded.idempotencyKey).toBe(call.idempotencyKey);
    }
  });

  it('sends emoji as escaped pairs (the emulator refuses them raw) and the worker writes them back raw', () => {
    const bodyText = stringifyJson({ name: 'launch 🚀 party 😀' });
    const message = encodeQueuedDelivery(callWith(bodyText, 'r'), undefined);
    expect(message).toContain('"body":{"name":"launch \\ud83d\\ude80');
    expect(decodeQueuedDelivery(message).bodyText).toBe(bodyText);
  });

  it('leaves text without refused characters untouched, and escapes the rest so JSON.parse restores it', () => {
    const plain = '{"a":"ü \\u0001"}';
    expect(sqsSafeText(plain)).toBe(plain);
    const awkward = JSON.stringify({ a: AWKWARD }).replace('\\ud800', '\uD800');
    expect(SQS_REFUSED.test(sqsSafeText(awkward))).toBe(false);
    expect(JSON.parse(sqsSafeText(awkward))).toEqual({ a: AWKWARD });
  });
});

describe('refused characters through fauxqs to the partner', () => {
  it('queues a membership change whose attribute holds U+FFFF and a lone surrogate, and delivers it byte-exact', async () => {
    // Prepare
    const system = await start();
    const { ingress, partner, sqs, drain } = system;
    const message = membershipChange([profileWith('7001', AWKWARD)]);
    // Act
    const { summary } = await ingress.handle(JSON.stringify(message));
    const queued = sqs.peek('delivery');
    await drain();
    // Assess
    expect(summary.outcome).toBe('queued');
    expect(queued).toHaveLength(1);
    expect(partner.accepted).toHaveLength(1);
    const [delivered] = partner.accepted as [ReceivedRequest];
    expect(delivered.bodyText).toBe(expectedBody(message));
    expect(attributeValue(delivered.bodyText)).toBe(AWKWARD);
  });

  it('keeps the exact text in a parked copy and in a claim-check object', async () => {
    // Prepare: the partner refuses both, so both are parked (one small, one by claim check).
    const system = await start();
    const { ingress, partner, sqs, drain } = system;
    partner.setFaults(() => ({ kind: 'status', status: 400 }));
    const small = membershipChange([profileWith('7002', AWKWARD)]);
    const large = membershipChange([profileWith('7003', AWKWARD.repeat(20_000))]);
    // Act
    await ingress.handle(JSON.stringify(small));
    await ingress.handle(JSON.stringify(large));
    await drain();
    const parked = await system.deadLetters();
    // Assess: each parked copy reads back to the exact body the partner was sent.
    expect(parked).toHaveLength(2);
    const texts = await Promise.all(
      parked.map(async ({ body }) => {
        const pointer = (JSON.parse(body) as { claimCheck?: { key: string } }).claimCheck;
        return decodeQueuedDelivery(pointer ? await sqs.objectText(pointer.key) : body).bodyText;
      }),
    );
    expect(texts.sort()).toEqual([expectedBody(small), expectedBody(large)].sort());
    expect(partner.received.map((r) => r.bodyText).sort()).toEqual(texts.sort());
  });
});

describe('dead-letter attributes SQS accepts (fauxqs does not check them: the rule is asserted directly)', () => {
  it('sqsSafeAttribute escapes every refused character, keeps the rest, and cuts on code points', () => {
    const awkward = `${AWKWARD}\u0000\u000B\uD83D`;
    const safe = sqsSafeAttribute(awkward, 1_000);
    expect(safe).toMatch(SQS_ACCEPTS);
    expect(safe).toBe('a\\uffffb\\ufffec\\ud800d\\udc00e\\u0001f\\u001fg😀\\u0000\\u000b\\ud83d');
    // The cut counts characters, not UTF-16 units: a pair is kept whole or left out whole.
    expect(sqsSafeAttribute(`${'x'.repeat(255)}😀y`, 256)).toBe(`${'x'.repeat(255)}😀`);
    expect(sqsSafeAttribute(`${'x'.repeat(256)}😀`, 256)).toBe('x'.repeat(256));
    expect([...sqsSafeAttribute('\u0000'.repeat(100), 256)].length).toBeLessThanOrEqual(256);
  });

  it('the worker parks a refused call whose partner answer holds a cut pair, U+0000 and gzip bytes', async () => {
    // Prepare
    const system = await start();
    system.partner.setFaults(() => ({ kind: 'status', status: 400, body: HOSTILE_ANSWER }));
    // Act
    await system.ingress.handle(JSON.stringify(membershipChange([profileWith('7101', 'v')])));
    await system.drain();
    // Assess: every attribute of the parked copy is text SQS accepts, and the excerpt is still useful.
    const [parked] = await system.deadLetters();
    expect(parked).toBeDefined();
    for (const value of Object.values(parked?.attributes ?? {})) expect(value).toMatch(SQS_ACCEPTS);
    expect(parked?.attributes['excerpt']).toMatch(/^x{255}/);
    expect(parked?.attributes['reason']).toBe('partner answered 400');
  });

  it('the ingress parks an in-line refusal with the same answer as attributes SQS accepts', async () => {
    const system = await start();
    system.partner.setFaults(() => ({ kind: 'status', status: 422, body: `nul\u0000${HOSTILE_ANSWER}` }));
    const { summary } = await system.ingress.handle(JSON.stringify(eventBatch(customEvents(1))));
    const [parked] = await system.deadLetters();
    expect(summary.outcome).toBe('parked');
    for (const value of Object.values(parked?.attributes ?? {})) expect(value).toMatch(SQS_ACCEPTS);
    expect(parked?.attributes['excerpt']).toContain('nul\\u0000');
  });

  it('parks without the excerpt when the dead-letter queue still refuses the message with it', async () => {
    // Prepare: a dead-letter queue whose size limit the excerpt pushes the message over.
    const system = await start();
    const { sqs } = system;
    const small = await sqs.sqs.send(
      new CreateQueueCommand({ QueueName: 'small-dlq', Attributes: { MaximumMessageSize: '1024' } }),
    );
    const smallDlqUrl = small.QueueUrl ?? '';
    const api = await import('@aws-sdk/client-sqs');
    const queue = new DeliveryQueue(async () => ({ api, client: sqs.sqs }), sqs.queueUrl, smallDlqUrl, 256 * 1024);
    const body = JSON.stringify({ v: 1, pad: 'p'.repeat(700) });
    // Act
    await queue.park(body, { reason: 'partner answered 400', status: 400, excerpt: 'e'.repeat(300), attempts: 2 });
    // Assess: the copy is there, with its reason, status and attempts, and says why the excerpt is missing.
    const out = await sqs.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: smallDlqUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    const [message] = out.Messages ?? [];
    expect(message?.Body).toBe(body);
    const attributes = Object.fromEntries(
      Object.entries(message?.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    );
    expect(attributes['excerpt']).toBeUndefined();
    expect(attributes).toMatchObject({ status: '400', attempts: '2' });
    expect(attributes['reason']).toBe('partner answered 400 (excerpt left out: the dead-letter queue refused it)');
  });
});
