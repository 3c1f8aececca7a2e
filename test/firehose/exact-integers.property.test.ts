import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFirehoseRequest, parseJson, parseJsonLossless } from '../../lambda/firehose';

/**
 * The fast exact-integer reader (a native parse, then digits read back from the text) must agree with the
 * lossless parser on every document: same values, integers beyond 2^53 as the same `bigint`s. Keys come from
 * anywhere (the empty key, integer-like keys, keys that need escapes), because each one takes a different
 * path through the locator; an empty key once sent it into an endless loop.
 */
const TWO_53 = 2n ** 53n;

const unsafeIntegerToken = fc
  .oneof(fc.bigInt({ min: TWO_53, max: 2n ** 64n }), fc.bigInt({ min: -(2n ** 64n), max: -TWO_53 }))
  .map(String);
// An exponent form of a double above 2^53 is an integer to JavaScript, yet not an integer token.
const exponentToken = fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => d.toExponential());
const leafToken = fc.oneof(
  unsafeIntegerToken,
  exponentToken,
  fc.integer().map(String),
  fc.string().map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'false', 'null', '9007199254740993.5'),
);
const key = fc.oneof(
  fc.string(),
  fc.constantFrom('', '0', '7', 'a"b', '\\', 'session_id'),
  fc.string({ unit: 'binary', maxLength: 3 }),
);
const colon = fc.constantFrom(':', ' : ', ':\n  ');

/**
 * JSON text of a random tree, with unique keys per object: a repeated key whose two values differ beyond 2^53
 * yet round alike is the one case the fast reader does not read exactly (docs/firehose-protocol.md, "Numbers").
 */
const { node: documentText } = fc.letrec<{ node: string; array: string; object: string }>((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leafToken, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
  object: fc
    .uniqueArray(fc.tuple(key, colon, tie('node')), { maxLength: 4, selector: ([k]) => k })
    .map((entries) => `{${entries.map(([k, c, v]) => `${JSON.stringify(k)}${c}${v}`).join(',')}}`),
}));

describe('exact integers', () => {
  it('a request reads every integer of an unknown field exactly as the lossless parser does', () => {
    fc.assert(
      fc.property(documentText, (tree) => {
        // Prepare
        const text = `{"type":"event_processing_request","id":"r","extra":${tree},"events":[]}`;
        // Act
        const { request } = parseFirehoseRequest(text);
        // Assess
        expect((request as unknown as Record<string, unknown>)['extra']).toEqual(parseJsonLossless(tree));
      }),
      { numRuns: 1000 },
    );
  });

  it('parseJson agrees with the lossless parser on any document', () => {
    fc.assert(
      fc.property(documentText, (text) => {
        expect(parseJson(text)).toEqual(parseJsonLossless(text));
      }),
      { numRuns: 1000 },
    );
  });
});
