import { storeOwn, type Key } from '../exact-integers';
import { describe, enter, isPlainObject, ShapeIssue, type Infer, type ReadContext, type Shape } from './shape';

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

/** How many of an object's keys `object` remembers from the last one read. */
const REMEMBERED_KEYS = 32;

export function object<F extends Fields>(fields: F): ObjectShape<ObjectOf<F>> {
  const table = new Map<string, Shape<unknown>>(Object.entries(fields));
  const required = Object.keys(fields).filter((k) => fields[k]?.required);
  // The first keys of the last object read, in order, with their shapes: objects of one kind (events of one
  // type) list the same keys in the same order, so a key is looked up only where it differs from the last.
  const lastKeys: string[] = [];
  const lastShapes: (Shape<unknown> | undefined)[] = [];
  const readRoot = (obj: Record<string, unknown>, cx: ReadContext): ObjectOf<F> => {
    enter(cx);
    let key = '';
    let at = 0;
    try {
      for (key in obj) {
        const value = obj[key];
        let shape: Shape<unknown> | undefined;
        if (lastKeys[at] === key) shape = lastShapes[at];
        else {
          shape = table.get(key);
          if (at < REMEMBERED_KEYS) {
            lastKeys[at] = key;
            lastShapes[at] = shape;
          }
        }
        at++;
        if (value === undefined) continue;
        const kept = shape === undefined ? readUnknown(value, cx) : shape.read(value, cx, key, obj);
        if (kept !== value) {
          storeOwn(obj, key, kept);
          cx.changes++;
        }
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
    }
    cx.depth--;
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
      enter(cx);
      let out: unknown[] = value;
      let i = 0;
      try {
        for (; i < value.length; i++) {
          const element: unknown = value[i];
          if (element === null && item.isObject) {
            if (out === value) out = value.slice(0, i);
            cx.changes++;
            continue;
          }
          const kept = element === undefined ? element : item.read(element, cx, i, value);
          if (out !== value) out.push(kept);
          else if (kept !== element) {
            value[i] = kept;
            cx.changes++;
          }
        }
      } catch (error) {
        throw withKey(error, i);
      }
      cx.depth--;
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
      enter(cx);
      let key = '';
      try {
        for (key in value) {
          const element = value[key];
          if (element === undefined) continue;
          const kept = item.read(element, cx, key, value);
          if (kept !== element) {
            storeOwn(value, key, kept);
            cx.changes++;
          }
        }
      } catch (error) {
        throw withKey(error, key);
      }
      cx.depth--;
      return value as Record<string, T>;
    },
  };
}

/** Several accepted forms (e.g. DSR `submitted_time`: seconds as a number, or an ISO-8601 string). */
export const anything: Shape<unknown> = { read: (value, cx) => readUnknown(value, cx) };

/**
 * A field the model does not describe: kept as it is (the reader already put exact numbers in place), only
 * walked to refuse nesting beyond the limit.
 */
export function readUnknown(value: unknown, cx: ReadContext): unknown {
  if (typeof value !== 'object' || value === null) return value;
  enter(cx);
  let key: Key = '';
  try {
    if (Array.isArray(value)) {
      for (key = 0; key < value.length; key++) readUnknown(value[key], cx);
    } else {
      for (key in value) readUnknown((value as Record<string, unknown>)[key], cx);
    }
  } catch (error) {
    throw withKey(error, key);
  }
  cx.depth--;
  return value;
}

function withKey(error: unknown, key: Key): unknown {
  if (error instanceof ShapeIssue) error.path.unshift(key);
  return error;
}
