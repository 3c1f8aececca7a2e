import * as v from 'valibot';
import type { OutboundCall } from '../core/outbound-call';
import { FirehoseInputError } from '../firehose/errors';
import { parseJson, stringifyJson } from '../firehose/json';
import { validate } from '../firehose/parse';
import { REQUEST_TYPES } from '../firehose/schema/requests';
import type { SealedSecrets } from './secret-box';

/**
 * One queued delivery: the exact partner call (path, body, idempotency key) plus sealed secrets.
 * The body is spliced in as already-serialized JSON, so it is not serialized twice and its 64-bit integers
 * stay exact.
 */

export const QUEUE_MESSAGE_VERSION = 1;

const queuedDeliverySchema = v.looseObject({
  v: v.literal(QUEUE_MESSAGE_VERSION),
  requestType: v.picklist(REQUEST_TYPES),
  requestId: v.string(),
  idempotencyKey: v.string(),
  chunk: v.object({ index: v.number(), count: v.number() }),
  accountId: v.optional(v.number()),
  path: v.pipe(v.string(), v.startsWith('/')),
  sealed: v.optional(v.object({ key: v.string(), iv: v.string(), tag: v.string(), data: v.string() })),
  body: v.unknown(),
});

export type QueuedDelivery = v.InferOutput<typeof queuedDeliverySchema>;

export function encodeQueuedDelivery(call: OutboundCall, sealed: SealedSecrets | undefined): string {
  const head = {
    v: QUEUE_MESSAGE_VERSION,
    requestType: call.requestType,
    requestId: call.requestId,
    idempotencyKey: call.idempotencyKey,
    chunk: call.chunk,
    accountId: call.accountId,
    path: call.path,
    sealed,
  };
  const headText = JSON.stringify(head);
  return `${headText.slice(0, -1)},"body":${call.bodyText}}`;
}

/** Reads a queue message body; throws FirehoseInputError naming the field when it is not a delivery. */
export function decodeQueuedDelivery(text: string): QueuedDelivery & { bodyText: string } {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (cause) {
    throw new FirehoseInputError('', 'queue message is not valid JSON', { cause });
  }
  const delivery = validate(queuedDeliverySchema, value, '');
  return { ...delivery, bodyText: stringifyJson(delivery.body) };
}
