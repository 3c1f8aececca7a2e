import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FeedCredentials } from '../../lambda/feeds/feed-credentials';
import { FileCheckpoint } from '../../lambda/feeds/file-checkpoint';
import { exitCodeFor, formatSummary } from '../../lambda/feeds/feed-report';
import { idsOf, makeBatch, makeBatches, toNdjson } from './support/batches';
import { runAgainst } from './support/run-feed';
import { useFeedFixtures } from './support/test-fixtures';

const { startServer, makeTempDir } = useFeedFixtures('feed-run-');
const DESTINATION = { endpoint: 'http://127.0.0.1:1/v2', credentials: 'key-sha256:test' };

describe('feed run', () => {
  it('sends 10,000 batches exactly once and reports the throughput', async () => {
    // Prepare
    const api = await startServer();
    const batches = makeBatches('bulk', 10_000);

    // Act
    const { report } = await runAgainst(api.baseUrl, toNdjson(batches));

    // Assess
    const rate = report.sent / (report.elapsedMs / 1000);
    console.info(
      `feed throughput to the local server: ${report.sent} batches in ${report.elapsedMs} ms = ${rate.toFixed(0)} batches/s`,
    );
    expect(report).toMatchObject({ sent: 10_000, requests: 100, retries: 0, stop: undefined });
    expect(new Set(api.accepted).size).toBe(10_000);
    expect(api.accepted).toHaveLength(10_000);
  });

  it('resumes from its checkpoint without resending or skipping a batch', async () => {
    // Prepare: the first server turns the key down after 5 requests, as if it were revoked mid-run.
    const directory = await makeTempDir();
    const checkpointPath = path.join(directory, 'input.checkpoint.json');
    const batches = makeBatches('resume', 1_000);
    const ndjson = toNdjson([
      ...batches.slice(0, 500),
      '',
      makeBatch('resume-bad', { events: [{}] }),
      ...batches.slice(500),
    ]);
    const fingerprint = { name: 'input.ndjson', size: Buffer.byteLength(ndjson), sha256: 'test-sha' };
    const revoking = await startServer({ fault: ({ seq }) => (seq > 5 ? { kind: 'status', status: 403 } : undefined) });
    const healthy = await startServer();

    // Act
    const first = await runAgainst(revoking.baseUrl, ndjson, {
      store: await FileCheckpoint.open(checkpointPath, DESTINATION, [fingerprint]),
      limits: { maxBatchesPerRequest: 50 },
      concurrency: 1,
    });
    const second = await runAgainst(healthy.baseUrl, ndjson, {
      store: await FileCheckpoint.open(checkpointPath, DESTINATION, [fingerprint]),
      limits: { maxBatchesPerRequest: 50 },
      concurrency: 3,
    });

    // Assess
    expect(first.report.stop?.kind).toBe('auth');
    expect(first.report.sent).toBe(250);
    expect(second.report.stop).toBeUndefined();
    expect(second.report.skipped).toBe(250);
    expect(second.report.sent).toBe(750);
    const everyDelivery = [...revoking.accepted, ...healthy.accepted];
    expect(everyDelivery.sort()).toEqual(idsOf(batches).sort());
    const saved = JSON.parse(await readFile(checkpointPath, 'utf8')) as {
      files: Record<string, { done: number[][] }>;
      totals: unknown;
    };
    expect(saved.files['input.ndjson']?.done).toEqual([[1, 1002]]);
    expect(saved.totals).toEqual({ sent: 1000, historical: 0, rejected: 1 });
  });

  it('refuses a checkpoint written for different content', async () => {
    // Prepare
    const directory = await makeTempDir();
    const checkpointPath = path.join(directory, 'c.json');
    const store = await FileCheckpoint.open(checkpointPath, DESTINATION, [
      { name: 'a.ndjson', size: 10, sha256: 'one' },
    ]);
    store.markBlank('a.ndjson', 1, 1);
    await store.persist();

    // Act
    const reopening = FileCheckpoint.open(checkpointPath, DESTINATION, [{ name: 'a.ndjson', size: 10, sha256: 'two' }]);

    // Assess
    await expect(reopening).rejects.toThrow(/a\.ndjson changed since checkpoint .* was written; delete the checkpoint/);
  });

  it('summarises with counts, reasons and the right exit code', async () => {
    // Prepare
    const api = await startServer();
    const ndjson = toNdjson([...makeBatches('s', 5), 'not json', makeBatch('s-extra')]);

    // Act
    const { report } = await runAgainst(api.baseUrl, ndjson, { sourceName: 'sample.ndjson' });
    const summary = formatSummary(report, { input: 'sample.ndjson', endpoint: api.baseUrl });

    // Assess
    expect(exitCodeFor(report)).toBe(1);
    expect(summary).toContain('sent:        6 batch(es), of which historical: 0');
    expect(summary).toContain('rejected:    1');
    expect(summary).toContain('sample.ndjson line 6: not valid JSON');
    expect(summary).toMatch(/requests: +1\n/);
    expect(summary).toMatch(/throughput: +[\d.]+ batches\/s/);
    expect(summary).toContain('result:      finished, 1 batch(es) rejected');
  });

  it('never shows the key or secret when credentials are logged or serialised', () => {
    // Prepare
    const credentials = new FeedCredentials('visible-key-123', 'hidden-secret-456');

    // Act
    const renderings = [
      JSON.stringify({ credentials }),
      inspect(credentials),
      String(credentials),
      inspect({ nested: credentials }, { depth: 5 }),
    ];

    // Assess
    for (const rendering of renderings) {
      expect(rendering).not.toContain('hidden-secret-456');
      expect(rendering).not.toContain('visible-key-123');
    }
    expect(credentials.authorization()).toBe(
      `Basic ${Buffer.from('visible-key-123:hidden-secret-456').toString('base64')}`,
    );
  });
});
