import { describe, expect, it } from 'vitest';
import { buildContext } from '../../lambda/runtime-loop/context';
import { errorDocument } from '../../lambda/runtime-loop/error-document';
import { RuntimeLoopError } from '../../lambda/runtime-loop/errors';
import { PLATFORM_ENV } from '../../lambda/config/environment';

describe('the Context the runtime loop builds', () => {
  it('counts the remaining time down from the deadline header', () => {
    // Prepare
    let now = 1_000_000;
    const context = buildContext('r-1', { 'lambda-runtime-deadline-ms': String(now + 2_500) }, {}, () => now);
    // Act
    const first = context.getRemainingTimeInMillis();
    now += 1_000;
    const later = context.getRemainingTimeInMillis();
    // Assess
    expect([first, later]).toEqual([2_500, 1_500]);
  });

  it('leaves out a malformed client context instead of failing the invocation', () => {
    // Prepare + Act
    const context = buildContext(
      'r-2',
      { 'lambda-runtime-client-context': '{not json' },
      { [PLATFORM_ENV.lambdaFunctionVersion]: '7' },
    );
    // Assess
    expect(context.clientContext).toBeUndefined();
    expect(context.functionVersion).toBe('7');
    expect(context.awsRequestId).toBe('r-2');
  });

  it('refuses the callback style plainly', () => {
    // Prepare
    const context = buildContext('r-3', {}, {});
    // Act + Assess
    expect(() => context.succeed('x')).toThrow(/not supported/);
  });
});

describe('the error document', () => {
  it.each([
    [new TypeError('bad'), { errorType: 'TypeError', errorMessage: 'bad', trace: [] }],
    [
      new RuntimeLoopError('Runtime.HandlerNotFound', 'index.rawHandler is undefined'),
      { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.rawHandler is undefined', trace: [] },
    ],
    ['a string', { errorType: 'Error', errorMessage: 'a string', trace: [] }],
    [{ secret: 'x' }, { errorType: 'Error', errorMessage: 'non-error value thrown', trace: [] }],
  ])('reports %s without a stack trace', (thrown, expected) => {
    // Act + Assess
    expect(errorDocument(thrown)).toEqual(expected);
  });
});
