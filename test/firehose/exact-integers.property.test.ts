import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asSent,
  FirehoseInputError,
  MAX_NESTING_DEPTH,
  parseFirehoseRequest,
  parseJson,
  stringifyJson,
} from '../../lambda/firehose';
import { memoryMismatch, readWithSource, SourceNumber, writeWithSource } from '../support/source-oracle';

/**
 * The exact reader against the source-text oracle (JSON.parse with a reviver reading each number's text):
 * the text the kit writes must be the oracle's, every number token as the input wrote it, and in memory
 * every integer beyond 2^53 a `bigint`, every other number its token's double. Documents hold what broke
 * the digit locator this reader replaces (issue 21): strings holding digits and brackets, repeated and
 * escaped keys, unknown event types, integers that round alike, huge and tiny numbers, deep nesting.
 *
 * The seed is FC_SEED when set (CI runs the suite twice with different seeds), otherwise fast-check's own;
 * a failure prints it.
 */
const seed = process.env['FC_SEED'] === undefined ? {} : { seed: Number(process.env['FC_SEED']) };
const runs = (numRuns: number) => ({ numRuns, ...seed });

const TWO_53 = 2n ** 53n;

/** Integer tokens beyond 2^53, many of them rounding to the same double as their neighbours. */
const bigIntegerToken = fc
  .oneof(
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
    fc.bigInt({ min: TWO_53 - 4n, max: TWO_53 + 4n }),
    fc.bigInt({ min: -TWO_53 - 4n, max: -TWO_53 + 4n }),
    // Sequential 64-bit session ids: within ~1,000 of each other they round alike.
    fc.bigInt({ min: 4957918240501247000n, max: 4957918240501249000n }),
    // 1.8e308 and beyond: Infinity as a double.
    fc.integer({ min: 300, max: 420 }).map((n) => 10n ** BigInt(n) + 7n),
  )
  .map(String);

/** Number tokens whose double prints differently, and ordinary ones. */
const decimalToken = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => d.toExponential()),
  fc
    .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 25 }))
    .map(([d, digits]) => d.toFixed(digits)),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.boolean())
    .map(([i, f, negative]) => `${negative ? '-' : ''}${i}.${f}`),
  fc.constantFrom(
    '1.10',
    '1e2',
    '1E+2',
    '1e-2',
    '-0',
    '-0.0',
    '0.0000001',
    '0.000001',
    '1e400',
    '-1e400',
    '1e-400',
    '12345678901234567890.5',
    '0.1000000000000000055511151231257827',
    '1.0',
    '100',
    '0',
    '5e-324',
    '9007199254740993.0',
  ),
);
const smallIntegerToken = fc.integer().map(String);
const numberToken = fc.oneof(bigIntegerToken, decimalToken, smallIntegerToken);

/** Strings that look like JSON: digits, brackets, quotes and backslashes. */
const trickyString = fc
  .oneof(
    fc.string(),
    fc.constantFrom(
      '[9007199254740993',
      '[4957918240501247983',
      '"a":9007199254740993',
      '"session_id":9007199254740993',
      ',1.10]',
      '{"x":1e2}',
      '\\',
      '"',
      '\\"',
      ':9007199254740993,',
    ),
    fc
      .tuple(fc.constantFrom('[', '"', '\\', ':', ',', '{', '"a":'), numberToken, fc.string({ maxLength: 3 }))
      .map((parts) => parts.join('')),
  )
  .chain((s) => fc.constantFrom(JSON.stringify(s), escapedText(s)));

/** A string written with every UTF-16 unit as a \u escape: the same string to any JSON reader. */
function escapedText(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) out += `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return `${out}"`;
}

/** Few distinct keys, so that objects repeat them; each written plainly or escaped. */
const key = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom('a', 'b', '0', '1', '10', '', 'session_id', '__proto__', 'x"y', '\\') },
    { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
  )
  .chain((k) => fc.constantFrom(JSON.stringify(k), escapedText(k)));
const colon = fc.constantFrom(':', ' : ', ':\n  ');
const comma = fc.constantFrom(',', ' , ', ',\n');

const scalarToken = fc.oneof(
  { weight: 3, arbitrary: numberToken },
  { weight: 2, arbitrary: trickyString },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null') },
);

/** JSON text of a random tree (keys may repeat). */
const { node: documentText } = fc.letrec<{ node: string; array: string; object: string }>((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalarToken, tie('array'), tie('object')),
  array: fc.tuple(fc.array(tie('node'), { maxLength: 4 }), comma).map(([items, c]) => `[${items.join(c)}]`),
  object: fc
    .tuple(fc.array(fc.tuple(key, colon, tie('node')), { maxLength: 5 }), comma)
    .map(([members, c]) => `{${members.map(([k, col, v]) => `${k}${col}${v}`).join(c)}}`),
}));

/** A tree inside `depth` containers (arrays and objects), to try the nesting limit. */
const deepText = fc
  .tuple(fc.integer({ min: 1, max: MAX_NESTING_DEPTH + 20 }), fc.boolean(), documentText)
  .map(([depth, objects, inner]) =>
    objects
      ? `${'{"k":'.repeat(depth)}${inner}${'}'.repeat(depth)}`
      : `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`,
  );

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null || value instanceof SourceNumber) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child));
  return deepest + 1;
}

/** What the kit must write and hold for `text`, or that it refuses it for depth. */
function expectExact(read: () => unknown, written: (value: unknown) => string, oracle: unknown): void {
  if (depthOf(oracle) > MAX_NESTING_DEPTH) {
    expect(read).toThrow(FirehoseInputError);
    expect(read).toThrow(/nests deeper than 1000 levels/);
    return;
  }
  const value = read();
  expect(written(value)).toBe(writeWithSource(oracle));
  expect(memoryMismatch(value, oracle)).toBeUndefined();
}

describe('exact numbers against the source-text oracle', () => {
  it('parseJson then stringifyJson writes every number token as the input wrote it', () => {
    fc.assert(
      fc.property(fc.oneof(documentText, deepText), (text) => {
        expectExact(() => parseJson(text), stringifyJson, readWithSource(text));
      }),
      runs(1000),
    );
  });

  /** A string map's (and a String field's) numbers become their text, as Jackson's String reader makes them. */
  const asText = (value: unknown) => (value instanceof SourceNumber ? value.source : value);

  const stringMapText = fc
    .array(fc.tuple(key, colon, scalarToken), { maxLength: 4 })
    .map((members) => `{${members.map(([k, c, v]) => `${k}${c}${v}`).join(',')}}`);
  const event = fc
    .record({
      type: fc.constantFrom('custom_event', 'custom_event', 'hologram'),
      session: fc.oneof(bigIntegerToken, numberToken),
      sessionKey: fc.constantFrom('"session_id"', '"session\\u005fid"'),
      name: scalarToken,
      attributes: stringMapText,
      extra: fc.oneof(documentText, deepText),
      repeated: fc.option(numberToken),
    })
    .map(
      (e) =>
        `{"type":"${e.type}","id":"e",${e.sessionKey}:${e.session},"name":${e.name},"attributes":${e.attributes},` +
        `"x":${e.extra}${e.repeated === null ? '' : `,"session_id":${e.repeated}`}}`,
    );
  const batch = fc
    .tuple(stringMapText, documentText, fc.array(event, { maxLength: 5 }))
    .map(
      ([attributes, extra, events]) =>
        `{"type":"event_processing_request","id":"r","user_attributes":${attributes},"extra":${extra},` +
        `"events":[${events.join(',')}]}`,
    );

  /** The oracle tree as the kit must deliver it: unknown events dropped, string-typed numbers as text. */
  function asDelivered(oracle: Record<string, unknown>): Record<string, unknown> {
    const textMap = (map: unknown) =>
      map === null ? map : Object.fromEntries(Object.entries(map as object).map(([k, v]) => [k, asText(v)]));
    oracle['user_attributes'] = textMap(oracle['user_attributes']);
    oracle['events'] = (oracle['events'] as Record<string, unknown>[])
      .filter((e) => e['type'] === 'custom_event')
      .map((e) => Object.assign(e, { name: asText(e['name']), attributes: textMap(e['attributes']) }));
    return oracle;
  }

  it('parseFirehoseRequest reads every number exactly, wherever it is and whatever surrounds it', () => {
    fc.assert(
      fc.property(batch, (text) => {
        const oracle = readWithSource(text) as Record<string, unknown>;
        const read = () => parseFirehoseRequest(text).request;
        if (depthOf(oracle) > MAX_NESTING_DEPTH) {
          expectExact(read, stringifyJson, oracle);
          return;
        }
        expectExact(read, stringifyJson, asDelivered(oracle));
      }),
      runs(500),
    );
  });

  it('events written as sent (asSent) hold what the checks read, every number as written', () => {
    let verbatim = 0;
    fc.assert(
      fc.property(batch, (text) => {
        const oracle = readWithSource(text) as Record<string, unknown>;
        if (depthOf(oracle) > MAX_NESTING_DEPTH) return;
        const { events } = parseFirehoseRequest(text).request as { events: unknown[] };
        const sent = asSent(events);
        if (sent !== events && events.length > 0) verbatim++;
        // Read back as any JSON reader would (a repeated key: the last one), compared as the oracle writes it.
        const written = readWithSource(stringifyJson({ events: sent }));
        expect(writeWithSource(written)).toBe(writeWithSource({ events: asDelivered(oracle)['events'] }));
      }),
      runs(500),
    );
    // Both ways were taken: the text copied (nothing changed) and the tree written (something was).
    expect(verbatim).toBeGreaterThan(0);
  });

  it('nothing of one document leaks into the next (the reader reuses its stack between documents)', () => {
    // Found by the property above: a key noted in the first document at the same depth and place.
    parseJson('{"x":{"ab":5}}');
    expect(stringifyJson(parseJson('{"x":{"a" :1.10}}'))).toBe('{"x":{"a":1.10}}');
  });

  it('the oracle comparison sees a changed digit (the test can fail)', () => {
    const text = '{"a":[9007199254740993,1.10]}';
    expect(stringifyJson(parseJson(text))).toBe(writeWithSource(readWithSource(text)));
    expect(JSON.stringify(JSON.parse(text))).not.toBe(writeWithSource(readWithSource(text)));
    expect(memoryMismatch(JSON.parse(text), readWithSource(text))).toBe('/a/0');
  });
});

describe('issue 21 §1, each reproduction', () => {
  const roundTrip = (text: string) => stringifyJson(parseJson(text));
  const batch = (fields: string) => `{"type":"event_processing_request","id":"r",${fields}}`;
  const delivered = (text: string) => stringifyJson(parseFirehoseRequest(text).request);

  it('digits inside a string are not taken for an array element', () => {
    expect(roundTrip('["[9007199254740993",9007199254740992]')).toBe('["[9007199254740993",9007199254740992]');
  });

  it('on the ingress path, a user attribute holding "[4957918240501247983" before a list holding 4957918240501247982', () => {
    const text = batch(
      '"user_attributes":{"a":"[4957918240501247983"},"future":[4957918240501247982],' +
        '"user_attribute_lists":{"l":[4957918240501247982]}',
    );
    const written = delivered(text);
    expect(written).toContain('"future":[4957918240501247982]');
    expect(written).toContain('"user_attribute_lists":{"l":["4957918240501247982"]}');
  });

  it('a repeated key keeps the last value, as JSON.parse and Jackson do', () => {
    expect(roundTrip('{"a":9007199254740993,"a":9007199254740992}')).toBe('{"a":9007199254740992}');
    expect(roundTrip('{"a":{"x":1.10},"a":{"x":1.1}}')).toBe('{"a":{"x":1.1}}');
  });

  it('an escaped key is the key it spells', () => {
    expect(roundTrip('{"\\u0061":9007199254740993,"a\\"b":1.10}')).toBe('{"a":9007199254740993,"a\\"b":1.10}');
  });

  it("an unknown-type event's session_id is not given to the next event", () => {
    const text = batch(
      '"events":[{"type":"hologram","session_id":4957918240501247983},' +
        '{"type":"session_start","session_id":4957918240501247982}]',
    );
    const { request, skippedEventTypes } = parseFirehoseRequest(text);
    expect(skippedEventTypes.get('hologram')).toBe(1);
    expect(stringifyJson(request)).toContain('"events":[{"type":"session_start","session_id":4957918240501247982}]');
  });

  it('integers of 1.8e308 and beyond are bigints written digit for digit, never Infinity or null', () => {
    const huge = `1${'0'.repeat(400)}`;
    expect(parseJson(`[${huge}]`)).toEqual([10n ** 400n]);
    expect(roundTrip(`{"n":-${huge}}`)).toBe(`{"n":-${huge}}`);
  });

  it('nesting beyond 1,000 levels is the normal input error on every path, whatever numbers it holds', () => {
    const nested = (depth: number) => batch(`"x":${'['.repeat(depth - 1)}1234567890123456${']'.repeat(depth - 1)}`);
    // The root object is level 1: the limit allows `x` 999 levels.
    expect(() => parseFirehoseRequest(nested(MAX_NESTING_DEPTH))).not.toThrow();
    for (const depth of [MAX_NESTING_DEPTH + 1, 5_000]) {
      const text = nested(depth);
      for (const input of [text, Buffer.from(text), JSON.parse(text) as unknown]) {
        const error = (() => {
          try {
            parseFirehoseRequest(input);
          } catch (thrown) {
            return thrown;
          }
          return undefined;
        })();
        expect(error).toBeInstanceOf(FirehoseInputError);
        expect((error as FirehoseInputError).message).toMatch(/^x\[0\].*: nests deeper than 1000 levels/);
        expect((error as FirehoseInputError).message.length).toBeLessThan(200);
      }
    }
    expect(() => parseJson(`${'['.repeat(5_000)}${']'.repeat(5_000)}`)).toThrow(FirehoseInputError);
  });

  it('decimals keep their text: BigDecimal fields and anything else', () => {
    for (const token of ['12345678901234567890.5', '1e400', '0.1000000000000000055511151231257827', '-0', '1.10']) {
      expect(roundTrip(`{"price":${token}}`)).toBe(`{"price":${token}}`);
    }
    const text = batch(
      '"events":[{"type":"product_action","products":[{"price":12345678901234567890.5,"quantity":1.0,"total_amount":1e400}]}]',
    );
    expect(delivered(text)).toContain(
      '"products":[{"price":12345678901234567890.5,"quantity":1.0,"total_amount":1e400}]',
    );
  });

  it('in string maps and String fields a number becomes its text exactly as written, as Jackson reads it', () => {
    const text = batch(
      '"events":[{"type":"custom_event","name":1.10,"attributes":{"a":1.10,"b":1e2,"c":-0,"d":9007199254740993,"e":7}}]',
    );
    expect(delivered(text)).toContain(
      '{"type":"custom_event","name":"1.10","attributes":{"a":"1.10","b":"1e2","c":"-0","d":"9007199254740993","e":"7"}}',
    );
  });
});
