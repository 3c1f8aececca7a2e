import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { handler as FeedHandler } from '../../lambda/handlers/feed-s3';
import { idsOf, makeBatch, makeBatches, toNdjson } from './support/batches';
import {
  PARTIAL_FAILURE_MESSAGE,
  POISON_MESSAGE,
  startFakeEventsApi,
  type FakeEventsApi,
} from '../../local/events-api-stand-in';
import { API_KEY, API_SECRET } from './support/run-feed';
import { FEED_ENV, LOCAL_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { feedLambdaContext, s3Event } from './support/s3-notification';

const BUCKET = 'feed-test-bucket';
let s3Emulator: FauxqsServer;
let api: FakeEventsApi;
let s3: S3Client;
let handler: typeof FeedHandler;
let forcedStatus: number | undefined;
/** Requests after this sequence number are answered 503 (a mid-upload outage). */
let failAfterSeq: number | undefined;
/** How long the stand-in takes to answer, to make an upload outlast an invocation. */
let answerDelayMs = 0;
/** The handler may run one request timeout past the point where it stops starting requests. */
const REQUEST_TIMEOUT_MS = 2_000;
/** Kept back by the handler from the remaining time (lambda/handlers/feed-s3.ts). */
const SAFETY_MARGIN_MS = 15_000;
const savedEnv = { ...process.env };

beforeAll(async () => {
  s3Emulator = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  api = await startFakeEventsApi({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    poisonedIds: new Set(['s3-00077']),
    failedInsideAccepted: new Set(['s3-00042', 'long-00777']),
    fault: ({ seq }) => {
      if (forcedStatus !== undefined) return { kind: 'status', status: forcedStatus };
      return failAfterSeq !== undefined && seq > failAfterSeq ? { kind: 'status', status: 503 } : undefined;
    },
    get delayMs() {
      return answerDelayMs;
    },
  });
  const emulatorEnv = {
    [PLATFORM_ENV.awsRegion]: 'us-east-1',
    [PLATFORM_ENV.awsAccessKeyId]: 'test',
    [PLATFORM_ENV.awsSecretAccessKey]: 'test',
    [LOCAL_ENV.s3Endpoint]: s3Emulator.address,
  };
  Object.assign(process.env, emulatorEnv, {
    [FEED_ENV.baseUrl]: api.baseUrl,
    [FEED_ENV.apiKey]: API_KEY,
    [FEED_ENV.apiSecret]: API_SECRET,
    [FEED_ENV.maxAttempts]: '2',
    [FEED_ENV.requestTimeoutMs]: String(REQUEST_TIMEOUT_MS),
    [PLATFORM_ENV.powertoolsLogLevel]: 'SILENT',
  });
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: s3Emulator.address,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // The handler reads its environment at module load, like a cold start.
  vi.resetModules();
  ({ handler } = await import('../../lambda/handlers/feed-s3'));
});

afterAll(async () => {
  process.env = savedEnv;
  s3?.destroy();
  await api?.close();
  await s3Emulator?.stop();
});

async function readObject(key: string): Promise<string> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await answer.Body?.transformToString('utf8')) ?? '';
}

describe('feed S3 handler', () => {
  it('sends an uploaded object and writes rejected batches under rejected/ with their reasons', async () => {
    // Prepare
    const batches = makeBatches('s3', 150);
    const invalid = makeBatch('s3-invalid', { user_identities: [] });
    const key = 'incoming/2025 06/upload-1.ndjson';
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: toNdjson([...batches.slice(0, 10), invalid, ...batches.slice(10)]),
      }),
    );

    // Act
    const result = await handler(s3Event(BUCKET, key), feedLambdaContext());

    // Assess
    const good = idsOf(batches).filter((id) => id !== 's3-00077' && id !== 's3-00042');
    expect(result).toEqual({ objects: 1, sent: 148, rejected: 3, continued: 0 });
    expect([...api.accepted].sort()).toEqual(good.sort());
    const rejectedLines = (await readObject('rejected/2025 06/upload-1.ndjson'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { line: number; reason: string; batch: { source_request_id: string } });
    expect(rejectedLines).toEqual([
      {
        line: 11,
        reason: expect.stringContaining('user_identities must be an object'),
        batch: expect.objectContaining({ source_request_id: 's3-invalid' }),
      },
      {
        line: 43,
        reason: `line 43: mParticle accepted the request but reported this batch failed: VALIDATION_ERROR: ${PARTIAL_FAILURE_MESSAGE}`,
        batch: expect.objectContaining({ source_request_id: 's3-00042' }),
      },
      {
        line: 78,
        reason: `line 78: mParticle answered 400: BAD_REQUEST: ${POISON_MESSAGE}`,
        batch: expect.objectContaining({ source_request_id: 's3-00077' }),
      },
    ]);
  });

  it('ignores objects under rejected/ so its own output never loops back', async () => {
    // Prepare
    const before = api.requests.length;

    // Act
    const result = await handler(s3Event(BUCKET, 'rejected/upload-1.ndjson'), feedLambdaContext());

    // Assess
    expect(result).toEqual({ objects: 0, sent: 0, rejected: 0, continued: 0 });
    expect(api.requests.length).toBe(before);
  });

  it('throws on refused credentials so S3 retries the object, without revealing the secret', async () => {
    // Prepare
    const key = 'incoming/upload-2.ndjson';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: toNdjson(makeBatches('auth', 5)) }));
    forcedStatus = 403;

    // Act
    const invocation = handler(s3Event(BUCKET, key), feedLambdaContext());

    // Assess
    await expect(invocation).rejects.toThrow(
      /s3:\/\/feed-test-bucket\/incoming\/upload-2\.ndjson: mParticle answered 403 Forbidden/,
    );
    await invocation.catch((error: unknown) => expect(String(error)).not.toContain(API_SECRET));
    forcedStatus = undefined;
  });

  it('throws when retries run out, leaving no batch silently dropped', async () => {
    // Prepare
    const key = 'incoming/upload-3.ndjson';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: toNdjson(makeBatches('down', 5)) }));
    forcedStatus = 503;

    // Act
    const invocation = handler(s3Event(BUCKET, key), feedLambdaContext());

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'FeedStoppedError', stopKind: 'retries-exhausted' });
    forcedStatus = undefined;
  });
});

describe('feed S3 handler progress', () => {
  it('resumes a retried invocation where the failed one stopped: no batch is sent twice', async () => {
    // Prepare
    const batches = makeBatches('retry', 1000);
    const key = 'incoming/retry.ndjson';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: toNdjson(batches) }));
    failAfterSeq = api.requests.length + 3; // three requests accepted, then an outage

    // Act
    const failed = handler(s3Event(BUCKET, key), feedLambdaContext());
    await expect(failed).rejects.toMatchObject({ name: 'FeedStoppedError', stopKind: 'retries-exhausted' });
    const acceptedBeforeRetry = idsOf(batches).filter((id) => api.acceptedCount(id) > 0).length;
    failAfterSeq = undefined;
    const retried = await handler(s3Event(BUCKET, key), feedLambdaContext());

    // Assess
    expect(acceptedBeforeRetry).toBe(300);
    expect(retried).toEqual({ objects: 1, sent: 700, rejected: 0, continued: 0 });
    const resent = idsOf(batches).filter((id) => api.acceptedCount(id) > 1);
    expect(resent).toEqual([]);
    expect(idsOf(batches).every((id) => api.acceptedCount(id) === 1)).toBe(true);
    console.info(
      `retried invocation: ${acceptedBeforeRetry} batches accepted before the failure, ${retried.sent} after, ${resent.length} resent`,
    );
  });

  it('drops a resume marker for an upload since replaced, and sends the new upload from its start', async () => {
    // Prepare
    const first = makeBatches('repl-a', 4000); // 40 slow requests: far more than half a second holds
    const second = makeBatches('repl-b', 5);
    const key = 'incoming/replaced.ndjson';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: toNdjson(first) }));
    answerDelayMs = 150;
    const continued = await handler(
      s3Event(BUCKET, key),
      feedLambdaContext(SAFETY_MARGIN_MS + REQUEST_TIMEOUT_MS + 500),
    );
    answerDelayMs = 0;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: toNdjson(second) }));
    const requestsBefore = api.requests.length;

    // Act
    const staleMarker = await handler(s3Event(BUCKET, 'progress/replaced.ndjson.resume'), feedLambdaContext());
    const requestsForMarker = api.requests.length - requestsBefore;
    const newUpload = await handler(s3Event(BUCKET, key), feedLambdaContext());

    // Assess
    expect(continued.continued).toBe(1);
    expect(staleMarker).toEqual({ objects: 0, sent: 0, rejected: 0, continued: 0 });
    expect(requestsForMarker).toBe(0);
    expect(newUpload).toEqual({ objects: 1, sent: 5, rejected: 0, continued: 0 });
    expect(idsOf(second).every((id) => api.acceptedCount(id) === 1)).toBe(true);
    expect(idsOf(first).filter((id) => api.acceptedCount(id) > 0).length).toBe(continued.sent);
  });

  it('fails instead of re-triggering itself when an invocation gets nothing through', async () => {
    // Prepare
    const key = 'incoming/no-time.ndjson';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: toNdjson(makeBatches('no-time', 5)) }));
    const requestsBefore = api.requests.length;

    // Act
    const invocation = handler(s3Event(BUCKET, key), feedLambdaContext(SAFETY_MARGIN_MS)); // no time to start a request

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'FeedStoppedError', stopKind: 'deadline' });
    expect(api.requests.length).toBe(requestsBefore);
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'progress/no-time.ndjson.resume' })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('finishes an upload too large for one invocation over several, re-triggering itself and resending nothing', async () => {
    // Prepare
    const batches = makeBatches('long', 6000);
    const lines: (Record<string, unknown> | string)[] = [...batches];
    lines.splice(1500, 0, '{"truncated": ');
    lines.splice(3200, 0, makeBatch('long-invalid', { environment: 'staging' }));
    const key = 'incoming/big/long.ndjson';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: toNdjson(lines) }));
    answerDelayMs = 150;
    const remainingMs = SAFETY_MARGIN_MS + REQUEST_TIMEOUT_MS + 1_000; // a second of starting requests, ~2.3 s of work
    const requestsBefore = api.requests.length;

    // Act
    const results = [];
    let event = s3Event(BUCKET, key);
    for (let invocation = 1; invocation <= 40; invocation += 1) {
      const result = await handler(event, feedLambdaContext(remainingMs));
      results.push(result);
      if (result.continued === 0) break;
      // What S3 does next: the resume marker's own notification invokes the function.
      const marker = 'progress/big/long.ndjson.resume';
      await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: marker }));
      event = s3Event(BUCKET, marker);
    }
    answerDelayMs = 0;
    const lateDuplicate = await handler(s3Event(BUCKET, key), feedLambdaContext());

    // Assess
    expect(results.length).toBeGreaterThan(1);
    expect(results.at(-1)?.continued).toBe(0);
    const expected = idsOf(batches).filter((id) => id !== 'long-00777');
    expect(expected.every((id) => api.acceptedCount(id) === 1)).toBe(true);
    expect(api.acceptedCount('long-00777')).toBe(0);
    expect(results.reduce((sum, result) => sum + result.sent, 0)).toBe(expected.length);
    expect(lateDuplicate).toMatchObject({ sent: 0, continued: 0 });
    const rejected = (await readObject('rejected/big/long.ndjson'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { line: number; reason: string });
    expect(rejected.map((entry) => entry.line)).toEqual([777, 1501, 3201]);
    expect(rejected[0]?.reason).toContain(PARTIAL_FAILURE_MESSAGE);
    const progress = JSON.parse(await readObject('progress/big/long.ndjson.progress.json')) as {
      complete: boolean;
      invocations: number;
      totals: unknown;
    };
    expect(progress).toMatchObject({
      complete: true,
      invocations: results.length,
      totals: { sent: expected.length, historical: 0, rejected: 3 },
    });
    const resent = idsOf(batches).filter((id) => api.acceptedCount(id) > 1).length;
    console.info(
      `${batches.length + 2} lines over ${results.length} invocations (${api.requests.length - requestsBefore} requests); batches resent: ${resent}`,
    );
  });
});
