import { describe, expect, it } from 'vitest';
import { FUNCTION_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { isLogged } from '../../lambda/runtime-loop/log';

describe("the runtime loop's log level", () => {
  it.each([
    ['INFO', 'INFO', true],
    ['INFO', 'WARN', false],
    ['WARN', 'WARN', true],
    ['ERROR', 'error', true],
    ['WARN', 'ERROR', false],
    ['ERROR', 'CRITICAL', false],
    ['ERROR', 'SILENT', false],
    ['INFO', 'DEBUG', true],
    ['INFO', 'unheard-of', true],
  ] as const)('writes a %s line under LOG_LEVEL=%s: %s', (level, threshold, logged) => {
    expect(isLogged(level, { [FUNCTION_ENV.logLevel]: threshold })).toBe(logged);
  });

  it("reads POWERTOOLS_LOG_LEVEL first, as the functions' Powertools logger does", () => {
    const env = { [PLATFORM_ENV.powertoolsLogLevel]: 'ERROR', [FUNCTION_ENV.logLevel]: 'INFO' };
    expect([isLogged('INFO', env), isLogged('ERROR', env)]).toEqual([false, true]);
    expect(isLogged('INFO', { [PLATFORM_ENV.powertoolsLogLevel]: '', [FUNCTION_ENV.logLevel]: 'WARN' })).toBe(false);
  });

  it('writes every level when LOG_LEVEL is unset', () => {
    expect(['INFO', 'WARN', 'ERROR'].every((level) => isLogged(level as 'INFO', {}))).toBe(true);
  });
});
