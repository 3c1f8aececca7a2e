import { rememberListText } from './as-sent';
import { FirehoseInputError } from './errors';
import { readExactNumbers } from './exact-integers';
import { inputError, parseText, rememberExactPlaces } from './json';
import { describe, isPlainObject, Reading, ShapeIssue } from './schema/shape';
import { requestSchemas, type FirehoseRequest, type FirehoseRequestType } from './schema/requests';
import { printable } from './validate';

export { validate } from './validate';

/** The outcome of reading one request: the typed message, and the events skipped for an unknown `type`. */
export interface ParsedRequest {
  readonly request: FirehoseRequest;
  /** Unknown event type → how many events of it were skipped. Empty for every other message. */
  readonly skippedEventTypes: ReadonlyMap<string, number>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns raw input (text, bytes or an already-parsed value) into a typed Firehose request, or throws a
 * FirehoseInputError naming the field path. Reads whatever mParticle's Java SDK reads (schema/shape.ts),
 * strict only where the kit relies on the shape, and nothing nested deeper than Jackson reads
 * (MAX_NESTING_DEPTH). The request is the parsed tree itself, checked in place: values reach the partner as
 * they were sent, every number as its text said when the input is text (exact-integers.ts).
 */
export function parseFirehoseRequest(input: unknown): ParsedRequest {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    // Someone else parsed it (the Lambda runtime): copy the top level, which the reader changes (`events`).
    return readRequest(isPlainObject(input) ? { ...input } : input, new Reading());
  }
  const text = decode(input);
  const value = parseText(text);
  // A root that is not an object is refused below, so only the places matter here.
  const { places, listTexts } = readExactNumbers(text, value);
  const reading = new Reading(places);
  const parsed = readRequest(value, reading);
  rememberExactPlaces(places);
  // Events the checks kept whole and unchanged can be written as sent (as-sent.ts).
  const events = reading.unchangedEvents;
  const span = events === undefined ? undefined : listTexts.get(events);
  if (events !== undefined && span !== undefined) rememberListText(events, text.slice(span[0], span[1]));
  return parsed;
}

function decode(input: string | Uint8Array): string {
  if (typeof input === 'string') return input;
  try {
    return utf8.decode(input);
  } catch (cause) {
    throw new FirehoseInputError('', 'input is not valid UTF-8', { cause });
  }
}

function readRequest(value: unknown, reading: Reading): ParsedRequest {
  if (!isPlainObject(value)) throw new FirehoseInputError('', `expected a JSON object, got ${describe(value)}`);
  const type = readMessageType(value);
  let request: FirehoseRequest;
  try {
    request = requestSchemas[type].readRoot(value, reading) as FirehoseRequest;
  } catch (error) {
    throw error instanceof ShapeIssue ? inputError(error) : error;
  }
  // A missing or null `events` is a verification message: read it as an empty batch.
  if (request.type === 'event_processing_request' && !Array.isArray(request.events)) request.events = [];
  return { request, skippedEventTypes: reading.skippedEventTypes };
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
