import * as v from 'valibot';
import { FirehoseInputError } from './errors';
import { describe } from './schema/shape';

/**
 * Runs a valibot schema (queue messages and other kit-owned formats); on failure throws FirehoseInputError
 * with the first issue's path and no value. Firehose requests themselves are read by parse.ts.
 */
export function validate<S extends v.GenericSchema>(schema: S, value: unknown, prefix: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = (prefix + formatPath((issue.path ?? []).map((item) => item.key as string | number))).replace(/^\./, '');
  const reason =
    issue.kind === 'schema'
      ? issue.input === undefined
        ? 'is required'
        : `expected ${issue.expected ?? 'another type'}, got ${describe(issue.input)}`
      : issue.message;
  throw new FirehoseInputError(path, reason);
}

/** `events[1].attributes["odd key"]`: keys as they are, quoted when they are not plain names. */
export function formatPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) text += `.${key}`;
    else text += `[${JSON.stringify(printable(String(key)))}]`;
  }
  return text;
}

/** A bounded, single-line rendering of a name for an error message. */
export function printable(text: string): string {
  const cleaned = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return cleaned.length > 80 ? `${cleaned.slice(0, 80)}…` : cleaned;
}
