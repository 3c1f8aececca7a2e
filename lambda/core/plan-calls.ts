import { FirehoseInputError, stringifyJson, type FirehoseRequestType } from '../firehose';
import type { OutboundCall } from './outbound-call';
import type { PartnerCall } from './partner-integration';

/** Room kept in each queue message for the envelope around the body (ids, path, sealed secrets). */
export const QUEUE_ENVELOPE_ALLOWANCE_BYTES = 4 * 1024;

const SAMPLE_SIZE = 32;

export interface CallPlanInput<T> {
  readonly requestType: FirehoseRequestType;
  readonly requestId: string;
  readonly accountId: number | undefined;
  readonly secrets: Readonly<Record<string, string>>;
  /** The list to split when one call would not fit one queue message: events or user profiles. */
  readonly items: readonly T[];
  /** Field name of `items` in the request, for error messages (`user_profiles`). */
  readonly itemsField: string;
  /** Builds the partner call for a slice of the items (the integration's mapping). */
  readonly build: (items: readonly T[]) => PartnerCall | undefined;
  readonly maxMessageBytes: number;
}

interface Slice {
  readonly call: PartnerCall;
  readonly bodyText: string;
}

/**
 * Turns a request into as few partner calls as fit one queue message each. The common case (it all fits)
 * costs one mapping and one serialization; only oversize requests are split, greedily by item size, and any
 * slice still too large after mapping is halved. Deterministic, so chunk indexes (and with them the
 * idempotency keys) are the same every time the same request arrives.
 */
export function planCalls<T>(input: CallPlanInput<T>): OutboundCall[] {
  const limit = input.maxMessageBytes - QUEUE_ENVELOPE_ALLOWANCE_BYTES;
  const slices: Slice[] = [];
  const items = input.items;

  // For long lists, sizing a sample first lets a request that is clearly too large skip the whole-request
  // serialization; short lists (the usual event batch) go straight to it.
  let clearlyTooLarge = false;
  if (items.length > SAMPLE_SIZE) {
    let sampleBytes = 0;
    for (let i = 0; i < SAMPLE_SIZE; i++) sampleBytes += byteLength(stringifyJson(items[i]));
    clearlyTooLarge = (sampleBytes / SAMPLE_SIZE) * items.length > 2 * limit;
  }

  const whole = clearlyTooLarge ? undefined : serialize(input.build(items));
  if (!clearlyTooLarge && whole === undefined) {
    // Nothing to send for this request (e.g. every audience filtered out).
  } else if (whole !== undefined && (byteLength(whole.bodyText) <= limit || items.length <= 1)) {
    if (byteLength(whole.bodyText) > limit) throw tooLarge(input, 0, byteLength(whole.bodyText), limit);
    slices.push(whole);
  } else {
    const itemSizes = items.map((item) => byteLength(stringifyJson(item)));
    const rawTotal = itemSizes.reduce((sum, size) => sum + size, 0);
    // How much the mapping grows (or shrinks) the raw items, to aim each greedy slice right the first time.
    const growth = whole ? byteLength(whole.bodyText) / Math.max(1, rawTotal) : measureGrowth(input, itemSizes);
    let start = 0;
    while (start < items.length) {
      let end = start;
      let size = 0;
      while (end < items.length && (end === start || (size + (itemSizes[end] ?? 0)) * growth <= limit * 0.95)) {
        size += itemSizes[end] ?? 0;
        end++;
      }
      fitSlice(input, start, end, limit, slices);
      start = end;
    }
  }

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

/** Growth of the mapping measured on a prefix of the items (about one message's worth). */
function measureGrowth<T>(input: CallPlanInput<T>, itemSizes: readonly number[]): number {
  let end = 0;
  let raw = 0;
  while (end < itemSizes.length && raw < 64 * 1024) raw += itemSizes[end++] ?? 0;
  const probe = serialize(input.build(input.items.slice(0, end)));
  return probe ? byteLength(probe.bodyText) / Math.max(1, raw) : 1;
}

function fitSlice<T>(input: CallPlanInput<T>, start: number, end: number, limit: number, out: Slice[]): void {
  const slice = serialize(input.build(input.items.slice(start, end)));
  if (slice === undefined) return;
  const size = byteLength(slice.bodyText);
  if (size <= limit) {
    out.push(slice);
    return;
  }
  if (end - start === 1) throw tooLarge(input, start, size, limit);
  const middle = start + Math.floor((end - start) / 2);
  fitSlice(input, start, middle, limit, out);
  fitSlice(input, middle, end, limit, out);
}

function serialize(call: PartnerCall | undefined): Slice | undefined {
  return call === undefined ? undefined : { call, bodyText: stringifyJson(call.body) };
}

function tooLarge<T>(input: CallPlanInput<T>, index: number, size: number, limit: number): FirehoseInputError {
  return new FirehoseInputError(
    `${input.itemsField}[${index}]`,
    `maps to ${size} bytes, more than one queue message holds (${limit} bytes for the body)`,
  );
}

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');
