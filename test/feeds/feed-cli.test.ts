import { spawnSync } from 'node:child_process';
import { cp, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFeedCli } from '../../scripts/feed/feed-cli';
import { defaultCheckpointPath } from '../../scripts/feed/input-files';
import { idsOf, makeBatches, toNdjson } from './support/batches';
import { PARTIAL_FAILURE_MESSAGE, type ReceivedRequest } from '../../local/events-api-stand-in';
import { API_KEY, API_SECRET } from './support/run-feed';
import { PROJECT_ROOT, spawnFeedCli } from './support/spawn-cli';
import { useFeedFixtures } from './support/test-fixtures';
import { FEED_ENV } from '../../lambda/config/environment';

const { startServer, makeTempDir } = useFeedFixtures('feed-cli-');

const sample = (name: string): string => path.join(PROJECT_ROOT, 'events/feed', name);
const goodEnv = { [FEED_ENV.apiKey]: API_KEY, [FEED_ENV.apiSecret]: API_SECRET };

/** Runs the CLI in-process with captured output. */
async function runCli(args: readonly string[], env: Record<string, string> = goodEnv, checkpointDir?: string) {
  let stdout = '';
  let stderr = '';
  const code = await runFeedCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env,
    checkpointDir,
  });
  return { code, stdout, stderr };
}

describe('feed CLI', () => {
  it('sends the sample file and exits 0 with a summary', async () => {
    // Prepare
    const api = await startServer();
    const checkpoint = path.join(await makeTempDir(), 'cp.json');

    // Act
    const result = await runCli(['--base-url', api.baseUrl, '--checkpoint', checkpoint, sample('sample.ndjson')]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('sent:        20 batch(es), of which historical: 0');
    expect(result.stdout).toContain('result:      all batches sent');
    expect(result.stderr).toMatch(/progress: 100\.0% 20\/20 lines/);
    expect(new Set(api.accepted).size).toBe(20);
  });

  it('sends historical samples to the historical path', async () => {
    // Prepare
    const api = await startServer();
    const checkpoint = path.join(await makeTempDir(), 'cp.json');

    // Act
    const result = await runCli(['--base-url', api.baseUrl, '--checkpoint', checkpoint, sample('historical.ndjson')]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('of which historical: 6');
    expect(api.requests.map((request) => request.path)).toEqual(['/v2/bulkevents/historical']);
  });

  it('exits 1 and names line and field of each rejected batch; a rerun resends nothing', async () => {
    // Prepare
    const api = await startServer();
    const checkpoint = path.join(await makeTempDir(), 'cp.json');
    const args = ['--base-url', api.baseUrl, '--checkpoint', checkpoint, sample('sample-with-bad-batch.ndjson')];

    // Act
    const first = await runCli(args);
    const second = await runCli(args);

    // Assess
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(
      'sample-with-bad-batch.ndjson line 4: events[1].event_type must be a non-empty string',
    );
    expect(first.stdout).toMatch(/sample-with-bad-batch\.ndjson line 8: not valid JSON/);
    expect(first.stdout).toContain('sent:        7 batch(es)');
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('sent:        0 batch(es)');
    expect(second.stdout).toContain(
      'resumed:     9 line(s) skipped as already handled (earlier runs: sent 7, historical 0, rejected 2)',
    );
    expect(api.accepted).toHaveLength(7);
  });

  it('exits 1 and names the batches mParticle reports failed inside an accepted request', async () => {
    // Prepare
    const api = await startServer({ failedInsideAccepted: new Set(['sample-005']) });
    const checkpoint = path.join(await makeTempDir(), 'cp.json');

    // Act
    const result = await runCli(['--base-url', api.baseUrl, '--checkpoint', checkpoint, sample('sample.ndjson')]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('sent:        19 batch(es)');
    expect(result.stdout).toContain(
      `sample.ndjson line 5: mParticle accepted the request but reported this batch failed: VALIDATION_ERROR: ${PARTIAL_FAILURE_MESSAGE}`,
    );
    expect(result.stdout).toContain('result:      finished, 1 batch(es) rejected');
  });

  it('reads a 202 body over 64 KiB that names every batch of a request as failed', async () => {
    // Prepare
    const longMessage = 'this batch failed for a reason mParticle spells out at length; '.repeat(12);
    const api = await startServer({
      fault: ({ ids }) => ({
        kind: 'status',
        status: 202,
        body: JSON.stringify({
          errors: ids.map((id, index) => ({
            code: 'VALIDATION_ERROR',
            message: longMessage,
            index,
            source_request_id: id,
          })),
        }),
      }),
    });
    const input = path.join(await makeTempDir(), 'many.ndjson');
    await writeFile(input, toNdjson(makeBatches('long-errors', 100)));
    const checkpoint = path.join(await makeTempDir(), 'cp.json');

    // Act
    const result = await runCli(['--base-url', api.baseUrl, '--checkpoint', checkpoint, input]);

    // Assess
    expect(api.requests).toHaveLength(1);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('sent:        0 batch(es)');
    expect(result.stdout).toContain('rejected:    100');
    expect(result.stdout).toContain('result:      finished, 100 batch(es) rejected');
  });

  it('sends batches carrying partner identities but warns that a Custom Feed does not accept them', async () => {
    // Prepare
    const api = await startServer();
    const input = path.join(await makeTempDir(), 'partner-ids.ndjson');
    const batches = makeBatches('pid', 4);
    const withIds = batches.map((batch, index) =>
      index < 3 ? { ...batch, partner_identities: { partner_id: `p-${index}` } } : batch,
    );
    await writeFile(input, toNdjson(withIds));
    const checkpoint = path.join(await makeTempDir(), 'cp.json');

    // Act
    const result = await runCli(['--base-url', api.baseUrl, '--checkpoint', checkpoint, input]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'warning:     3 batch(es) carry partner identities: a Custom Feed (the way to test in your own account) does not accept them',
    );
    expect(new Set(api.accepted).size).toBe(4);
  });

  it('keeps its default checkpoint out of the input tree, so a sample folder stays as committed', async () => {
    // Prepare
    const api = await startServer();
    const input = path.join(await makeTempDir(), 'feed');
    await cp(path.join(PROJECT_ROOT, 'events/feed'), input, { recursive: true });
    const checkpointDir = path.join(await makeTempDir(), '.feed-checkpoints');
    const inputBefore = (await readdir(path.dirname(input), { recursive: true })).sort();

    // Act
    const first = await runCli(['--base-url', api.baseUrl, input], goodEnv, checkpointDir);
    const second = await runCli(['--base-url', api.baseUrl, input], goodEnv, checkpointDir);

    // Assess
    expect(first.code).toBe(1); // the bad-batch sample holds two bad lines on purpose
    expect((await readdir(path.dirname(input), { recursive: true })).sort()).toEqual(inputBefore);
    const written = await readdir(checkpointDir);
    expect(written).toEqual([expect.stringMatching(/^feed-[0-9a-f]{12}\.checkpoint\.json$/)]);
    expect(first.stdout).toContain(`checkpoint:  ${path.join(checkpointDir, written[0] ?? '')}`);
    expect(second.stdout).toContain('sent:        0 batch(es)');
  });

  it('keys progress by destination: a try-out elsewhere does not stop the real run, and a rerun says it sent nothing', async () => {
    // Prepare: the local try-out, then the "real" destination (another endpoint), then another key on it
    const tryOut = await startServer();
    const real = await startServer();
    const checkpointDir = path.join(await makeTempDir(), '.feed-checkpoints');
    const input = sample('sample.ndjson');

    // Act
    const first = await runCli(['--base-url', tryOut.baseUrl, input], goodEnv, checkpointDir);
    const second = await runCli(['--base-url', real.baseUrl, input], goodEnv, checkpointDir);
    const again = await runCli(['--base-url', real.baseUrl, input], goodEnv, checkpointDir);
    const otherKey = await runCli(
      ['--base-url', real.baseUrl, input],
      { [FEED_ENV.apiKey]: 'another-key', [FEED_ENV.apiSecret]: API_SECRET },
      checkpointDir,
    );

    // Assess
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('sent:        20 batch(es)');
    expect(new Set(real.accepted).size).toBe(20);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      'result:      nothing sent: all 20 line(s) were handled by an earlier run to this destination',
    );
    expect(again.stderr).toContain('nothing to send');
    expect(real.accepted).toHaveLength(20);
    expect(otherKey.stdout).not.toContain('nothing sent');
    expect(otherKey.stdout).toContain('STOPPED (auth)');
    expect(await readdir(checkpointDir)).toHaveLength(3);
  });

  it('sends only the new file when a file is added to an input folder (the folder keeps its checkpoint)', async () => {
    // Prepare: a folder with one file, sent; then a second file lands in it
    const api = await startServer();
    const checkpointDir = path.join(await makeTempDir(), '.feed-checkpoints');
    const folder = await makeTempDir();
    await writeFile(path.join(folder, 'a.ndjson'), toNdjson(makeBatches('a', 5)));
    const first = await runCli(['--base-url', api.baseUrl, folder], goodEnv, checkpointDir);
    await writeFile(path.join(folder, 'b.ndjson'), toNdjson(makeBatches('b', 3)));

    // Act
    const second = await runCli(['--base-url', api.baseUrl, folder], goodEnv, checkpointDir);

    // Assess: a's five lines reached mParticle once, b's three once
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect([...api.accepted].sort()).toEqual([...idsOf(makeBatches('a', 5)), ...idsOf(makeBatches('b', 3))].sort());
    expect(await readdir(checkpointDir)).toHaveLength(1);
  });

  it('refuses an explicit checkpoint written for another destination', async () => {
    // Prepare
    const tryOut = await startServer();
    const real = await startServer();
    const checkpoint = path.join(await makeTempDir(), 'cp.json');
    const input = sample('sample.ndjson');
    await runCli(['--base-url', tryOut.baseUrl, '--checkpoint', checkpoint, input]);

    // Act
    const result = await runCli(['--base-url', real.baseUrl, '--checkpoint', checkpoint, input]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`checkpoint ${checkpoint} records progress to ${tryOut.baseUrl}`);
    expect(result.stderr).not.toContain(API_SECRET);
    expect(real.requests).toHaveLength(0);
  });

  it('puts default checkpoints in a project folder git ignores', () => {
    // Act
    const checkpoint = defaultCheckpointPath(sample(''), [], { endpoint: 'https://example.test/v2', credentials: 'k' });
    const ignored = spawnSync('git', ['check-ignore', '--quiet', path.relative(PROJECT_ROOT, checkpoint)], {
      cwd: PROJECT_ROOT,
    });

    // Assess
    expect(path.dirname(checkpoint)).toBe(path.join(PROJECT_ROOT, '.feed-checkpoints'));
    expect(ignored.status).toBe(0);
  });

  it('exits 2 on refused credentials with a clear message that shows no secret', async () => {
    // Prepare
    const api = await startServer();
    const checkpoint = path.join(await makeTempDir(), 'cp.json');
    const wrongSecret = 'wrong-secret-do-not-print';

    // Act
    const run = spawnFeedCli(['--base-url', api.baseUrl, '--checkpoint', checkpoint, sample('sample.ndjson')], {
      [FEED_ENV.apiKey]: API_KEY,
      [FEED_ENV.apiSecret]: wrongSecret,
    });
    const result = await run.done;

    // Assess
    const output = result.stdout + result.stderr;
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('STOPPED (auth): mParticle answered 403 Forbidden');
    expect(result.stdout).toContain('not sent:    20 batch(es)');
    expect(output).not.toContain(wrongSecret);
    expect(output).not.toContain(Buffer.from(`${API_KEY}:${wrongSecret}`).toString('base64'));
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('exits 2 with a usage message for bad arguments and missing credentials', async () => {
    // Act
    const noInput = await runCli(['--pod', 'us1']);
    const badPod = await runCli(['--pod', 'mars1', sample('sample.ndjson')]);
    const noCredentials = await runCli(
      ['--pod', 'us1', '--checkpoint', path.join(await makeTempDir(), 'c.json'), sample('sample.ndjson')],
      {},
    );

    // Assess
    expect(noInput).toMatchObject({ code: 2 });
    expect(noInput.stderr).toContain('give one NDJSON file or directory');
    expect(badPod.stderr).toContain('unknown mParticle pod "mars1"');
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toContain(
      `no mParticle credentials: set ${FEED_ENV.apiKey} and ${FEED_ENV.apiSecret}`,
    );
  });

  it('resumes after kill -9 without skipping, resending at most the requests in flight', async () => {
    // Prepare
    const directory = await makeTempDir();
    const input = path.join(directory, 'big.ndjson');
    const checkpoint = path.join(directory, 'big.checkpoint.json');
    const batches = makeBatches('kill', 3_000);
    await writeFile(input, toNdjson(batches));
    const concurrency = 3;
    const perRequest = 20;
    let killRun: (() => void) | undefined;
    const api = await startServer({
      delayMs: 10,
      onRequest: (request) => {
        if (request.seq === 40) killRun?.();
      },
    });
    const args = [
      '--base-url',
      api.baseUrl,
      '--checkpoint',
      checkpoint,
      '--max-batches-per-request',
      String(perRequest),
      '--concurrency',
      String(concurrency),
      input,
    ];

    // Act
    const first = spawnFeedCli(args, goodEnv);
    killRun = () => first.child.kill('SIGKILL');
    const killed = await first.done;
    const firstRunRequests: ReceivedRequest[] = [...api.requests];
    const second = await spawnFeedCli(args, goodEnv).done;

    // Assess
    expect(killed.signal).toBe('SIGKILL');
    expect(firstRunRequests.length).toBeLessThan(150);
    expect(second.code).toBe(0);
    const everyId = idsOf(batches);
    expect(everyId.every((id) => api.acceptedCount(id) >= 1)).toBe(true);
    const resent = new Set(everyId.filter((id) => api.acceptedCount(id) > 1));
    // Resent batches are whole requests of the first run, and no more of them than could be in flight.
    const resentRequests = firstRunRequests.filter((request) => request.ids.some((id) => resent.has(id)));
    expect(resentRequests.length).toBeLessThanOrEqual(concurrency);
    for (const request of resentRequests) expect(request.ids.every((id) => resent.has(id))).toBe(true);
    expect(resent.size).toBeLessThanOrEqual(concurrency * perRequest);
    expect(api.accepted.length - everyId.length).toBe(resent.size);
    expect(second.stdout).toMatch(/resumed: +\d+ line\(s\) skipped as already handled/);
    console.info(
      `kill -9 after ${firstRunRequests.length} requests: ${resent.size} batch(es) in ${resentRequests.length} request(s) resent`,
    );
  });
});
