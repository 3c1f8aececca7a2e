import { parse as losslessParse, stringify as losslessStringify } from 'lossless-json';

/**
 * JSON that never rounds a 64-bit integer (session_id is a Java long, docs/firehose-protocol.md, "Numbers").
 *
 * Fast path: if no number token in the text has 16 or more digits, none can exceed 2^53
 * (9007199254740991 has 16 digits), so native JSON.parse is exact. Otherwise the lossless parser reads
 * integers beyond 2^53 as `bigint`, and `stringifyJson` writes them back digit for digit.
 *
 * A number token always follows `:`, `,` or `[` (after optional white space), while digits inside a string
 * follow a quote: so mpids, which are long digit strings, keep the fast path. A string that happens to hold
 * `:` + 16 digits only costs the slower (still correct) parser.
 */

const MAYBE_UNSAFE_INTEGER = /[:,[]\s*-?\d{16}/;

function parseNumber(text: string): number | bigint {
  const value = Number(text);
  if (Number.isSafeInteger(value) || !/^-?\d+$/.test(text)) return value;
  return BigInt(text);
}

export function parseJson(text: string): unknown {
  if (!MAYBE_UNSAFE_INTEGER.test(text)) return JSON.parse(text);
  // Duplicate keys: last one wins, exactly as JSON.parse does, so both paths agree.
  return losslessParse(text, null, { parseNumber, onDuplicateKey: (info) => info.newValue });
}

/** JSON.stringify that also writes `bigint` values as plain JSON numbers. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // Only a bigint makes the native serializer throw here; circular data would fail the same way below.
    if (!(error instanceof TypeError)) throw error;
    const text = losslessStringify(value);
    if (text === undefined) throw new TypeError('value has no JSON form');
    return text;
  }
}
