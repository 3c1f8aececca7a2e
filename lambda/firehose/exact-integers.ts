/**
 * Exact integers around a native JSON.parse (docs/firehose-protocol.md, "Numbers").
 *
 * `JSON.parse` rounds an integer beyond 2^53 (a 64-bit `session_id`, say) to the nearest double. Such a
 * double is always an integer of magnitude above 2^53, so the reader, walking the parsed tree in document
 * order, knows exactly which values were rounded; only for those does it go back to the text: from a cursor
 * that only moves forward, it finds the next `"key": <number>` whose number parses to the same double and
 * reads its digits as a `bigint`. Nothing else of the text is scanned, so exactness costs next to nothing
 * when there is no such integer, and a few `indexOf` calls when there is.
 *
 * When the document order cannot be trusted (an object with integer-like keys, which JavaScript enumerates
 * first, or a key written with escapes), the locator gives up with `LostTrack` and the caller reads the text
 * again with the slower lossless parser, so a wrong digit is never guessed.
 */

import { randomBytes } from 'node:crypto';

export type Key = string | number;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** True for a double that may stand for a rounded integer token (and only then). */
export function isRounded(value: number): boolean {
  return (value > MAX_SAFE || value < -MAX_SAFE) && Number.isInteger(value);
}

/** The locator cannot vouch for the digits: read the text with the lossless parser instead. */
export class LostTrack extends Error {
  override readonly name = 'LostTrack';
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\uffff]/;
const NUMBER_AFTER_BRACKET = /[[,]\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/**
 * One walk over a parsed tree: hands out exact digits (when the text is known) and collects what the
 * reader skipped. Without text (input parsed by someone else) a rounded integer stays as it is.
 */
export class Reading {
  /** Above zero while the walk is inside an object whose key order differs from the text. */
  unordered = 0;
  readonly skippedEventTypes = new Map<string, number>();
  /** Where the exact integers were put back (holder and key), for a fast write (json.ts). */
  readonly restored: ExactPlaces = { holders: [], keys: [], values: [], marks: [] };
  private readonly locator: IntegerLocator | undefined;

  constructor(text?: string) {
    this.locator = text === undefined ? undefined : new IntegerLocator(text);
  }

  exact(rounded: number, key: Key): bigint | number {
    if (this.locator === undefined) return rounded;
    if (this.unordered > 0) throw new LostTrack('object with integer-like keys');
    return this.locator.exact(rounded, key);
  }

  /** Called by the holder once it has stored the exact value under `key`. */
  noteRestored(holder: object, key: Key, value: bigint): void {
    const places = this.restored;
    places.holders.push(holder);
    places.keys.push(key);
    places.values.push(value);
    // The holder stores right after `exact` returned, so the last token is this value's text.
    const token = this.locator?.takeLastToken();
    places.marks.push(INT64_MARK + (token ?? value.toString()));
  }
}

/**
 * Stands for a `bigint` in JSON.stringify output until its digits replace it (json.ts). A per-process
 * value nobody can guess, so no string in the data can pass for it; ASCII only, since one non-Latin-1
 * character would make V8 build the whole output as a two-byte string.
 */
export const INT64_MARK = `~int64~${randomBytes(12).toString('base64url')}~`;

export interface ExactPlaces {
  readonly holders: object[];
  readonly keys: Key[];
  readonly values: bigint[];
  /** `INT64_MARK` + digits, ready to swap in. */
  readonly marks: string[];
}

class IntegerLocator {
  private cursor = 0;
  private lastToken: string | undefined;

  /** The text of the integer token handed out last (once). */
  takeLastToken(): string | undefined {
    const token = this.lastToken;
    this.lastToken = undefined;
    return token;
  }

  constructor(private readonly text: string) {}

  /** The exact value of the integer token that JSON.parse read as `rounded`, under `key` (or array index). */
  exact(rounded: number, key: Key): bigint | number {
    return typeof key === 'number' ? this.inArray(rounded) : this.underKey(rounded, key);
  }

  // Not '' at first: the empty string is a key like any other (its needle is `""`, never empty).
  private lastKey: string | undefined;
  private lastNeedle = '';

  private underKey(rounded: number, key: string): bigint | number {
    if (key !== this.lastKey) {
      if (NEEDS_ESCAPE.test(key)) throw new LostTrack('key needs escapes');
      this.lastKey = key;
      this.lastNeedle = `"${key}"`;
    }
    const text = this.text;
    const needle = this.lastNeedle;
    let from = this.cursor;
    for (;;) {
      const at = text.indexOf(needle, from);
      if (at < 0) throw new LostTrack('key not found');
      let p = skipSpace(text, at + needle.length);
      from = at + needle.length;
      if (text.charCodeAt(p) !== 58 /* : */) continue;
      p = skipSpace(text, p + 1);
      const end = numberEnd(text, p);
      if (end === p) continue;
      const found = this.accept(text.slice(p, end), rounded, end, isIntegerToken(text, p, end));
      if (found !== undefined) return found;
    }
  }

  private inArray(rounded: number): bigint | number {
    NUMBER_AFTER_BRACKET.lastIndex = this.cursor;
    for (let m = NUMBER_AFTER_BRACKET.exec(this.text); m; m = NUMBER_AFTER_BRACKET.exec(this.text)) {
      const token = m[1] as string;
      const found = this.accept(token, rounded, m.index + m[0].length, /^-?\d+$/.test(token));
      if (found !== undefined) return found;
    }
    throw new LostTrack('array element not found');
  }

  private accept(token: string, rounded: number, end: number, integer: boolean): bigint | number | undefined {
    if (Number(token) !== rounded) return undefined;
    this.cursor = end;
    // `1e20` is not an integer token: the double is all the text said.
    if (!integer) return rounded;
    this.lastToken = token;
    return BigInt(token);
  }
}

function skipSpace(text: string, p: number): number {
  for (;;) {
    const c = text.charCodeAt(p);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return p;
    p++;
  }
}

function isIntegerToken(text: string, p: number, end: number): boolean {
  for (let q = text.charCodeAt(p) === 45 ? p + 1 : p; q < end; q++) {
    const c = text.charCodeAt(q);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** End of the JSON number token starting at `p` (p itself when there is none). */
function numberEnd(text: string, p: number): number {
  let q = p;
  for (;;) {
    const c = text.charCodeAt(q);
    if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69) q++;
    else return q;
  }
}
