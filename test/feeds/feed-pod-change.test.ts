import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addFeedCustomer } from '../../lambda/feeds/customer-registry';
import { resumeCustomerUploads } from '../../lambda/feeds/feed-resume';
import type { handler as FeedHandler } from '../../lambda/handlers/feed-s3';
import { startFakeEventsApi, type FakeEventsApi } from '../../local/events-api-stand-in';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../local/secrets-manager-stand-in';
import { idsOf, makeBatches, toNdjson } from './support/batches';
import { FEED_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { feedLambdaContext, s3Event } from './support/s3-notification';
import { setUpCustomerFeed } from './support/customer-feed-world';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';

/**
 * A customer whose pod changes partway through an upload (issue 24, gap 4): progress is kept per destination
 * (endpoint and key identity, as the CLI's checkpoint), so the new pod gets every line, not only the rest.
 */

const BUCKET = 'feed-pod-change-bucket';
const KEY = 'incoming/hooli/backfill.ndjson';
const API_KEY = 'hooli-events-api-key';
const API_SECRET = 'PLANTED-hooli-s3cr3t-4711';
const LINES = 100;
const BATCHES_PER_REQUEST = 10;
/** The old pod takes this many requests, then refuses the key (the account moved). */
const OLD_POD_REQUESTS = 3;
const batches = makeBatches('hooli', LINES);

// S3 through the strict local layer, which honours the conditional puts the per-customer slots rely on.
let s3Emulator: SqsEmulator;
let s3: S3Client;
let secretsManager: SecretsManagerStandIn;
let registry: SecretsManagerClient;
let oldPod: FakeEventsApi;
let newPod: FakeEventsApi;
let handler: typeof FeedHandler;
const savedEnv = { ...process.env };

beforeAll(async () => {
  s3Emulator = await startSqsEmulator();
  secretsManager = await startSecretsManagerStandIn();
  oldPod = await startFakeEventsApi({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    fault: ({ seq }) => (seq > OLD_POD_REQUESTS ? { kind: 'status', status: 403 } : undefined),
  });
  newPod = await startFakeEventsApi({ apiKey: API_KEY, apiSecret: API_SECRET });
  ({ s3, registry } = await setUpCustomerFeed({
    s3Endpoint: s3Emulator.endpoint,
    secretsManagerEndpoint: secretsManager.endpoint,
    bucket: BUCKET,
    settings: {
      [FEED_ENV.concurrency]: '1',
      [FEED_ENV.maxBatchesPerRequest]: String(BATCHES_PER_REQUEST),
      [FEED_ENV.maxAttempts]: '2',
      [FEED_ENV.requestTimeoutMs]: '5000',
      [PLATFORM_ENV.powertoolsLogLevel]: 'SILENT',
    },
  }));
  vi.resetModules();
  ({ handler } = await import('../../lambda/handlers/feed-s3'));
});

afterAll(async () => {
  process.env = savedEnv;
  s3?.destroy();
  registry?.destroy();
  await oldPod?.close();
  await newPod?.close();
  await secretsManager?.close();
  await s3Emulator?.stop();
});

describe('a customer whose pod changes mid-upload', () => {
  it('sends every line of the upload to the new pod, not only those the old pod had not taken', async () => {
    // Prepare: the old pod takes the first requests, then refuses the key
    await addFeedCustomer(
      { customer: 'hooli', apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: oldPod.baseUrl },
      { client: registry },
    );
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: toNdjson(batches) }));
    await expect(handler(s3Event(BUCKET, KEY), feedLambdaContext())).rejects.toThrow(/403/);
    const acceptedByOldPod = idsOf(batches).filter((id) => oldPod.acceptedCount(id) > 0).length;

    // Act: the operator stores the customer's new pod and resumes their uploads
    await addFeedCustomer(
      { customer: 'hooli', apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: newPod.baseUrl },
      { client: registry },
    );
    const resume = await resumeCustomerUploads(s3, BUCKET, 'hooli');
    const result = await handler(s3Event(BUCKET, 'progress/hooli/backfill.ndjson.resume'), feedLambdaContext());

    // Assess
    expect(acceptedByOldPod).toBe(OLD_POD_REQUESTS * BATCHES_PER_REQUEST);
    expect(resume.resumed).toEqual([KEY]);
    expect(result).toEqual({ objects: 1, sent: LINES, rejected: 0, continued: 0 });
    expect(idsOf(batches).filter((id) => newPod.acceptedCount(id) === 1)).toHaveLength(LINES);
    const progress = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'progress/hooli/backfill.ndjson.progress.json' }),
    );
    const stored = JSON.parse((await progress.Body?.transformToString('utf8')) ?? '{}') as {
      destination?: { endpoint: string; credentials: string };
      complete?: boolean;
    };
    expect(stored.complete).toBe(true);
    expect(stored.destination?.endpoint).toBe(new URL(newPod.baseUrl).href);
    expect(stored.destination?.credentials).toMatch(/^key-sha256:[0-9a-f]{16}$/);
    expect(JSON.stringify(stored)).not.toContain(API_SECRET);
  });
});
