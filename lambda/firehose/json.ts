import { writeSentLists } from './as-sent';
import { FirehoseInputError } from './errors';
import { rawJson, readExactNumbers, type ExactPlaces } from './exact-integers';
import { jsonErrorPlace } from './json-error-place';
import { readUnknown } from './schema/containers';
import { MAX_NESTING_DEPTH, Reading, ShapeIssue } from './schema/shape';
import { formatPath } from './validate';

/**
 * JSON that keeps every number as it was written (docs/firehose-protocol.md, "Numbers"): integers beyond
 * 2^53 are `bigint` in memory, and any other number whose double prints differently (`1.10`, `1e2`, `-0`,
 * `0.1000000000000000055511151231257827`) is written back as its original token.
 *
 * Reading: native JSON.parse, then the numbers the double cannot print are read from the text
 * (exact-integers.ts). Writing: native JSON.stringify, with each such number given to it as
 * `JSON.rawJSON(token)`, which it writes as the token itself; no second serializer, no retry, no pass over
 * its output.
 */

/**
 * Where the reader kept exact numbers in the most recently read document. Writing swaps those values for
 * their raw JSON directly (two property writes each) while they are still in place. A `bigint` moved
 * elsewhere is still written exactly (by `toJSON`); a double moved elsewhere is written as JavaScript prints
 * it, so the writer must run before another document is read (the kit parses, maps and writes in one
 * synchronous step).
 */
let recentPlaces: ExactPlaces | undefined;
let recentRoot: { value: unknown; token: string } | undefined;

export function rememberExactPlaces(places: ExactPlaces, root?: { value: unknown; token: string }): void {
  recentPlaces = places.holders.length > 0 ? places : undefined;
  recentRoot = root;
}

/**
 * Reads JSON text exactly (see above). Throws FirehoseInputError when the text is not JSON or nests deeper
 * than MAX_NESTING_DEPTH levels.
 */
export function parseJson(text: string): unknown {
  const { root, places, rootToken } = readExactNumbers(text, parseText(text));
  try {
    readUnknown(root, new Reading(places));
  } catch (error) {
    throw error instanceof ShapeIssue ? inputError(error) : error;
  }
  rememberExactPlaces(places, rootToken === undefined ? undefined : { value: root, token: rootToken });
  return root;
}

/** JSON.parse, its refusal as the input error: where the text stops being JSON, never a piece of it. */
export function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    // Never quote the parser's message: it repeats part of the input, which may hold secrets. (V8's parser does
    // not recurse, so a RangeError here is about size, not nesting; the walk refuses deep nesting.)
    if (cause instanceof RangeError) throw new FirehoseInputError('', 'input is too large to read', { cause });
    const place = jsonErrorPlace(text, cause);
    throw new FirehoseInputError('', `input is not valid JSON${place ? ` (at ${place})` : ''}`, { cause });
  }
}

export { MAX_NESTING_DEPTH };

/** The input error for a failed check: its path, shortened in the middle when it is long (deep nesting). */
export function inputError(issue: ShapeIssue): FirehoseInputError {
  const path = issue.path;
  const text =
    path.length <= 12
      ? formatPath(path)
      : `${formatPath(path.slice(0, 6))}…(${path.length - 10} more)…${formatPath(path.slice(-4))}`;
  return new FirehoseInputError(text.replace(/^\./, ''), issue.reason);
}

function bigintToJson(this: bigint): object {
  return rawJson(this.toString());
}

/** JSON.stringify that also writes `bigint` values as plain JSON numbers, and read numbers as written. */
export function stringifyJson(value: unknown): string {
  // A document that is one number: written as read by the next write only (a primitive has no holder to tie
  // its text to, so a later write of an equal number elsewhere must not get this token).
  const root = recentRoot;
  recentRoot = undefined;
  if (root !== undefined && Object.is(value, root.value)) return root.token;
  const previous = Object.getOwnPropertyDescriptor(bigintProto, 'toJSON');
  // Only for the length of this synchronous call, so nobody else's JSON.stringify sees it. Between calls the
  // property stays, parked as `undefined` (which JSON.stringify ignores as it ignores a missing one): adding and
  // deleting it on every call reshaped BigInt.prototype each time, which cost a write of 100 events 3% of its time.
  const parked = previous !== undefined && previous.value === undefined && previous.writable === true;
  if (parked) bigintProto.toJSON = bigintToJson;
  else Object.defineProperty(bigintProto, 'toJSON', { value: bigintToJson, configurable: true, writable: true });
  const places = recentPlaces;
  const swapped = places ? swapIn(places, writing === 0 ? reusedFlags(places.holders.length) : undefined) : undefined;
  writing++;
  try {
    return writeSentLists(() => JSON.stringify(value));
  } finally {
    writing--;
    if (places && swapped) swapOut(places, swapped);
    if (parked || previous === undefined) bigintProto.toJSON = undefined;
    else Object.defineProperty(bigintProto, 'toJSON', previous);
  }
}

const bigintProto = BigInt.prototype as { toJSON?: unknown };

/** Writes under way: a toJSON may write again, and that write flags its swaps in flags of its own. */
let writing = 0;
/** The outermost write's flags, reused: allocating them for each write cost more than clearing them. */
let swapFlags = new Uint8Array(256);

function reusedFlags(length: number): Uint8Array {
  if (swapFlags.length < length) swapFlags = new Uint8Array(Math.max(length, 2 * swapFlags.length));
  swapFlags.fill(0, 0, length);
  return swapFlags;
}

/** Puts raw JSON where the recent document holds its exact numbers; flags the places it swapped. */
function swapIn(places: ExactPlaces, flags: Uint8Array | undefined): Uint8Array {
  const { holders, keys, values, raws } = places;
  const swapped = flags ?? new Uint8Array(holders.length);
  for (let i = 0; i < holders.length; i++) {
    const holder = holders[i] as Record<Key, unknown>;
    const key = keys[i] as Key;
    // The mapping may have changed the document: only a value still in place is swapped.
    if (Object.is(holder[key], values[i])) {
      holder[key] = raws[i];
      swapped[i] = 1;
    }
  }
  return swapped;
}

type Key = string | number;

function swapOut(places: ExactPlaces, swapped: Uint8Array): void {
  const { holders, keys, values } = places;
  for (let i = 0; i < holders.length; i++) {
    if (swapped[i] === 1) (holders[i] as Record<Key, unknown>)[keys[i] as Key] = values[i];
  }
}
