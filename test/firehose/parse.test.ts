import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, FirehoseInputError, parseFirehoseRequest, parseJson, stringifyJson } from '../../lambda/firehose';
import {
  customEvents,
  dsrErasure,
  event,
  eventBatch,
  membershipChange,
  profile,
  registrationRequest,
  subscription,
} from '../support/factories';
import { SAMPLE_FILES } from '../support/samples';
import { thrownBy } from '../support/thrown';

const parseError = (input: unknown): FirehoseInputError =>
  thrownBy(FirehoseInputError, () => parseFirehoseRequest(input));

describe('parseFirehoseRequest: the five request types', () => {
  it.each([
    ['module_registration_request', registrationRequest()],
    ['event_processing_request', eventBatch(customEvents(2))],
    ['audience_subscription_request', subscription('add')],
    ['audience_membership_change_request', membershipChange([profile('1')])],
    ['dsr_processing_request', dsrErasure()],
  ])('reads a %s', (type, message) => {
    // Act
    const { request } = parseFirehoseRequest(message);
    // Assess
    expect(request.type).toBe(type);
    expect(request.id).toBe(message['id']);
  });

  it('reads text, bytes and parsed objects alike', () => {
    // Prepare
    const message = eventBatch(customEvents(3));
    const text = JSON.stringify(message);
    // Act
    const fromText = parseFirehoseRequest(text).request;
    const fromBytes = parseFirehoseRequest(Buffer.from(text)).request;
    const fromObject = parseFirehoseRequest(message).request;
    // Assess
    expect(fromBytes).toEqual(fromText);
    expect(fromObject).toEqual(fromText);
  });

  it.each(EVENT_TYPES)('keeps a %s event with its fields', (type) => {
    // Prepare
    const message = eventBatch([event(type, { extra_field_from_the_future: { nested: true } })]);
    // Act
    const { request } = parseFirehoseRequest(message);
    // Assess
    if (request.type !== 'event_processing_request') throw new Error('wrong type');
    expect(request.events).toHaveLength(1);
    expect(request.events[0]?.type).toBe(type);
    expect(request.events[0]).toMatchObject({ extra_field_from_the_future: { nested: true } });
  });
});

describe('parseFirehoseRequest: tolerant reader', () => {
  it('skips events of an unknown type, counts them and keeps the rest in order', () => {
    // Prepare
    const [first, last] = customEvents(2);
    const message = eventBatch([first, event('hologram'), event('hologram'), event('teleport'), last]);
    // Act
    const { request, skippedEventTypes } = parseFirehoseRequest(message);
    // Assess
    if (request.type !== 'event_processing_request') throw new Error('wrong type');
    expect(request.events.map((e) => e.id)).toEqual([first?.['id'], last?.['id']]);
    expect(Object.fromEntries(skippedEventTypes)).toEqual({ hologram: 2, teleport: 1 });
  });

  it('accepts a future firehose_version, unknown runtime environment and notification types, and unknown fields', () => {
    // Prepare
    const message = eventBatch(customEvents(1), {
      firehose_version: '9.0.0',
      runtime_environment: { type: 'quantum_fridge', identities: [] },
      system_notifications: [{ type: 'future_consent_kind', purpose: 'x' }],
      brand_new_field: [1, 2, 3],
    });
    // Act
    const { request } = parseFirehoseRequest(message);
    // Assess
    expect(request).toMatchObject({
      firehose_version: '9.0.0',
      runtime_environment: { type: 'quantum_fridge' },
      system_notifications: [{ type: 'future_consent_kind' }],
      brand_new_field: [1, 2, 3],
    });
  });

  it('accepts unknown enum values such as a new identity type or custom event type', () => {
    const message = eventBatch([event('custom_event', { custom_event_type: 'hologram' })], {
      user_identities: [{ type: 'other11', encoding: 'raw', value: 'x' }],
    });
    expect(() => parseFirehoseRequest(message)).not.toThrow();
  });

  it('reads a missing events field as an empty batch', () => {
    const { request } = parseFirehoseRequest(eventBatch(undefined));
    expect(request).toMatchObject({ events: [] });
  });

  it('accepts a DSR request without account and a registration request without firehose_version', () => {
    expect(parseFirehoseRequest(dsrErasure()).request.type).toBe('dsr_processing_request');
    const { firehose_version: _omitted, ...older } = registrationRequest();
    expect(parseFirehoseRequest(older).request.type).toBe('module_registration_request');
  });
});

describe('parseFirehoseRequest: strict where the kit relies on the shape', () => {
  it.each([
    ['not JSON', '{"type": "event_processing_request",', '', /not valid JSON/],
    ['not an object', '[1,2]', '', /expected a JSON object, got an array/],
    ['a JSON string', '"hello"', '', /expected a JSON object, got a string/],
    ['no type', '{"id":"x"}', 'type', /is required/],
    ['a non-string type', '{"type":7}', 'type', /must be a string, got number/],
    ['an unknown type', '{"type":"bulk_magic_request","id":"x"}', 'type', /unknown message type "bulk_magic_request"/],
    ['a response sent as a request', '{"type":"event_processing_response","id":"x"}', 'type', /is a response type/],
  ])('rejects %s', (_name, text, expectedPath, message) => {
    const error = parseError(text);
    expect(error.path).toBe(expectedPath);
    expect(error.message).toMatch(message);
  });

  it('rejects events that are not an array', () => {
    const error = parseError(eventBatch(undefined, { events: { 0: event('session_start') } }));
    expect(error.path).toBe('events');
  });

  it('rejects an event that is not an object, naming its index', () => {
    const error = parseError(eventBatch([event('session_start'), 'oops']));
    expect(error.path).toBe('events[1]');
    expect(error.message).toBe('events[1]: must be an object, got a string');
  });

  it('rejects an event without a type, naming its index', () => {
    const error = parseError(eventBatch([event('session_start'), { id: 'x' }]));
    expect(error.message).toBe('events[1].type: is required');
  });

  it('rejects a known event whose field has a shape Jackson refuses too, naming the field', () => {
    const error = parseError(eventBatch([event('custom_event', { name: { first: 'a' } })]));
    expect(error.message).toBe('events[0].name: expected a string, got an object');
  });

  it('rejects user_profiles that are not an array', () => {
    expect(parseError(membershipChange(undefined, { user_profiles: 'none' })).path).toBe('user_profiles');
  });

  it('rejects a profile whose audiences is not an array, naming the path', () => {
    const error = parseError(membershipChange([profile('1'), { mpid: '2', audiences: { audience_id: 1 } }]));
    expect(error.path).toBe('user_profiles[1].audiences');
  });

  it('rejects a request without an id, because idempotency keys derive from it', () => {
    expect(parseError({ ...eventBatch([]), id: undefined }).path).toBe('id');
    expect(parseError({ ...eventBatch([]), id: '' }).path).toBe('id');
  });

  it('never repeats a field value in the message (it may be a secret)', () => {
    const error = parseError(eventBatch([], { account: { account_settings: { apiKey: ['12345678987654'] } } }));
    expect(error.path).toBe('account.account_settings.apiKey');
    expect(error.message).not.toContain('12345678987654');
  });

  it('does not quote the JSON parser, which would echo the input', () => {
    const error = parseError('{"apiKey":"sk_live_very_secret" oops}');
    expect(error.message).not.toContain('sk_live');
  });

  it('rejects invalid UTF-8 in bytes', () => {
    expect(parseError(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])).message).toMatch(/not valid UTF-8/);
  });
});

describe('64-bit integers', () => {
  it('keeps session ids and lengths beyond 2^53 exact from text to text', () => {
    // Prepare
    const text =
      '{"type":"event_processing_request","id":"r","events":[' +
      '{"type":"session_end","id":"e","session_id":-9007199254740993,"session_length_ms":9223372036854775807}]}';
    // Act
    const { request } = parseFirehoseRequest(text);
    const written = stringifyJson(request);
    // Assess
    expect(written).toContain('"session_id":-9007199254740993');
    expect(written).toContain('"session_length_ms":9223372036854775807');
  });

  it.each([
    [
      'pretty-printed',
      '{ "type" : "event_processing_request", "id" : "r", "events" : [ { "type" : "session_start", "session_id" : 4957918240501247982 } ] }',
      'events[0].session_id',
      '4957918240501247982',
    ],
    [
      'in an attribute map (a string map: as text, as Jackson reads it)',
      '{"type":"event_processing_request","id":"r","events":[{"type":"custom_event","attributes":{"n":-2271448330363288817}}]}',
      'events[0].attributes.n',
      '"-2271448330363288817"',
    ],
    [
      'in an unknown field, in a list',
      '{"type":"event_processing_request","id":"r","future":[1,12345678901234567890,{"x":[-9223372036854775808]}]}',
      'future',
      '[1,12345678901234567890,{"x":[-9223372036854775808]}]',
    ],
    [
      'under integer-like keys (which JavaScript enumerates first)',
      '{"type":"event_processing_request","id":"r","events":[{"type":"custom_event","future":{"b":9007199254740993,"1":9007199254740995}}]}',
      'events[0].future',
      '{"1":9007199254740995,"b":9007199254740993}',
    ],
    [
      'under a key written with escapes',
      '{"type":"event_processing_request","id":"r","events":[{"type":"session_start","session\\u005fid":9007199254740993}]}',
      'events[0].session_id',
      '9007199254740993',
    ],
    [
      'after an equal-looking number in a string',
      '{"type":"event_processing_request","id":"r","mpid":"\\"session_id\\":9007199254740992","events":[{"type":"session_start","session_id":9007199254740993}]}',
      'events[0].session_id',
      '9007199254740993',
    ],
  ])('reads exact digits %s', (_name, text, field, digits) => {
    // Act
    const { request } = parseFirehoseRequest(text);
    // Assess
    const value = field
      .split(/[.[\]]+/)
      .filter(Boolean)
      .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], request);
    expect(stringifyJson(value)).toBe(digits);
  });

  it('reads exact digits under the empty key, and passes a huge double there as written', () => {
    // Prepare: a double above 2^53 under the empty key once sent the digit locator into an endless loop.
    const text =
      '{"type":"event_processing_request","id":"r","account":{"a":{"":1.1664284832974834e+198},"":-9007199254740993}}';
    // Act
    const { request } = parseFirehoseRequest(text);
    // Assess
    expect(stringifyJson(request)).toContain('"account":{"a":{"":1.1664284832974834e+198},"":-9007199254740993}');
  });

  it('leaves a pre-parsed object as the caller gave it (its rounded numbers cannot be repaired)', () => {
    // biome-ignore lint/correctness/noPrecisionLoss: the point of this case is a number JavaScript rounds.
    const message = eventBatch([event('hologram'), event('session_start', { session_id: 9007199254740993 })]);
    const { request } = parseFirehoseRequest(message);
    expect(request).toMatchObject({ events: [{ type: 'session_start' }] });
    expect(message['events']).toHaveLength(2);
  });

  it('keeps safe integers as plain numbers', () => {
    const { request } = parseFirehoseRequest(
      '{"type":"event_processing_request","id":"r","events":[{"type":"session_start","session_id":123456789}]}',
    );
    expect(request).toMatchObject({ events: [{ session_id: 123456789 }] });
  });
});

describe('the project samples in events/', () => {
  const dir = path.join(__dirname, '../../events');
  const files = [...SAMPLE_FILES];

  it.each(files)('%s parses', (file) => {
    expect(() => parseFirehoseRequest(readFileSync(path.join(dir, file)))).not.toThrow();
  });
});

describe('parseJson', () => {
  it('leaves long digit strings (mpids) as strings and reads long integer tokens exactly', async () => {
    const { parseJson } = await import('../../lambda/firehose');
    const value = parseJson(
      '{"mpid":"-8912654321012345678","list":[ 12345678901234567890, 5],"n": -9007199254740993}',
    ) as Record<string, unknown>;
    expect(value['mpid']).toBe('-8912654321012345678');
    expect(value['list']).toEqual([12345678901234567890n, 5]);
    expect(value['n']).toBe(-9007199254740993n);
  });

  it('agrees with JSON.parse on duplicate keys (last wins)', async () => {
    const { parseJson } = await import('../../lambda/firehose');
    expect(parseJson('{"a":1,"a":2}')).toEqual({ a: 2 });
    expect(parseJson('{"a":1,"a":2,"b":12345678901234567890}')).toMatchObject({ a: 2 });
  });
});

describe('stringifyJson', () => {
  it('writes bigints anywhere as digits and leaves strings of digits and JSON alone', () => {
    const tricky = '12345678901234567890,"admin":true,"x":"';
    const value = { a: [1n, -9223372036854775808n], s: tricky, n: { m: 12345678901234567890n } };
    const text = stringifyJson(value);
    expect(text).toBe(`{"a":[1,-9223372036854775808],"s":${JSON.stringify(tricky)},"n":{"m":12345678901234567890}}`);
  });

  it('writes the exact integers of a parsed request even after the mapping copied them elsewhere', () => {
    const { request } = parseFirehoseRequest(
      '{"type":"event_processing_request","id":"r","events":[{"type":"session_start","session_id":-2271448330363288817}]}',
    );
    if (request.type !== 'event_processing_request') throw new Error('wrong type');
    const body = { copied: request.events[0]?.session_id, events: request.events };
    expect(stringifyJson(body)).toBe(
      '{"copied":-2271448330363288817,"events":[{"type":"session_start","session_id":-2271448330363288817}]}',
    );
    expect(request.events[0]?.session_id).toBe(-2271448330363288817n);
  });

  it("leaves everyone else's JSON.stringify of a bigint as it was: refused, or handed to their replacer", () => {
    stringifyJson({ n: 12345678901234567890n });
    expect(() => JSON.stringify({ n: 1n })).toThrow(TypeError);
    expect(JSON.stringify({ n: 1n }, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).toBe('{"n":"1n"}');
  });

  it("keeps someone else's BigInt toJSON between writes and writes its own meanwhile", () => {
    const proto = BigInt.prototype as { toJSON?: unknown };
    const theirs = function (this: bigint) {
      return this.toString();
    };
    proto.toJSON = theirs;
    try {
      expect(stringifyJson({ n: 12345678901234567890n })).toBe('{"n":12345678901234567890}');
      expect(proto.toJSON).toBe(theirs);
      expect(JSON.stringify({ n: 1n })).toBe('{"n":"1"}');
    } finally {
      proto.toJSON = undefined;
    }
  });

  it('writes exactly a document read and written by a toJSON while another write is under way', () => {
    const outer = parseJson('{"a":1.10,"b":12345678901234567890}');
    const inner = { toJSON: () => stringifyJson(parseJson('{"c":2.50}')) };
    expect(stringifyJson({ outer, inner })).toBe(
      '{"outer":{"a":1.10,"b":12345678901234567890},"inner":"{\\"c\\":2.50}"}',
    );
  });
});

describe('parseJson (queue messages, capture): refusals', () => {
  it('refuses text that is not JSON with the input error and its place, never a piece of the text', () => {
    // Act
    const error = thrownBy(FirehoseInputError, () => parseJson('{"apiKey":"s3cr3t",'));
    // Assess
    expect(error.message).toMatch(/^input is not valid JSON \(at line 1 column 20, position 19\)$/);
    expect(error.message).not.toContain('s3cr3t');
  });
});
