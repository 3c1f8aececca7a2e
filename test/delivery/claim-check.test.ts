import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { redrive } from '../../lambda/delivery/redrive';
import { parseFirehoseRequest, stringifyJson } from '../../lambda/firehose';
import { integration } from '../support/kit-integration';
import type { PartnerCall } from '../../lambda/core/partner-integration';
import type { ReceivedRequest } from '../../local/partner-api-stand-in';
import { startDeliverySystem } from '../support/delivery-system';
import { stoppedAfterEach } from '../support/stopped-after-each';
import { eventBatch, membershipChange } from '../support/factories';
import { largeEvent, largeProfile } from '../support/large-payloads';
import { DELIVERY_ENV } from '../../lambda/config/environment';

/**
 * Items larger than one SQS message (256 KiB) are delivered, not refused: in-line as they are, and through
 * the queue by claim check (the text in the S3 side of fauxqs, a pointer in the message), with the real SDK.
 */

const start = stoppedAfterEach(startDeliverySystem);

/** The body the partner must receive: the integration's mapping of the whole request, serialized once. */
function expectedBody(message: Record<string, unknown>): string {
  const { request } = parseFirehoseRequest(JSON.stringify(message));
  let call: PartnerCall | undefined;
  if (request.type === 'audience_membership_change_request') call = integration.mapAudienceMembership(request);
  if (request.type === 'event_processing_request') call = integration.mapEvents(request);
  return stringifyJson(call?.body);
}

const pointerOf = (body: string) =>
  (JSON.parse(body) as { claimCheck?: { bucket: string; key: string; bytes: number } }).claimCheck;

/** Keys of the objects that still hold a message text (a delivered or parked one keeps only an empty marker). */
async function withText(sqs: { objects(): Promise<string[]>; objectText(key: string): Promise<string> }) {
  const keys = await sqs.objects();
  const texts = await Promise.all(keys.map((key) => sqs.objectText(key)));
  return keys.filter((_, i) => texts[i] !== '');
}

describe('claim check: a single item larger than one queue message', () => {
  it('queues a 300 KB profile of a membership change through S3; the worker delivers it exactly and removes the text', async () => {
    // Prepare
    const { ingress, partner, sqs, drain } = await start();
    const message = membershipChange([largeProfile('9001', 300_000)]);
    // Act
    const { summary } = await ingress.handle(JSON.stringify(message));
    const queued = sqs.peek('delivery');
    const storedWhileQueued = await sqs.objects();
    await drain();
    // Assess: a pointer in the queue, the text in the bucket, delivered byte for byte, then cleaned up.
    expect(summary).toMatchObject({ outcome: 'queued', calls: 1 });
    expect(queued).toHaveLength(1);
    const body = queued[0]?.body ?? '';
    expect(Buffer.byteLength(body)).toBeLessThan(1024);
    expect(pointerOf(body)).toMatchObject({ bucket: sqs.bucketName });
    expect(pointerOf(body)?.bytes).toBeGreaterThan(300_000);
    expect(storedWhileQueued).toEqual([pointerOf(body)?.key]);
    expect(partner.accepted).toHaveLength(1);
    const [delivered] = partner.accepted as [ReceivedRequest];
    expect(delivered.path).toBe('/audience-memberships');
    expect(delivered.headers['idempotency-key']).toBe(`${String(message['id'])}:0`);
    expect(delivered.bodyText).toBe(expectedBody(message));
    expect(await withText(sqs)).toEqual([]);
  });

  it('delivers a 300 KB event in-line when the partner is up: no queue message, no object', async () => {
    const { ingress, partner, sqs } = await start();
    const message = eventBatch([largeEvent(300_000)]);
    const { summary } = await ingress.handle(JSON.stringify(message));
    expect(summary).toMatchObject({ outcome: 'delivered', calls: 1 });
    expect(partner.accepted.map((r) => r.bodyText)).toEqual([expectedBody(message)]);
    expect(sqs.peek('delivery')).toEqual([]);
    expect(await sqs.objects()).toEqual([]);
  });

  it('spills a 300 KB event by claim check when the partner is down, and delivers the same call after it heals', async () => {
    // Prepare
    const { ingress, partner, sqs, drain } = await start();
    partner.setFaults(() => ({ kind: 'status', status: 503 }));
    const message = eventBatch([largeEvent(300_000)]);
    // Act
    const { response, summary } = await ingress.handle(JSON.stringify(message));
    const queued = sqs.peek('delivery');
    const stored = await sqs.objects();
    partner.setFaults(undefined);
    await drain();
    // Assess: answered success, the exact in-line call (same body, same key) delivered later, object gone.
    expect(response.type).toBe('event_processing_response');
    expect(summary.outcome).toBe('queued');
    expect(queued.map((m) => pointerOf(m.body)?.key)).toEqual(stored);
    expect(stored).toHaveLength(1);
    const [failed, ...rest] = partner.received as [ReceivedRequest, ...ReceivedRequest[]];
    expect(partner.accepted).toHaveLength(1);
    const [delivered] = partner.accepted as [ReceivedRequest];
    expect(rest.at(-1)).toBe(delivered);
    expect(delivered.bodyText).toBe(expectedBody(message));
    expect(delivered.bodyText).toBe(failed.bodyText);
    expect(delivered.headers['idempotency-key']).toBe(failed.headers['idempotency-key']);
    expect(await withText(sqs)).toEqual([]);
  });

  it('parks the pointer when the partner refuses, keeps the text, and redrive then delivers it', async () => {
    // Prepare
    const { ingress, partner, sqs, drain, deadLetters } = await start();
    let fixed = false;
    partner.setFaults(() => (fixed ? undefined : { kind: 'status', status: 400 }));
    const message = membershipChange([largeProfile('9002', 300_000)]);
    await ingress.handle(JSON.stringify(message));
    // Act
    await drain();
    const parked = await deadLetters();
    const storedWhileParked = await withText(sqs);
    fixed = true;
    const moved = await redrive({ sqs: sqs.sqs, queueUrl: sqs.queueUrl, deadLetterQueueUrl: sqs.deadLetterQueueUrl });
    await drain();
    // Assess
    expect(parked).toHaveLength(1);
    expect(parked[0]?.attributes).toMatchObject({ reason: 'partner answered 400', status: '400' });
    expect(storedWhileParked).toEqual([pointerOf(parked[0]?.body ?? '')?.key]);
    expect(moved).toMatchObject({ moved: 1 });
    expect(partner.accepted.map((r) => r.bodyText)).toEqual([expectedBody(message)]);
    expect(await withText(sqs)).toEqual([]);
    expect(await deadLetters()).toEqual([]);
  });

  it('parks a 300 KB event the partner refuses in-line by claim check, with its reason', async () => {
    const { ingress, partner, sqs, deadLetters } = await start();
    partner.setFaults(() => ({ kind: 'status', status: 422 }));
    const message = eventBatch([largeEvent(300_000)]);
    const { summary } = await ingress.handle(JSON.stringify(message));
    const parked = await deadLetters();
    expect(summary.outcome).toBe('parked');
    expect(parked).toHaveLength(1);
    expect(parked[0]?.attributes).toMatchObject({ reason: 'partner answered 422', status: '422' });
    const pointer = pointerOf(parked[0]?.body ?? '');
    expect(await sqs.objects()).toEqual([pointer?.key]);
    expect(await sqs.objectText(pointer?.key ?? '')).toContain(expectedBody(message));
  });

  it('parks, with its reason, a pointer whose object is gone', async () => {
    const { ingress, partner, sqs, drain, deadLetters } = await start();
    await ingress.handle(JSON.stringify(membershipChange([largeProfile('9004', 300_000)])));
    const [key] = await sqs.objects();
    await sqs.s3.send(new DeleteObjectCommand({ Bucket: sqs.bucketName, Key: key }));
    await drain();
    expect(partner.received).toEqual([]);
    const parked = await deadLetters();
    expect(parked).toHaveLength(1);
    expect(parked[0]?.attributes['reason']).toMatch(
      /^unreadable queue message: claimCheck: the claim-check object is gone/,
    );
  });

  it('fails the invocation, naming the setting, when a message needs a claim check and no bucket is set', async () => {
    const { ingress, sqs } = await start({ [DELIVERY_ENV.claimCheckBucket]: '' });
    await expect(ingress.handle(JSON.stringify(membershipChange([largeProfile('9003', 300_000)])))).rejects.toThrow(
      new RegExp(`needs the claim-check bucket \\(${DELIVERY_ENV.claimCheckBucket} is not set\\)`),
    );
    expect(sqs.peek('delivery')).toEqual([]);
  });
});

describe('claim check: duplicates and late redrives', () => {
  it('acknowledges a duplicate pointer whose delivery is recorded as done, without parking it', async () => {
    // Prepare: a large change delivered; then SQS hands the same pointer over again (at-least-once).
    const { ingress, partner, sqs, drain, deadLetters, logLines } = await start();
    await ingress.handle(JSON.stringify(membershipChange([largeProfile('9101', 300_000)])));
    const [pointer] = sqs.peek('delivery');
    await drain();
    // Act
    await sqs.sqs.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: pointer?.body ?? '' }));
    await drain();
    // Assess
    expect(partner.accepted).toHaveLength(1);
    expect(await deadLetters()).toEqual([]);
    expect(logLines.some((l) => l.includes('duplicate claim-check pointer'))).toBe(true);
    expect(await withText(sqs)).toEqual([]);
  });

  it('parks a pointer with a copy of its object, so a redrive after the original object expired still delivers', async () => {
    // Prepare: the partner refuses, the pointer is parked.
    const { ingress, partner, sqs, drain, deadLetters } = await start();
    let fixed = false;
    partner.setFaults(() => (fixed ? undefined : { kind: 'status', status: 400 }));
    const message = membershipChange([largeProfile('9102', 300_000)]);
    await ingress.handle(JSON.stringify(message));
    const original = pointerOf(sqs.peek('delivery')[0]?.body ?? '');
    await drain();
    const [parked] = await deadLetters();
    // Act: the bucket's lifecycle removes the object written when the call was queued (30 days on), then
    // the partner is fixed and the parked copy redriven.
    await sqs.s3.send(new DeleteObjectCommand({ Bucket: sqs.bucketName, Key: original?.key }));
    fixed = true;
    const report = await redrive({ sqs: sqs.sqs, queueUrl: sqs.queueUrl, deadLetterQueueUrl: sqs.deadLetterQueueUrl });
    await drain();
    // Assess
    expect(pointerOf(parked?.body ?? '')?.key).not.toBe(original?.key);
    expect(report.moved).toBe(1);
    expect(partner.accepted.map((r) => r.bodyText)).toEqual([expectedBody(message)]);
    expect(await deadLetters()).toEqual([]);
    expect(await withText(sqs)).toEqual([]);
  });
});
