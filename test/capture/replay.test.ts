import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type * as Fauxqs from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3CaptureSink, folderCaptureSink } from '../../lambda/capture/capture-sink';
import { integration } from '../support/kit-integration';
import { importEsm } from '../../local/import-esm';
import { readCaptures } from '../../local/replay/capture-source';
import { replayRecords } from '../../local/replay/replay-records';
import { dryRunTarget } from '../../local/replay/replay-targets';
import { capturingIngress, sampleMessages, tempFolder } from './support';
import { PLATFORM_ENV } from '../../lambda/config/environment';

const BUCKET = 'captures-test';
let server: Fauxqs.FauxqsServer;
let endpoint: string;

beforeAll(async () => {
  const { startFauxqs } = await importEsm<typeof Fauxqs>('fauxqs');
  server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  endpoint = `http://127.0.0.1:${server.port}`;
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  s3.destroy();
  process.env[PLATFORM_ENV.awsRegion] ??= 'us-east-1';
  process.env[PLATFORM_ENV.awsAccessKeyId] ??= 'test';
  process.env[PLATFORM_ENV.awsSecretAccessKey] ??= 'test';
});
afterAll(async () => server?.stop());

/** Captures every sample message into the emulator's bucket, as the deployed ingress would. */
async function captureSamples(): Promise<number> {
  const { handle, capture } = capturingIngress({ sink: s3CaptureSink(BUCKET, { endpoint }), maxRecords: 5 });
  let count = 0;
  for (const sample of sampleMessages()) {
    count++;
    await handle(sample.bytes).catch(() => undefined);
  }
  await capture.flush();
  return count;
}

describe('replay of captured requests', () => {
  let captured: number;
  beforeAll(async () => {
    captured = await captureSamples();
  });

  it('gives the same answers and partner calls when the code has not changed', async () => {
    // Act
    const records = await readCaptures(`s3://${BUCKET}/captures/`, { s3Endpoint: endpoint });
    const results = await replayRecords(records, dryRunTarget());

    // Assess
    expect(records.length).toBeGreaterThanOrEqual(captured);
    expect(results.filter((r) => !r.same)).toEqual([]);
    expect(records.some((r) => r.calls.length > 0)).toBe(true);
  });

  it('names the requests whose partner calls a mapping change alters, and only those', async () => {
    // Prepare: a mapping change that adds a field to event batches.
    const records = await readCaptures(`s3://${BUCKET}/captures/`, { s3Endpoint: endpoint });
    const changed = {
      ...integration,
      mapEvents: (request: Parameters<typeof integration.mapEvents>[0]) => {
        const call = integration.mapEvents(request);
        return call && { ...call, body: { ...(call.body as object), mapping_version: 2 } };
      },
    };

    // Act
    const results = await replayRecords(records, dryRunTarget(changed));

    // Assess
    const differing = results.filter((r) => !r.same);
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.every((r) => r.type === 'event_processing_request')).toBe(true);
    expect(differing[0]?.differences[0]).toMatch(/call 0 \(\/events\): body differs/);
  });

  it('runs from the command line: `npm run replay -- <folder>` exits 0 when nothing differs', async () => {
    // Prepare
    const folder = tempFolder();
    try {
      const { handle, capture } = capturingIngress({ sink: folderCaptureSink(folder.path) });
      for (const sample of sampleMessages().slice(0, 4)) await handle(sample.bytes);
      await capture.flush();

      // Act
      const root = path.resolve(__dirname, '../..');
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/replay.ts', folder.path], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const help = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/replay.ts', '--help'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });

      // Assess
      expect(run.stdout).toContain('4 replayed, 0 differ');
      expect(run.status).toBe(0);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('usage: npm run replay');
    } finally {
      folder.remove();
    }
  });
});
