import { isRounded, type Key } from '../exact-integers';
import { describe, isPlainObject, ShapeIssue, type Infer, type ReadContext, type Shape } from './shape';

/** Objects, lists and maps of the Firehose model, checked in place (see shape.ts). */

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
  const table = new Map<string, Shape<unknown>>(Object.entries(fields));
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
        const shape = table.get(key);
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
  if (key === '__proto__')
    Object.defineProperty(holder, key, { value, writable: true, enumerable: true, configurable: true });
  else (holder as Record<Key, unknown>)[key] = value;
  if (typeof value === 'bigint') cx.noteRestored(holder, key, value);
}
