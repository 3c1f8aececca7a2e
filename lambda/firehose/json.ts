import { randomBytes } from 'node:crypto';
import { parse as losslessParse } from 'lossless-json';
import { LostTrack, Reading } from './exact-integers';
import { readUnknown } from './schema/shape';

/**
 * JSON that never rounds a 64-bit integer (docs/firehose-protocol.md, "Numbers"): integers beyond 2^53
 * are `bigint` in memory and are written back digit for digit.
 *
 * Reading: native JSON.parse, then the digits of the few rounded integers are read back from the text
 * (exact-integers.ts). Only when that cannot be done safely does the slower lossless parser read the text.
 * Writing: native JSON.stringify, with each `bigint` written as a marker string that is then replaced by
 * its digits; no second serializer, no retry.
 */

/** Any number token of 16 or more digits: below that, JSON.parse is exact (2^53 has 16 digits). */
const MAYBE_UNSAFE_INTEGER = /[:,[]\s*-?\d{16}/;

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
    return readUnknown(value, new Reading(text), '');
  } catch (error) {
    if (!(error instanceof LostTrack)) throw error;
    return parseJsonLossless(text);
  }
}

/**
 * A per-process marker nobody can guess, so no string in the data can pass for it. ASCII only: one
 * non-Latin-1 character would make V8 build the whole output as a two-byte string.
 */
const MARK = `~int64~${randomBytes(9).toString('base64url')}~`;
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
  const before = bigintsWritten;
  let text: string;
  try {
    text = JSON.stringify(value);
  } finally {
    if (previous) Object.defineProperty(proto, 'toJSON', previous);
    else delete proto.toJSON;
  }
  const count = bigintsWritten - before;
  bigintsWritten = before;
  return count === 0 ? text : unmark(text, count);
}

/** Replaces each `"<MARK>123"` by `123`. */
function unmark(text: string, count: number): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < count; i++) {
    const at = text.indexOf(QUOTED_MARK, from);
    if (at < 0) break;
    const digits = at + QUOTED_MARK.length;
    const end = text.indexOf('"', digits);
    out += text.slice(from, at) + text.slice(digits, end);
    from = end + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}
