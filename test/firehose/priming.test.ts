import { describe, expect, it } from 'vitest';
import { primeParser } from '../../lambda/firehose/priming';

describe('primeParser', () => {
  it('reads its batch without an error, so init compiles the path a real batch takes, not the error path', () => {
    // Act + Assess
    expect(primeParser()).toBe(true);
  });
});
