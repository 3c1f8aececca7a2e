import { afterEach, describe, expect, it } from 'vitest';
import { folderCaptureSink, type CaptureSink } from '../../lambda/capture/capture-sink';
import { readCaptures, parseSince } from '../../local/replay/capture-source';
import { capturingIngress, readAll, sampleMessages, tempFolder } from './support';

const PLANTED = 'sk_live_PLANTED_capture_9999';
const folders: Array<{ remove(): void }> = [];
afterEach(() => folders.splice(0).forEach((f) => f.remove()));
const newFolder = () => {
  const folder = tempFolder();
  folders.push(folder);
  return folder;
};

describe('request capture', () => {
  it('stores no confidential setting, declared or secret-looking, and keeps everything else exactly', async () => {
    // Prepare
    const folder = newFolder();
    const { handle, capture } = capturingIngress({ sink: folderCaptureSink(folder.path) });
    const account = {
      account_id: 42,
      account_settings: { apiKey: PLANTED, partnerToken: `${PLANTED}-2`, region: 'eu' },
    };
    const batch =
      `{"type":"event_processing_request","id":"c-1","timestamp_ms":1,"firehose_version":"3.2.0","account":${JSON.stringify(account)},` +
      '"events":[{"type":"session_start","id":"e-1","session_id":4957918240501247982}]}';
    const membership = {
      type: 'audience_membership_change_request',
      id: 'c-2',
      timestamp_ms: 1,
      firehose_version: '3.2.0',
      account,
      user_profiles: [
        {
          mpid: '1',
          audiences: [
            { audience_id: 7, action: 'add', audience_subscription_settings: { apiKey: `${PLANTED}-3`, list: 'a' } },
          ],
        },
      ],
    };

    // Act
    await handle(Buffer.from(batch));
    await handle(membership);
    await capture.flush();

    // Assess
    const stored = readAll(folder.path).join('\n');
    expect(stored).not.toContain('PLANTED');
    const records = await readCaptures(folder.path);
    expect(records.map((r) => r.requestId)).toEqual(['c-1', 'c-2']);
    expect(records[0]?.request).toContain('"session_id":4957918240501247982');
    expect(JSON.parse(records[0]?.request ?? '{}').account.account_settings).toEqual({ region: 'eu' });
    expect(
      JSON.parse(records[1]?.request ?? '{}').user_profiles[0].audiences[0].audience_subscription_settings,
    ).toEqual({ list: 'a' });
  });

  it('records the answer without its fresh id and timestamp, and a digest of each partner call', async () => {
    // Prepare
    const folder = newFolder();
    const { handle, capture } = capturingIngress({ sink: folderCaptureSink(folder.path) });
    const sample = sampleMessages().find((s) => s.name === 'event-batch.json');

    // Act
    const { response } = await handle(sample?.bytes);
    await capture.flush();

    // Assess
    const [record] = await readCaptures(folder.path);
    expect(record?.response).toEqual({
      type: 'event_processing_response',
      firehose_version: response.firehose_version,
    });
    expect(record?.calls).toHaveLength(1);
    expect(record?.calls[0]).toMatchObject({ path: '/events', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('captures a refused request with its error, and keeps nothing of input that is not JSON', async () => {
    // Prepare
    const folder = newFolder();
    const { handle, capture } = capturingIngress({ sink: folderCaptureSink(folder.path) });

    // Act
    await expect(handle('{"type":"event_processing_request","id":"x","events":"no"}')).rejects.toThrow(/events/);
    await expect(handle(`{"apiKey":"${PLANTED}" oops`)).rejects.toThrow(/not valid JSON/);
    await capture.flush();

    // Assess
    const records = await readCaptures(folder.path);
    expect(records.map((r) => r.error)).toEqual([
      expect.stringContaining('events'),
      expect.stringContaining('not valid JSON'),
    ]);
    expect(records[1]?.request).toBe('');
    expect(readAll(folder.path).join('')).not.toContain('PLANTED');
  });

  it('captures the sampled share only', async () => {
    // Prepare: a fixed sequence of draws against a rate of 0.5.
    const folder = newFolder();
    const draws = [0.1, 0.9, 0.49, 0.5];
    const { handle, capture } = capturingIngress({
      sink: folderCaptureSink(folder.path),
      sampleRate: 0.5,
      random: () => draws.shift() ?? 1,
    });
    const sample = sampleMessages().find((s) => s.name === 'module-registration.json');

    // Act
    for (let i = 0; i < 4; i++) await handle(sample?.bytes);
    await capture.flush();

    // Assess
    expect(await readCaptures(folder.path)).toHaveLength(2);
  });

  it('writes one object per maxRecords answers without making an answer wait, and reports a failed write', async () => {
    // Prepare
    const puts: string[] = [];
    const failures: number[] = [];
    let fail = false;
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sink: CaptureSink = {
      description: 'test',
      put: async (key) => {
        await gate; // S3 is slow: no answer may wait for it.
        if (fail) throw new Error('bucket unavailable');
        puts.push(key);
      },
    };
    const { handle, capture } = capturingIngress({ sink, maxRecords: 3, onFlushFailed: (_e, n) => failures.push(n) });
    const sample = sampleMessages().find((s) => s.name === 'module-registration.json');

    // Act
    for (let i = 0; i < 6; i++) await handle(sample?.bytes);
    const answeredBeforeAnyWrite = puts.length === 0;
    release();
    await capture.settled();
    fail = true;
    for (let i = 0; i < 3; i++) await handle(sample?.bytes);
    await capture.settled();

    // Assess
    expect(answeredBeforeAnyWrite).toBe(true);
    expect(puts).toHaveLength(2);
    expect(puts[0]).toMatch(/^captures\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/.+-firehose-ingress-[0-9a-f]{8}-1\.ndjson$/);
    expect(failures).toEqual([3]);
  });
});

describe('parseSince', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');
  it.each([
    ['90m', now - 90 * 60_000],
    ['6h', now - 6 * 3_600_000],
    ['2d', now - 2 * 86_400_000],
    ['2026-11-29T00:00:00Z', Date.parse('2026-11-29T00:00:00Z')],
  ])('reads %s', (text, expected) => {
    expect(parseSince(text, now)).toBe(expected);
  });
  it('refuses anything else', () => {
    expect(() => parseSince('yesterday', now)).toThrow(/--since/);
  });
});
