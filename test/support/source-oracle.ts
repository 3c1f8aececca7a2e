/**
 * The oracle for exact numbers: `JSON.parse` with a reviver that reads each number's source text (native
 * since Node 22), independent of the kit's reader. Slow (10–15× a plain parse): for tests only.
 */

/** A number as the text wrote it. */
export class SourceNumber {
  constructor(readonly source: string) {}

  /** An integer token (no fraction, no exponent) beyond 2^53: the kit reads it as a `bigint`. */
  get isBigInteger(): boolean {
    if (!/^-?\d+$/.test(this.source)) return false;
    const value = BigInt(this.source);
    return value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER);
  }
}

interface ReviverContext {
  readonly source?: string;
}

/** The document with every number as a SourceNumber (duplicate keys: the last one wins, as JSON.parse). */
export function readWithSource(text: string): unknown {
  // The reviver's third argument is not in TypeScript's lib yet.
  const reviver = (_key: string, value: unknown, context?: ReviverContext): unknown => {
    if (typeof value !== 'number') return value;
    if (context?.source === undefined) throw new Error('this Node has no JSON.parse source text (Node 22+)');
    return new SourceNumber(context.source);
  };
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

/** JSON text of an oracle tree: every number written as its source (keys in JavaScript's order). */
export function writeWithSource(value: unknown): string {
  if (value instanceof SourceNumber) return value.source;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : writeWithSource(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members: string[] = [];
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) members.push(`${JSON.stringify(key)}:${writeWithSource(v)}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Where a value read by the kit differs from the oracle in memory: integers beyond 2^53 must be that
 * `bigint`, any other number the double of its token. Returns a path, or undefined when they agree.
 */
export function memoryMismatch(actual: unknown, oracle: unknown, path = ''): string | undefined {
  if (oracle instanceof SourceNumber) {
    if (oracle.isBigInteger) return actual === BigInt(oracle.source) ? undefined : path;
    return typeof actual === 'number' && Object.is(actual, Number(oracle.source)) ? undefined : path;
  }
  if (typeof oracle !== 'object' || oracle === null) return Object.is(actual, oracle) ? undefined : path;
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual) !== Array.isArray(oracle)) return path;
  const keys = Object.keys(oracle);
  if (keys.join('\u0000') !== Object.keys(actual).join('\u0000')) return `${path} (keys)`;
  for (const key of keys) {
    const found = memoryMismatch(
      (actual as Record<string, unknown>)[key],
      (oracle as Record<string, unknown>)[key],
      `${path}/${key}`,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}
