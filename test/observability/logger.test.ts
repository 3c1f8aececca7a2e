import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../lambda/observability/logger';
import { REDACTED } from '../../lambda/observability/redact';

/** The logger every function uses, as it writes to stdout: secrets under any secret-looking key are masked. */
function captureStdout(): { lines: () => string[] } {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== ''),
  };
}

afterEach(() => vi.restoreAllMocks());

describe('createLogger (production logger)', () => {
  it('masks values under secret-looking keys at any depth and keeps the rest', () => {
    // Prepare
    const out = captureStdout();
    const logger = createLogger('logger-test', 'INFO');

    // Act
    logger.info('calling partner', {
      headers: { Authorization: 'Bearer sk_live_PLANTED_1', 'x-api-key': 'PLANTED_2' },
      settings: { apiKey: 'PLANTED_3', region: 'eu' },
      token: 'PLANTED_4',
      clientSecret: 'PLANTED_5',
      sessionId: 4957918240501247982n,
    });

    // Assess
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? '';
    expect(line).not.toMatch(/PLANTED/);
    expect(line.split(REDACTED).length - 1).toBe(5);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed['settings']).toEqual({ apiKey: REDACTED, region: 'eu' });
    expect(parsed['sessionId']).toBe('4957918240501247982');
    expect(parsed['service']).toBe('logger-test');
  });
});
