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
 * stay exact. A body holding characters SQS refuses travels instead as a JSON string (`bodyText`) and the
 * whole message is made SQS-safe by `sqsSafeText`: JSON.parse then gives back the exact original text.
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
  body: v.optional(v.unknown()),
  bodyText: v.optional(v.string()),
});

export type QueuedDelivery = v.InferOutput<typeof queuedDeliverySchema>;

/**
 * Characters SQS refuses in a message body: outside XML's range (control characters but tab, line feed and
 * carriage return; lone surrogates; U+FFFE and U+FFFF). Matched per UTF-16 unit, so characters beyond
 * U+FFFF are escaped too (as a surrogate pair): SQS accepts them but the local emulator does not, and an
 * escaped pair reads back as the same character.
 */
const SQS_REFUSED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/;
const SQS_REFUSED_ALL = new RegExp(SQS_REFUSED.source, 'g');
/** What AWS itself refuses (characters beyond U+FFFF are fine there): rare, so such a body goes as a string. */
const AWS_REFUSED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * Writes each character SQS refuses as a JSON `\uXXXX` escape. In a JSON text such characters can only
 * stand inside strings (JSON allows no others outside them), so the text still parses to exactly the same
 * value: nothing is replaced or lost.
 */
export function sqsSafeText(text: string): string {
  if (!SQS_REFUSED.test(text)) return text;
  return text.replace(SQS_REFUSED_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

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
  // Escaped characters read back as the same value, and the worker re-serializes it to the same text; a body
  // holding characters AWS refuses travels as a JSON string, so even its text comes back unchanged.
  if (!AWS_REFUSED.test(call.bodyText)) return sqsSafeText(`${headText.slice(0, -1)},"body":${call.bodyText}}`);
  return sqsSafeText(`${headText.slice(0, -1)},"bodyText":${JSON.stringify(call.bodyText)}}`);
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
  if (delivery.bodyText !== undefined) return { ...delivery, bodyText: delivery.bodyText };
  if (delivery.body === undefined) throw new FirehoseInputError('body', 'is required');
  return { ...delivery, bodyText: stringifyJson(delivery.body) };
}
