import { describe, expect, it } from 'vitest';
import { feedSettingsFromEnv } from '../../lambda/feeds/feed-settings';
import { decodeS3EventKey } from '../../lambda/feeds/s3-object-feed';
import { rejectedObjectKey, renderRejectedNdjson } from '../../lambda/feeds/s3-rejected-output';
import { textLineSource } from '../../lambda/feeds/line-sources';
import { FEED_ENV } from '../../lambda/config/environment';

describe('handler settings from the environment', () => {
  it('uses the defaults when nothing is set', () => {
    // Act
    const settings = feedSettingsFromEnv({});

    // Assess
    expect(settings.baseUrl.href).toBe('https://inbound.mparticle.com/s2s/v2');
    expect(settings).toMatchObject({ historicalAfterDays: 30, concurrency: 4, requestTimeoutMs: 30_000, retry: {} });
  });

  it('reads the pod, limits and attempts, and refuses nonsense with the variable name', () => {
    // Act
    const settings = feedSettingsFromEnv({
      [FEED_ENV.pod]: 'au1',
      [FEED_ENV.maxAttempts]: '3',
      [FEED_ENV.maxBatchesPerRequest]: '50',
    });

    // Assess
    expect(settings.baseUrl.href).toBe('https://s2s.au1.mparticle.com/v2');
    expect(settings.retry).toEqual({ maxAttempts: 3 });
    expect(settings.limits.maxBatchesPerRequest).toBe(50);
    expect(() => feedSettingsFromEnv({ [FEED_ENV.concurrency]: 'many' })).toThrow(
      `${FEED_ENV.concurrency} must be a number, got "many"`,
    );
    expect(() => feedSettingsFromEnv({ [FEED_ENV.pod]: 'us1', [FEED_ENV.baseUrl]: 'https://x.example/v2' })).toThrow(
      /not both/,
    );
  });
});

describe('S3 object helpers', () => {
  it('maps upload keys to rejected/ keys', () => {
    // Act / Assess
    expect(rejectedObjectKey('incoming/2025/a.ndjson')).toBe('rejected/2025/a.ndjson');
    expect(rejectedObjectKey('other/b.ndjson')).toBe('rejected/other/b.ndjson');
    expect(rejectedObjectKey('incoming/c.txt')).toBe('rejected/c.txt.ndjson');
    expect(decodeS3EventKey('incoming/my+file%C3%A9.ndjson')).toBe('incoming/my fileé.ndjson');
  });

  it('writes rejected lines with the original batch text, keeping 64-bit numbers exact', () => {
    // Prepare
    const ref = (line: number) => ({ source: 'k', line });

    // Act
    const ndjson = renderRejectedNdjson([
      { ref: ref(3), reason: 'line 3: bad "quote"', origin: 'mparticle', text: '{"mpid":8016927977184397394}' },
      { ref: ref(9), reason: 'line 9: not valid JSON', origin: 'local', text: '{"oops"' },
    ]);

    // Assess
    expect(ndjson).toBe(
      '{"line":3,"reason":"line 3: bad \\"quote\\"","batch":{"mpid":8016927977184397394}}\n' +
        '{"line":9,"reason":"line 9: not valid JSON","text":"{\\"oops\\""}\n',
    );
  });

  it('numbers lines across CRLF, blank lines and a byte-order mark', async () => {
    // Prepare
    const source = textLineSource('t', '\uFEFF{"a":1}\r\n\r\n  \n{"b":2}\n{"c":3}');

    // Act
    const lines = [];
    for await (const line of source.lines()) lines.push(line);

    // Assess
    expect(lines).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"b":2}' },
      { line: 5, text: '{"c":3}' },
    ]);
  });
});
