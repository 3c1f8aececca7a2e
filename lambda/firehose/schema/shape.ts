import type { ExactPlaces, Key, RawJson } from '../exact-integers';

/**
 * A small validator for the Firehose model that checks in place instead of copying (a 1,000-event batch
 * is checked for about the cost of walking it once), and reads what mParticle's Java SDK (Jackson, 3.2.0
 * model) reads: `null` anywhere, a number or boolean where the model has a `String`, a numeric string where
 * it has a number. Values are never converted, with one exception: a number where the model has a `String`
 * becomes its text exactly as written, as Jackson's String reader makes it (`1.10` → "1.10"). The only
 * other change made to the tree is dropping `null` entries from lists of objects (they carry nothing).
 */

/**
 * Nesting deeper than this is refused: Jackson's default `StreamReadConstraints.maxNestingDepth`, so
 * whatever mParticle's SDK can read, the kit reads, and no walk can run out of stack.
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * What a check needs besides the value: the text of numbers, the nesting depth, and the skipped events;
 * and what it tells: how many values it changed, and the events list if it changed none of it.
 */
export interface ReadContext {
  /** The text the number at `holder[key]` was written with. */
  numberText(holder: object, key: Key, value: number): string;
  /** Containers open around the value being read (the document's root object is 1). */
  depth: number;
  readonly skippedEventTypes: Map<string, number>;
  /** Values the checks changed or dropped so far (a number's text kept in a text field, a null entry dropped). */
  changes: number;
  /** The events list, when its checks kept it whole and changed nothing in it: its text is what it holds. */
  unchangedEvents: unknown[] | undefined;
}

/** The context of one read. Without places (input someone else parsed), a number's text is how it prints. */
export class Reading implements ReadContext {
  depth = 0;
  readonly skippedEventTypes = new Map<string, number>();
  changes = 0;
  unchangedEvents: unknown[] | undefined;
  private byHolder: Map<object, Map<Key, string>> | undefined;

  constructor(private readonly places?: ExactPlaces) {}

  numberText(holder: object, key: Key, value: number): string {
    const places = this.places;
    if (places === undefined || places.holders.length === 0) return String(value);
    this.byHolder ??= indexPlaces(places);
    const token = this.byHolder.get(holder)?.get(key);
    return token === undefined ? String(value) : token;
  }
}

function indexPlaces(places: ExactPlaces): Map<object, Map<Key, string>> {
  const index = new Map<object, Map<Key, string>>();
  for (let i = 0; i < places.holders.length; i++) {
    const holder = places.holders[i] as object;
    let keys = index.get(holder);
    if (keys === undefined) index.set(holder, (keys = new Map()));
    keys.set(places.keys[i] as Key, (places.raws[i] as RawJson).rawJSON);
  }
  return index;
}

/** Enters a container: refuses one nested deeper than MAX_NESTING_DEPTH. */
export function enter(cx: ReadContext): void {
  if (++cx.depth > MAX_NESTING_DEPTH) {
    throw new ShapeIssue(`nests deeper than ${MAX_NESTING_DEPTH} levels (arrays and objects)`);
  }
}

export interface Shape<T> {
  /**
   * Checks a present (not `undefined`) value, found at `holder[key]`, and returns what to keep (the same
   * value, or a number's text in a string-typed field).
   */
  read(value: unknown, cx: ReadContext, key: Key, holder: object): T;
  /** Set on object shapes: a `null` entry in a list of them is dropped. */
  readonly isObject?: boolean;
  readonly required?: boolean;
}

/** A field that must be present (the object's check fails with `is required` otherwise). */
export interface RequiredShape<T> extends Shape<T> {
  readonly required: true;
}

export type Infer<S> = S extends Shape<infer T> ? T : never;

/** A check failed. The path is filled in as the error travels up; the message never holds the value. */
export class ShapeIssue extends Error {
  readonly path: Key[] = [];
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Jackson reads a `String` from any scalar and from null; a number arrives as its text. */
export type JsonText = string | boolean | null;
/** Jackson reads a number (int, long, double, BigDecimal) from a number, a numeric string, or null. */
export type JsonNumber = number | bigint | string | null;
/** Jackson reads a boolean from true/false, an integer (0 is false), "true"/"false", or null. */
export type JsonBoolean = boolean | number | bigint | string | null;

export const text: Shape<JsonText> = {
  read(value, cx, key, holder) {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'bigint':
        // Only ever made from an integer token, whose digits it prints.
        return value.toString();
      case 'number':
        return cx.numberText(holder, key, value);
      default:
        if (value === null) return null;
        throw new ShapeIssue(`expected a string, got ${describe(value)}`);
    }
  },
};

const NUMERIC = /^\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(NaN|Infinity)|)\s*$/;

export const number: Shape<JsonNumber> = {
  read(value) {
    if (typeof value === 'number' || typeof value === 'bigint' || value === null) return value;
    if (typeof value === 'string' && NUMERIC.test(value)) return value;
    throw new ShapeIssue(`expected a number, got ${describe(value)}`);
  },
};

const BOOLEAN_TEXT = /^(true|false|)$/i;

export const boolean: Shape<JsonBoolean> = {
  read(value) {
    if (typeof value === 'boolean' || value === null) return value;
    if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint') return value;
    if (typeof value === 'string' && BOOLEAN_TEXT.test(value)) return value;
    throw new ShapeIssue(`expected a boolean, got ${describe(value)}`);
  },
};

/** A field the kit relies on: must be a non-empty string (the request id keys idempotency). */
export const requiredId: RequiredShape<string> = {
  required: true,
  read(value) {
    if (typeof value === 'string' && value !== '') return value;
    throw new ShapeIssue(
      value === '' ? 'must be a non-empty string' : `must be a non-empty string, got ${describe(value)}`,
    );
  },
};

/** The discriminator, already checked by the reader before the object's shape is chosen. */
export function tag<T extends string>(_value: T): RequiredShape<T> {
  return { required: true, read: (value) => value as T };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** The kind of a value, for messages: never the value itself (it may be a secret). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'a string' : typeof value;
}
