import { parse as losslessParse } from 'lossless-json';
import { INT64_MARK as MARK, LostTrack, Reading, type ExactPlaces } from './exact-integers';
import { readUnknown } from './schema/containers';

/**
 * JSON that never rounds a 64-bit integer (docs/firehose-protocol.md, "Numbers"): integers beyond 2^53
 * are `bigint` in memory and are written back digit for digit.
 *
 * Reading: native JSON.parse, then the digits of the few rounded integers are read back from the text
 * (exact-integers.ts). Only when that cannot be done safely does the slower lossless parser read the text.
 * Writing: native JSON.stringify, with each `bigint` written as a marker string that is then replaced by
 * its digits; no second serializer, no retry.
 */

/**
 * Where the reader put back exact integers in the most recent request. Writing swaps those `bigint`s for
 * marker strings directly (two property writes each), instead of letting JSON.stringify call `toJSON` on
 * each (about ten times slower). Only a shortcut: any other `bigint` is still written by `toJSON`.
 */
let recentPlaces: ExactPlaces | undefined;

export function rememberExactPlaces(places: ExactPlaces): void {
  recentPlaces = places.holders.length > 0 ? places : undefined;
}

/** Any number token of 16 or more digits (a whole document too): below that, JSON.parse is exact (2^53 has 16). */
const MAYBE_UNSAFE_INTEGER = /(?:^|[:,[])\s*-?\d{16}/;

function parseNumber(text: string): number | bigint {
  const value = Number(text);
  if (Number.isSafeInteger(value) || !/^-?\d+$/.test(text)) return value;
  return BigInt(text);
}

/** The lossless parser: the fallback when the digits cannot be read back after a native parse. */
export function parseJsonLossless(text: string): unknown {
  // Duplicate keys: last one wins, exactly as JSON.parse does, so both paths agree.
  return losslessParse(text, null, { parseNumber, onDuplicateKey: (info) => info.newValue });
}

export function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (!MAYBE_UNSAFE_INTEGER.test(text)) return value;
  try {
    const reading = new Reading(text);
    const exact = readUnknown(value, reading, '');
    rememberExactPlaces(reading.restored);
    return exact;
  } catch (error) {
    if (!(error instanceof LostTrack)) throw error;
    return parseJsonLossless(text);
  }
}

const QUOTED_MARK = `"${MARK}`;
let bigintsWritten = 0;

function bigintToJson(this: bigint): string {
  bigintsWritten++;
  return MARK + this.toString();
}

/** JSON.stringify that also writes `bigint` values as plain JSON numbers, digit for digit. */
export function stringifyJson(value: unknown): string {
  const proto = BigInt.prototype as { toJSON?: unknown };
  const previous = Object.getOwnPropertyDescriptor(proto, 'toJSON');
  // Only for the length of this synchronous call, so nobody else's JSON.stringify sees it.
  Object.defineProperty(proto, 'toJSON', { value: bigintToJson, configurable: true, writable: true });
  const places = recentPlaces;
  const swapped = places ? swapIn(places) : undefined;
  bigintsWritten = 0;
  let text: string;
  try {
    text = JSON.stringify(value);
  } finally {
    if (places && swapped) swapOut(places, swapped);
    if (previous) Object.defineProperty(proto, 'toJSON', previous);
    else delete proto.toJSON;
  }
  return (swapped === undefined && bigintsWritten === 0) || text === undefined ? text : unmark(text);
}

/** Puts marker strings where the recent request holds its exact integers; flags the places it swapped. */
function swapIn(places: ExactPlaces): Uint8Array {
  const { holders, keys, values, marks } = places;
  const swapped = new Uint8Array(holders.length);
  for (let i = 0; i < holders.length; i++) {
    const holder = holders[i] as Record<string | number, unknown>;
    const key = keys[i] as string | number;
    // The mapping may have changed the request: only a value still in place is swapped.
    if (holder[key] === values[i]) {
      holder[key] = marks[i];
      swapped[i] = 1;
    }
  }
  return swapped;
}

function swapOut(places: ExactPlaces, swapped: Uint8Array): void {
  const { holders, keys, values } = places;
  for (let i = 0; i < swapped.length; i++) {
    if (swapped[i] === 1) (holders[i] as Record<string | number, unknown>)[keys[i] as string | number] = values[i];
  }
}

/** Replaces each `"<MARK>123"` by `123`; anything else that looks like it is left alone. */
function unmark(text: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(QUOTED_MARK); at >= 0; at = text.indexOf(QUOTED_MARK, at + 1)) {
    const digits = at + QUOTED_MARK.length;
    const end = text.indexOf('"', digits);
    if (!isIntegerText(text, digits, end)) continue;
    out += text.slice(from, at) + text.slice(digits, end);
    from = end + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function isIntegerText(text: string, start: number, end: number): boolean {
  let p = text.charCodeAt(start) === 45 ? start + 1 : start;
  if (p >= end) return false;
  for (; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
