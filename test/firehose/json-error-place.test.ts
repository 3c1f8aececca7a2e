import { describe, expect, it } from 'vitest';
import { jsonErrorPlace } from '../../lambda/firehose/json-error-place';

const placeOf = (text: string): string | undefined => {
  try {
    JSON.parse(text);
    return 'parsed';
  } catch (cause) {
    return jsonErrorPlace(text, cause);
  }
};

describe('jsonErrorPlace', () => {
  it.each([
    ['{"a": x}', 'line 1 column 7, position 6'],
    ['{\n\n  "a": 1,\n  "b": }', 'line 4 column 8, position 20'],
    ['[1,\n2,]', 'line 2 column 3, position 6'],
    ['{"a": 1}}', 'line 1 column 9, position 8'],
    ['{"secret": "abc', 'line 1 column 16, position 15'],
  ])('%j: %s', (text, place) => {
    expect(placeOf(text)).toBe(place);
  });

  it('never quotes the text', () => {
    expect(placeOf('{"apiKey": "s3cr3t", x}')).not.toContain('s3cr3t');
  });
});
