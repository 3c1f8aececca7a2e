import * as v from 'valibot';
import { FirehoseInputError } from './errors';
import { parseJson } from './json';
import { eventSchemas, isEventType, type FirehoseEvent } from './schema/events';
import { requestSchemas, type FirehoseRequest, type FirehoseRequestType } from './schema/requests';

/** The outcome of reading one request: the typed message, and the events skipped for an unknown `type`. */
export interface ParsedRequest {
  readonly request: FirehoseRequest;
  /** Unknown event type → how many events of it were skipped. Empty for every other message. */
  readonly skippedEventTypes: ReadonlyMap<string, number>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns raw input (text, bytes or an already-parsed value) into a typed Firehose request, or throws a
 * FirehoseInputError naming the field path. Strict where the kit relies on the shape, tolerant elsewhere.
 */
export function parseFirehoseRequest(input: unknown): ParsedRequest {
  const value = typeof input === 'string' || input instanceof Uint8Array ? readJson(input) : input;
  if (!isPlainObject(value)) throw new FirehoseInputError('', `expected a JSON object, got ${describe(value)}`);

  const type = readMessageType(value);
  if (type === 'event_processing_request') return parseEventBatch(value);
  return { request: validate(requestSchemas[type], value, ''), skippedEventTypes: new Map() };
}

function readJson(input: string | Uint8Array): unknown {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch (cause) {
      throw new FirehoseInputError('', 'input is not valid UTF-8', { cause });
    }
  }
  try {
    return parseJson(text);
  } catch (cause) {
    // Never quote the parser's message: it repeats part of the input, which may hold secrets.
    if (cause instanceof RangeError) throw new FirehoseInputError('', 'input nests too deeply to read', { cause });
    const position = /position (\d+)/.exec(String(cause))?.[1];
    throw new FirehoseInputError('', `input is not valid JSON${position ? ` (at position ${position})` : ''}`, { cause });
  }
}

function readMessageType(value: Record<string, unknown>): FirehoseRequestType {
  const type = value['type'];
  if (type === undefined) throw new FirehoseInputError('type', 'is required');
  if (typeof type !== 'string') throw new FirehoseInputError('type', `must be a string, got ${describe(type)}`);
  if (Object.hasOwn(requestSchemas, type)) return type as FirehoseRequestType;
  if (type.endsWith('_response')) {
    throw new FirehoseInputError('type', `"${printable(type)}" is a response type; mParticle sends requests`);
  }
  throw new FirehoseInputError('type', `unknown message type "${printable(type)}"`);
}

function parseEventBatch(value: Record<string, unknown>): ParsedRequest {
  const { events: rawEvents, ...batch } = value;
  // A missing `events` is a verification message (docs/firehose-protocol.md, "Verification messages"): read it as an empty batch.
  const list = rawEvents ?? [];
  if (!Array.isArray(list)) throw new FirehoseInputError('events', `must be an array, got ${describe(list)}`);

  const events: FirehoseEvent[] = [];
  const skippedEventTypes = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const event: unknown = list[i];
    const path = `events[${i}]`;
    if (!isPlainObject(event)) throw new FirehoseInputError(path, `must be an object, got ${describe(event)}`);
    const type = event['type'];
    if (type === undefined) throw new FirehoseInputError(`${path}.type`, 'is required');
    if (typeof type !== 'string') throw new FirehoseInputError(`${path}.type`, `must be a string, got ${describe(type)}`);
    if (!isEventType(type)) {
      skippedEventTypes.set(type, (skippedEventTypes.get(type) ?? 0) + 1);
      continue;
    }
    events.push(validate(eventSchemas[type], event, path) as FirehoseEvent);
  }

  const request = validate(requestSchemas.event_processing_request, batch, '');
  return { request: { ...request, events }, skippedEventTypes };
}

/** Runs a valibot schema; on failure throws FirehoseInputError with the first issue's path and no value. */
export function validate<S extends v.GenericSchema>(schema: S, value: unknown, prefix: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = (prefix + formatPath(issue.path)).replace(/^\./, '');
  const reason =
    issue.kind === 'schema'
      ? issue.input === undefined
        ? 'is required'
        : `expected ${issue.expected ?? 'another type'}, got ${describe(issue.input)}`
      : issue.message;
  throw new FirehoseInputError(path, reason);
}

function formatPath(path: readonly v.IssuePathItem[] | undefined): string {
  let text = '';
  for (const item of path ?? []) {
    const key: unknown = item.key;
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += `.${key}`;
    else text += `[${JSON.stringify(printable(String(key)))}]`;
  }
  return text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** The kind of a value, for messages: never the value itself (it may be a secret). */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'a string' : typeof value;
}

/** A bounded, single-line rendering of a type name for an error message. */
function printable(text: string): string {
  const cleaned = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return cleaned.length > 80 ? `${cleaned.slice(0, 80)}…` : cleaned;
}
