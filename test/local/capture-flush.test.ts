import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CaptureBuffer } from '../../lambda/capture/capture-buffer';
import { folderCaptureSink } from '../../lambda/capture/capture-sink';
import { CAPTURE_ENV } from '../../lambda/config/environment';
import { readAll, tempFolder } from '../capture/support';
import { invokeIngress, startNpm, waitUntil } from '../support/npm-start';
import { signalGroup, spawnGroup, stopAll } from '../support/processes';
import { PROJECT_ROOT } from '../support/run-cli';

const tsx = path.join(PROJECT_ROOT, 'node_modules/.bin/tsx');
const folders: Array<{ remove(): void }> = [];
const newFolder = () => {
  const folder = tempFolder();
  folders.push(folder);
  return folder;
};
afterEach(async () => {
  await stopAll();
  for (const folder of folders.splice(0)) folder.remove();
});
afterAll(() => stopAll());

/** Captured records on disk: one NDJSON line each. */
const recordsIn = (folder: string): Array<Record<string, unknown>> =>
  readAll(folder)
    .flatMap((text) => text.trim().split('\n'))
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('local capture of a small trial (fewer records than one object holds)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: the records buffered are on disk, and the signal still ends the process',
    async (signal) => {
      // Prepare: a process holding 3 records, whose idle flush is far away.
      const folder = newFolder();
      const child = spawnGroup(tsx, [path.join(__dirname, 'fixtures/capture-then-wait.ts'), folder.path, '3'], {
        cwd: PROJECT_ROOT,
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      await waitUntil(
        () => stdout.includes('ready'),
        30_000,
        () => `never ready: ${stdout}`,
      );
      expect(recordsIn(folder.path)).toEqual([]);
      // Act: Ctrl-C (or a stop) reaches the process.
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, how) => resolve({ code, signal: how })),
      );
      signalGroup(child, signal);
      const exit = await exited;
      // Assess
      expect(recordsIn(folder.path).map((r) => r['request'])).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
      expect(exit.signal ?? (exit.code === 130 || exit.code === 143 ? signal : exit.code)).toBe(signal);
    },
    60_000,
  );

  it('writes the records after a short idle time, without waiting for 50', async () => {
    // Prepare
    const folder = newFolder();
    const buffer = new CaptureBuffer({
      sink: folderCaptureSink(folder.path),
      prefix: 'captures/',
      service: 'firehose-ingress',
      maxRecords: 50,
      maxAgeMs: 60_000,
      onFlushFailed: () => undefined,
    });
    // Act
    for (const n of [1, 2])
      buffer.add({ v: 1, capturedAt: '', service: 'firehose-ingress', request: `${n}`, calls: [] });
    const started = Date.now();
    const records = await waitUntil(
      () => (recordsIn(folder.path).length === 2 ? recordsIn(folder.path) : undefined),
      10_000,
      () => 'nothing written after 10 s',
    );
    // Assess: about a second (LOCAL_CAPTURE_IDLE_FLUSH_MS), not never.
    expect(records.map((r) => r['request'])).toEqual(['1', '2']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  }, 30_000);

  it('npm start with CAPTURE_DIR: requests answered just before Ctrl-C are captured', async () => {
    // Prepare
    const folder = newFolder();
    const npm = await startNpm({ [CAPTURE_ENV.dir]: folder.path });
    const batch = readFileSync(path.join(PROJECT_ROOT, 'events/event-batch.json'));
    const httpUrl = /HTTP variant\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(npm.output())?.[1] as string;
    // Act: three invocations through the Invoke API and one through the HTTP variant, then at once Ctrl-C.
    for (let i = 0; i < 3; i++) expect((await invokeIngress(npm.invokeUrl, batch)).status).toBe(200);
    const http = await fetch(`${httpUrl}/firehose`, {
      method: 'POST',
      headers: { authorization: 'Token local-token', 'content-type': 'application/json' },
      body: batch,
    });
    expect(http.status).toBeLessThan(300);
    const exited = new Promise((resolve) => npm.child.on('close', resolve));
    signalGroup(npm.child, 'SIGINT');
    await exited;
    // Assess
    const records = recordsIn(folder.path);
    expect(records).toHaveLength(4);
    expect(records.map((r) => r['type'])).toEqual(Array(4).fill('event_processing_request'));
    expect(npm.output()).toContain('stopped');
  }, 90_000);
});
