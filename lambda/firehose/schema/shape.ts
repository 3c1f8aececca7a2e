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
