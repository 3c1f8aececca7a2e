import { stringifyJson, type FirehoseRequestType } from '../firehose';
import type { OutboundCall } from './outbound-call';
import type { PartnerCall } from './partner-integration';

/** Room kept in each queue message for the envelope around the body (ids, path, sealed secrets). */
export const QUEUE_ENVELOPE_ALLOWANCE_BYTES = 4 * 1024;

const SAMPLE_SIZE = 32;
/** Lists up to this long are serialized whole first: sampling would cost more than it could save. */
const SAMPLE_ABOVE = 256;

export interface CallPlanInput<T> {
  readonly requestType: FirehoseRequestType;
  readonly requestId: string;
  readonly accountId: number | undefined;
  readonly secrets: Readonly<Record<string, string>>;
  /**
   * `inline`: one call for the whole request, serialized once and never cut (an in-line call has no size
   * limit; if it is spilled, the same call travels whole, by claim check when it outgrows a message).
   * `queue`: cut into calls that each fit one queue message.
   */
  readonly travel: 'inline' | 'queue';
  /** The list to split when one call would not fit one queue message: events or user profiles. */
  readonly items: readonly T[];
  /** Builds the partner call for a slice of the items (the integration's mapping). */
  readonly build: (items: readonly T[]) => PartnerCall | undefined;
  readonly maxMessageBytes: number;
}

interface Slice {
  readonly call: PartnerCall;
  readonly bodyText: string;
}

/**
 * Turns a request into partner calls. In-line: one call, one mapping, one serialization. Queued: as few
 * calls as fit one queue message each. The common case (it all fits) costs one mapping and one
 * serialization; an oversize request is cut into even slices sized from its average item, each serialized
 * once, and any slice still too large is halved. A single item larger than a message becomes a call of its
 * own (the queue carries it by claim check, lambda/delivery/claim-check.ts): nothing is refused for size.
 * Deterministic, so chunk indexes (and with them the idempotency keys) are the same every time the same
 * request arrives, and a request type always travels the same way, so its keys never mean two bodies.
 */
export function planCalls<T>(input: CallPlanInput<T>): OutboundCall[] {
  if (input.travel === 'inline') {
    const whole = serialize(input.build(input.items));
    return whole === undefined ? [] : toCalls(input, [whole]);
  }
  const limit = input.maxMessageBytes - QUEUE_ENVELOPE_ALLOWANCE_BYTES;
  const slices: Slice[] = [];
  const items = input.items;

  // For long lists, sizing a sample first lets a request that is clearly too large skip the whole-request
  // serialization; short lists (the usual event batch) go straight to it.
  let sampleBytes = 0;
  let clearlyTooLarge = false;
  if (items.length > SAMPLE_ABOVE) {
    for (let i = 0; i < SAMPLE_SIZE; i++) sampleBytes += byteLength(stringifyJson(items[i]));
    clearlyTooLarge = (sampleBytes / SAMPLE_SIZE) * items.length > 2 * limit;
  }

  let bytesPerItem: number;
  if (clearlyTooLarge) {
    // What one item costs once mapped, measured on the sample (mappings add or drop fields).
    const probe = serialize(input.build(items.slice(0, SAMPLE_SIZE)));
    bytesPerItem = (probe ? byteLength(probe.bodyText) : sampleBytes) / SAMPLE_SIZE;
  } else {
    const whole = serialize(input.build(items));
    if (whole === undefined) return []; // nothing to send (e.g. every audience filtered out)
    const size = byteLength(whole.bodyText);
    if (size <= limit) return toCalls(input, [whole]);
    if (items.length <= 1) return toCalls(input, [whole]);
    bytesPerItem = size / items.length;
  }

  // Even slices aimed at 90% of the limit; fitSlice halves any that still come out too large.
  const perSlice = Math.max(1, Math.floor((limit * 0.9) / Math.max(1, bytesPerItem)));
  for (let begin = 0; begin < items.length; begin += perSlice) {
    fitSlice(input, begin, Math.min(items.length, begin + perSlice), limit, slices);
  }
  return toCalls(input, slices);
}

function toCalls<T>(input: CallPlanInput<T>, slices: readonly Slice[]): OutboundCall[] {
  return slices.map((slice, index) => ({
    requestType: input.requestType,
    requestId: input.requestId,
    idempotencyKey: `${input.requestId}:${index}`,
    chunk: { index, count: slices.length },
    accountId: input.accountId,
    path: slice.call.path,
    bodyText: slice.bodyText,
    secrets: input.secrets,
  }));
}

function fitSlice<T>(input: CallPlanInput<T>, start: number, end: number, limit: number, out: Slice[]): void {
  const slice = serialize(input.build(input.items.slice(start, end)));
  if (slice === undefined) return;
  const size = byteLength(slice.bodyText);
  // One item alone that still does not fit travels as it is (by claim check): never refused for size.
  if (size <= limit || end - start === 1) {
    out.push(slice);
    return;
  }
  const middle = start + Math.floor((end - start) / 2);
  fitSlice(input, start, middle, limit, out);
  fitSlice(input, middle, end, limit, out);
}

function serialize(call: PartnerCall | undefined): Slice | undefined {
  return call === undefined ? undefined : { call, bodyText: stringifyJson(call.body) };
}

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');
