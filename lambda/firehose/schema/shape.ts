import { isRounded, type Key } from '../exact-integers';

/**
 * A small validator for the Firehose model that checks in place instead of copying (a 1,000-event batch
 * is checked for about the cost of walking it once), and reads what mParticle's Java SDK (Jackson, 3.2.0
 * model) reads: `null` anywhere, a number or boolean where the model has a `String`, a numeric string where
 * it has a number. Values are never converted: what was sent is what the partner receives. The only
 * change made to the tree is putting back the exact digits of integers `JSON.parse` rounded
 * (exact-integers.ts), and dropping `null` entries from lists of objects (they carry nothing).
 */

/** What a check needs besides the value: exact digits for rounded integers, and the skipped events. */
export interface ReadContext {
  exact(rounded: number, key: Key): bigint | number;
  /** Told where an exact integer was put back, so the writer can find it without a search. */
  noteRestored(holder: object, key: Key, value: bigint): void;
  /** Incremented while inside an object whose key order is not the text's (integer-like keys). */
  unordered: number;
  readonly skippedEventTypes: Map<string, number>;
}

export interface Shape<T> {
  /** Checks a present (not `undefined`) value and returns what to keep (the same value, or exact digits). */
  read(value: unknown, cx: ReadContext, key: Key): T;
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

/** Jackson reads a `String` from any scalar and from null. */
export type JsonText = string | number | bigint | boolean | null;
/** Jackson reads a number (int, long, double, BigDecimal) from a number, a numeric string, or null. */
export type JsonNumber = number | bigint | string | null;
/** Jackson reads a boolean from true/false, an integer (0 is false), "true"/"false", or null. */
export type JsonBoolean = boolean | number | string | null;

export const text: Shape<JsonText> = {
  read(value, cx, key) {
    switch (typeof value) {
      case 'string':
      case 'boolean':
      case 'bigint':
        return value;
      case 'number':
        return isRounded(value) ? cx.exact(value, key) : value;
      default:
        if (value === null) return null;
        throw new ShapeIssue(`expected a string, got ${describe(value)}`);
    }
  },
};

const NUMERIC = /^\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(NaN|Infinity)|)\s*$/;

export const number: Shape<JsonNumber> = {
  read(value, cx, key) {
    if (typeof value === 'number') return isRounded(value) ? cx.exact(value, key) : value;
    if (typeof value === 'bigint' || value === null) return value;
    if (typeof value === 'string' && NUMERIC.test(value)) return value;
    throw new ShapeIssue(`expected a number, got ${describe(value)}`);
  },
};

const BOOLEAN_TEXT = /^(true|false|)$/i;

export const boolean: Shape<JsonBoolean> = {
  read(value) {
    if (typeof value === 'boolean' || value === null) return value;
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && BOOLEAN_TEXT.test(value)) return value;
    throw new ShapeIssue(`expected a boolean, got ${describe(value)}`);
  },
};

/** A field the kit relies on: must be a non-empty string (the request id keys idempotency). */
export const requiredId: RequiredShape<string> = {
  required: true,
  read(value) {
    if (typeof value === 'string' && value !== '') return value;
    throw new ShapeIssue(value === '' ? 'must be a non-empty string' : `must be a non-empty string, got ${describe(value)}`);
  },
};

/** The discriminator, already checked by the reader before the object's shape is chosen. */
export function tag<T extends string>(_value: T): RequiredShape<T> {
  return { required: true, read: (value) => value as T };
}

type Fields = Record<string, Shape<unknown>>;
type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K] extends { readonly required: true } ? K : never }[keyof F];

/**
 * Exactly the model's fields: a misspelt field name is a type error. Fields the model does not describe
 * are still there at run time (and reach the partner with the rest); read them with `unknownFields`.
 */
export type ObjectOf<F extends Fields> = { [K in RequiredKeys<F>]: Infer<F[K]> } & {
  [K in Exclude<keyof F, RequiredKeys<F>>]?: Infer<F[K]>;
};

export interface ObjectShape<T> extends Shape<T | null> {
  readonly isObject: true;
  /** The model's field names for this object. */
  readonly fieldNames: ReadonlySet<string>;
  /** Reads an object already known to be a plain object (the root of a request, an event). */
  readRoot(value: Record<string, unknown>, cx: ReadContext): T;
}

export function object<F extends Fields>(fields: F): ObjectShape<ObjectOf<F>> {
  const table: Record<string, Shape<unknown>> = Object.assign(Object.create(null) as object, fields);
  const required = Object.keys(fields).filter((k) => fields[k]?.required);
  const readRoot = (obj: Record<string, unknown>, cx: ReadContext): ObjectOf<F> => {
    let key = '';
    let unordered = false;
    let first = true;
    try {
      for (key in obj) {
        if (first) {
          first = false;
          if (isIndexLike(key)) {
            unordered = true;
            cx.unordered++;
          }
        }
        const value = obj[key];
        if (value === undefined) continue;
        const shape = table[key];
        const kept = shape === undefined ? readUnknown(value, cx, key) : shape.read(value, cx, key);
        if (kept !== value) store(cx, obj, key, kept);
      }
      key = '';
      for (const name of required) {
        if (obj[name] === undefined) {
          key = name;
          throw new ShapeIssue('is required');
        }
      }
    } catch (error) {
      throw withKey(error, key);
    } finally {
      if (unordered) cx.unordered--;
    }
    return obj as ObjectOf<F>;
  };
  return {
    isObject: true,
    fieldNames: new Set(Object.keys(fields)),
    readRoot,
    read(value, cx) {
      if (value === null) return null;
      if (!isPlainObject(value)) throw new ShapeIssue(`expected an object, got ${describe(value)}`);
      return readRoot(value, cx);
    },
  };
}

/** A list. `null` entries are kept in lists of scalars and dropped from lists of objects (they carry nothing). */
export function list<T>(item: ObjectShape<T>): Shape<T[] | null>;
export function list<T>(item: Shape<T>): Shape<T[] | null>;
export function list<T>(item: Shape<T>): Shape<T[] | null> {
  return {
    read(value, cx) {
      if (value === null) return null;
      if (!Array.isArray(value)) throw new ShapeIssue(`expected an array, got ${describe(value)}`);
      let out: unknown[] = value;
      let i = 0;
      try {
        for (; i < value.length; i++) {
          const element: unknown = value[i];
          if (element === null && item.isObject) {
            if (out === value) out = value.slice(0, i);
            continue;
          }
          const kept = element === undefined ? element : item.read(element, cx, i);
          if (out !== value) out.push(kept);
          else if (kept !== element) store(cx, value, i, kept);
        }
      } catch (error) {
        throw withKey(error, i);
      }
      return out as T[];
    },
  };
}

/** An object used as a map (`attributes`, `account_settings`, …): any key, each value of one shape. */
export function map<T>(item: Shape<T>): Shape<Record<string, T> | null> {
  return {
    read(value, cx) {
      if (value === null) return null;
      if (!isPlainObject(value)) throw new ShapeIssue(`expected an object, got ${describe(value)}`);
      let key = '';
      let unordered = false;
      let first = true;
      try {
        for (key in value) {
          if (first) {
            first = false;
            if (isIndexLike(key)) {
              unordered = true;
              cx.unordered++;
            }
          }
          const element = value[key];
          if (element === undefined) continue;
          const kept = item.read(element, cx, key);
          if (kept !== element) store(cx, value, key, kept);
        }
      } catch (error) {
        throw withKey(error, key);
      } finally {
        if (unordered) cx.unordered--;
      }
      return value as Record<string, T>;
    },
  };
}

/** Several accepted forms (e.g. DSR `submitted_time`: seconds as a number, or an ISO-8601 string). */
export const anything: Shape<unknown> = { read: (value, cx, key) => readUnknown(value, cx, key) };

/** A field the model does not describe: kept as it is, with the exact digits of rounded integers. */
export function readUnknown(value: unknown, cx: ReadContext, key: Key): unknown {
  if (typeof value === 'number') return isRounded(value) ? cx.exact(value, key) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      const kept = readUnknown(element, cx, i);
      if (kept !== element) store(cx, value, i, kept);
    }
    return value;
  }
  const obj = value as Record<string, unknown>;
  let unordered = false;
  let first = true;
  try {
    for (const k in obj) {
      if (first) {
        first = false;
        if (isIndexLike(k)) {
          unordered = true;
          cx.unordered++;
        }
      }
      const element = obj[k];
      const kept = readUnknown(element, cx, k);
      if (kept !== element) store(cx, obj, k, kept);
    }
  } finally {
    if (unordered) cx.unordered--;
  }
  return obj;
}

function withKey(error: unknown, key: Key): unknown {
  if (error instanceof ShapeIssue) error.path.unshift(key);
  return error;
}

/** JavaScript enumerates integer-like keys first, whatever their place in the text: the first key tells. */
function isIndexLike(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(0|[1-9]\d*)$/.test(key);
}

/** `holder[key] = value`, also for a key named `__proto__` (an own property in JSON.parse output). */
function store(cx: ReadContext, holder: Record<Key, unknown> | unknown[], key: Key, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(holder, key, { value, writable: true, enumerable: true, configurable: true });
  else (holder as Record<Key, unknown>)[key] = value;
  if (typeof value === 'bigint') cx.noteRestored(holder, key, value);
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
