import { describe, expect, it } from 'vitest';
import { FirehoseInputError, parseFirehoseRequest, stringifyJson } from '../../lambda/firehose';

/**
 * The field readers of the request schema through the parser: what a number, a boolean and an id accept and
 * the exact message for what they refuse, and exact integers under keys that JavaScript reorders. Written for
 * the survivors of `npm run mutation` in lambda/firehose/schema (README, "Mutation testing").
 */

const batch = (fields: Record<string, unknown>): Record<string, unknown> => ({
  type: 'event_processing_request',
  id: 'r-1',
  events: [],
  ...fields,
});

function refusal(message: unknown): string {
  try {
    parseFirehoseRequest(JSON.stringify(message));
  } catch (error) {
    if (error instanceof FirehoseInputError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('field readers', () => {
  it('number: numbers, numeric text and null; anything else named', () => {
    expect(refusal(batch({ timestamp_ms: '1.5e3' }))).toBe('accepted');
    expect(refusal(batch({ timestamp_ms: null }))).toBe('accepted');
    expect(refusal(batch({ timestamp_ms: 'soon' }))).toBe('timestamp_ms: expected a number, got a string');
    expect(refusal(batch({ timestamp_ms: true }))).toBe('timestamp_ms: expected a number, got boolean');
    expect(refusal(batch({ timestamp_ms: { at: 1 } }))).toBe('timestamp_ms: expected a number, got an object');
  });

  it('boolean: booleans, whole numbers, true/false text (any case) and null; anything else named', () => {
    const runtime = (is_debug: unknown) => batch({ runtime_environment: { type: 'ios', is_debug } });
    for (const accepted of [true, 1, 'TRUE', 'false', '', null]) expect(refusal(runtime(accepted))).toBe('accepted');
    expect(refusal(runtime('yes'))).toBe('runtime_environment.is_debug: expected a boolean, got a string');
    expect(refusal(runtime(1.5))).toBe('runtime_environment.is_debug: expected a boolean, got number');
    expect(refusal(runtime([]))).toBe('runtime_environment.is_debug: expected a boolean, got an array');
  });

  it('id: a non-empty string, and says what came instead', () => {
    expect(refusal(batch({ id: '' }))).toBe('id: must be a non-empty string');
    expect(refusal(batch({ id: 5 }))).toBe('id: must be a non-empty string, got number');
    expect(refusal(batch({ id: null }))).toBe('id: must be a non-empty string, got null');
  });

  it('events: a list of objects with a string type; null entries dropped, a null list read as none', () => {
    expect(refusal(batch({ events: 'many' }))).toBe('events: must be an array, got a string');
    expect(refusal(batch({ events: [{ type: 7 }] }))).toBe('events[0].type: must be a string, got number');
    expect(refusal(batch({ events: [{ id: 'e' }] }))).toBe('events[0].type: is required');
    const { request } = parseFirehoseRequest(JSON.stringify(batch({ events: [null, { type: 'custom_event' }] })));
    expect((request as { events: unknown[] }).events).toHaveLength(1);
    expect(
      (parseFirehoseRequest(JSON.stringify(batch({ events: null }))).request as { events: unknown[] }).events,
    ).toEqual([]);
  });
});

describe('exact integers', () => {
  it('keep their digits under integer-like keys, which JavaScript reads out of order', () => {
    // Prepare: "2" and "1" come after "b" in the text but first in the parsed object. Event attributes are a
    // string map: each number arrives as its text, exactly as written (as Jackson's String reader gives it).
    const text =
      '{"type":"event_processing_request","id":"r","events":[{"type":"custom_event",' +
      '"attributes":{"b":9007199254740993,"2":9007199254740995,"1":9007199254740997}}]}';
    // Act
    const out = stringifyJson(parseFirehoseRequest(text).request);
    // Assess
    expect(out).toContain('"b":"9007199254740993"');
    expect(out).toContain('"2":"9007199254740995"');
    expect(out).toContain('"1":"9007199254740997"');
  });

  it('keep their digits in lists of an unknown field, and under a "__proto__" key as an own field', () => {
    // Prepare
    const text =
      '{"type":"event_processing_request","id":"r","events":[{"type":"custom_event",' +
      '"attributes":{"__proto__":9007199254740993},"extra":{"list":[1,9007199254740995]}}]}';
    // Act
    const { request } = parseFirehoseRequest(text);
    const out = stringifyJson(request);
    // Assess
    expect(out).toContain('"__proto__":"9007199254740993"'); // a string map: the number's text
    expect(out).toContain('[1,9007199254740995]');
    // An own field, not the object's prototype (JSON.parse's reading, kept by the exact reader).
    const attributes = (request as { events: { attributes: object }[] }).events[0]?.attributes as object;
    expect(Object.hasOwn(attributes, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
  });
});
