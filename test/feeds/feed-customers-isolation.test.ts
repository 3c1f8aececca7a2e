import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addFeedCustomer } from '../../lambda/feeds/customer-registry';
import { resumeCustomerUploads } from '../../lambda/feeds/feed-resume';
import type { handler as FeedHandler } from '../../lambda/handlers/feed-s3';
import { startFakeEventsApi, type FakeEventsApi } from '../../local/events-api-stand-in';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../local/secrets-manager-stand-in';
import { idsOf, makeBatches, toNdjson, type Batch } from './support/batches';
import { FEED_ENV, PLATFORM_ENV } from '../../lambda/config/environment';
import { feedLambdaContext, s3Event } from './support/s3-notification';
import { setUpCustomerFeed } from './support/customer-feed-world';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';

/**
 * Several customers through the real S3 entry point at once (issue 24): two pods, one key/secret per
 * customer, one customer throttled by a 429 storm, one whose key mParticle refuses.
 */

const BUCKET = 'feed-customers-bucket';
const STORM_MS = 6_000; // long enough that the healthy uploads finish inside it even on a loaded machine
const customers = {
  acme: { pod: 'us1', lines: 2_000 },
  globex: { pod: 'us1', lines: 1_000 }, // the 429 storm
  initech: { pod: 'eu1', lines: 300 }, // stored with a secret mParticle refuses
  umbrella: { pod: 'eu1', lines: 500 },
} as const;
/** The fairness case: a backfill of many files next to another customer's small daily upload. */
const BACKFILL_FILES = 5;
const BACKFILL_LINES = 1_000;
const MAX_UPLOADS_PER_CUSTOMER = 2;
type Customer = keyof typeof customers;
const names = Object.keys(customers) as Customer[];
const keyOf = (customer: Customer): string => `${customer}-events-api-key`;
/** Planted: none of these may appear in any output. */
const secretOf = (customer: Customer): string => `PLANTED-${customer}-s3cr3t-${customer.length * 7919}`;
const WRONG_SECRET = 'PLANTED-initech-old-revoked-secret';

// S3 through the strict local layer, which honours the conditional puts the per-customer slots rely on.
let s3Emulator: SqsEmulator;
let s3: S3Client;
let secretsManager: SecretsManagerStandIn;
let registry: SecretsManagerClient;
const pods: Record<string, FakeEventsApi> = {};
let handler: typeof FeedHandler;
let globexStormEndsAt: number | undefined;
let backfillDelayMs = 0;
const globex429At: number[] = [];
const savedEnv = { ...process.env };
const batchesOf = {} as Record<Customer, Batch[]>;

beforeAll(async () => {
  s3Emulator = await startSqsEmulator();
  secretsManager = await startSecretsManagerStandIn();
  pods['us2'] = await startFakeEventsApi({
    apiKey: 'bigco-events-api-key',
    apiSecret: 'PLANTED-bigco-s3cr3t',
    accounts: [{ apiKey: 'smallco-events-api-key', apiSecret: 'PLANTED-smallco-s3cr3t' }],
    // Slow answers for the backfill only, so its uploads overlap the small one.
    get delayMs() {
      return backfillDelayMs;
    },
  });
  for (const pod of ['us1', 'eu1']) {
    const accounts = names.filter((name) => customers[name].pod === pod);
    pods[pod] = await startFakeEventsApi({
      apiKey: `${pod}-unused-key`,
      apiSecret: `${pod}-unused-secret`,
      accounts: accounts.map((name) => ({ apiKey: keyOf(name), apiSecret: secretOf(name) })),
      fault: ({ account }) => {
        if (account !== keyOf('globex')) return undefined;
        globexStormEndsAt ??= Date.now() + STORM_MS;
        if (Date.now() >= globexStormEndsAt) return undefined;
        globex429At.push(Date.now());
        return { kind: 'status', status: 429, retryAfterSeconds: 1 };
      },
    });
  }
  ({ s3, registry } = await setUpCustomerFeed({
    s3Endpoint: s3Emulator.endpoint,
    secretsManagerEndpoint: secretsManager.endpoint,
    bucket: BUCKET,
    settings: {
      [FEED_ENV.maxAttempts]: '10',
      [FEED_ENV.maxUploadsPerCustomer]: String(MAX_UPLOADS_PER_CUSTOMER),
      [FEED_ENV.requestTimeoutMs]: '5000',
      // Logs and metrics on: the test reads both, and checks no secret is in them.
      [PLATFORM_ENV.powertoolsLogLevel]: 'INFO',
      [PLATFORM_ENV.metricsDisabled]: 'false',
    },
  }));
  for (const name of names) {
    const apiSecret = name === 'initech' ? WRONG_SECRET : secretOf(name);
    const baseUrl = pods[customers[name].pod]?.baseUrl;
    await addFeedCustomer({ customer: name, apiKey: keyOf(name), apiSecret, baseUrl }, { client: registry });
    batchesOf[name] = makeBatches(name, customers[name].lines);
  }
  await addFeedCustomer(
    {
      customer: 'bigco',
      apiKey: 'bigco-events-api-key',
      apiSecret: 'PLANTED-bigco-s3cr3t',
      baseUrl: pods['us2']?.baseUrl,
    },
    { client: registry },
  );
  await addFeedCustomer(
    {
      customer: 'smallco',
      apiKey: 'smallco-events-api-key',
      apiSecret: 'PLANTED-smallco-s3cr3t',
      baseUrl: pods['us2']?.baseUrl,
    },
    { client: registry },
  );
  vi.resetModules();
  ({ handler } = await import('../../lambda/handlers/feed-s3'));
});

afterAll(async () => {
  process.env = savedEnv;
  s3?.destroy();
  registry?.destroy();
  await Promise.all(Object.values(pods).map((pod) => pod.close()));
  await secretsManager?.close();
  await s3Emulator?.stop();
});

/** Everything the function writes to stdout and stderr (logs and metrics) while `act` runs. */
async function captureOutput<T>(act: () => Promise<T>): Promise<{ output: string; value: T }> {
  const chunks: string[] = [];
  const keep = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  try {
    return { value: await act(), output: chunks.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

interface EmfRecord {
  readonly [field: string]: unknown;
}
const metricsIn = (output: string): EmfRecord[] =>
  output
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfRecord);

async function everyObjectText(): Promise<string> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  const texts = await Promise.all(
    (listed.Contents ?? [])
      .filter((object) => !object.Key?.startsWith('incoming/'))
      .map(async (object) => {
        const answer = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: object.Key }));
        return `${object.Key}\n${(await answer.Body?.transformToString('utf8')) ?? ''}`;
      }),
  );
  return texts.join('\n');
}

const acceptedOnce = (customer: Customer): number => {
  const api = pods[customers[customer].pod] as FakeEventsApi;
  return idsOf(batchesOf[customer]).filter((id) => api.acceptedCount(id) === 1).length;
};
const acceptedAtAll = (customer: Customer): number => {
  const api = pods[customers[customer].pod] as FakeEventsApi;
  return idsOf(batchesOf[customer]).filter((id) => api.acceptedCount(id) > 0).length;
};

describe('feed for many customers from one deployment', () => {
  it('isolates a throttled and a refused customer from the healthy ones, loses nothing and leaks no secret', async () => {
    // Prepare
    for (const name of names) {
      await s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: `incoming/${name}/daily.ndjson`, Body: toNdjson(batchesOf[name]) }),
      );
    }
    const startedAt = Date.now();
    const finishedAt = {} as Record<Customer, number>;

    // Act: the four uploads' invocations run at once, as Lambda runs them
    const { output, value: outcomes } = await captureOutput(() =>
      Promise.allSettled(
        names.map(async (name) => {
          try {
            return await handler(s3Event(BUCKET, `incoming/${name}/daily.ndjson`), feedLambdaContext());
          } finally {
            finishedAt[name] = Date.now();
          }
        }),
      ),
    );
    const [acme, globex, initech, umbrella] = outcomes;
    const eu1 = pods['eu1'] as FakeEventsApi;
    const us1 = pods['us1'] as FakeEventsApi;
    const globexAccepted = us1.requests
      .filter((request) => request.account === keyOf('globex') && request.outcome === 'accepted')
      .map((request) => request.at);
    const firstGlobexAcceptance = Math.min(...globexAccepted);

    // Assess: healthy customers, every line once
    expect(acme).toMatchObject({ status: 'fulfilled', value: { objects: 1, sent: 2_000, rejected: 0 } });
    expect(umbrella).toMatchObject({ status: 'fulfilled', value: { objects: 1, sent: 500, rejected: 0 } });
    expect(acceptedOnce('acme')).toBe(2_000);
    expect(acceptedOnce('umbrella')).toBe(500);
    // The 429 storm paused only globex: acme finished while globex was still held back
    expect(globex429At.length).toBeGreaterThan(0);
    expect(finishedAt.acme).toBeLessThan(firstGlobexAcceptance);
    // ... and never paused at all: a shared Retry-After: 1 would leave a gap of a second between its requests
    const acmeAt = us1.requests.filter((request) => request.account === keyOf('acme')).map((request) => request.at);
    const acmeGaps = acmeAt.slice(1).map((at, index) => at - (acmeAt[index] ?? at));
    expect(Math.max(...acmeGaps)).toBeLessThan(1_000);
    expect(globex).toMatchObject({ status: 'fulfilled', value: { objects: 1, sent: 1_000 } });
    expect(acceptedOnce('globex')).toBe(1_000);
    // The refused customer: stopped, named, nothing sent, data and progress kept
    expect(initech?.status).toBe('rejected');
    const refusal = initech?.status === 'rejected' ? String(initech.reason) : '';
    expect(refusal).toContain('incoming/initech/daily.ndjson (customer initech): mParticle answered 403 Forbidden');
    expect(acceptedAtAll('initech')).toBe(0);
    // Only the requests already in flight when the first 403 came (FEED_CONCURRENCY, 4 by default)
    expect(eu1.requests.filter((request) => request.outcome === 'forbidden').length).toBeLessThanOrEqual(4);
    const progress = await everyObjectText();
    expect(progress).toContain('progress/initech/daily.ndjson.progress.json');
    // Metrics per customer, and the refusal as its own metric naming the customer
    const metrics = metricsIn(output);
    const sentBy = (name: Customer) =>
      metrics
        .filter((record) => record['Customer'] === name)
        .reduce((sum, record) => sum + Number(record['FeedBatchesSent'] ?? 0), 0);
    expect(names.map(sentBy)).toEqual([2_000, 1_000, 0, 500]);
    expect(metrics).toContainEqual(expect.objectContaining({ Customer: 'initech', FeedCredentialsRefused: 1 }));
    expect(metrics).toContainEqual(expect.objectContaining({ Customer: 'globex', FeedRetryWaits: expect.any(Number) }));
    // No planted secret (nor its Basic header) in logs, metrics, errors, results or the bucket's own objects
    const everything = [output, progress, JSON.stringify(outcomes), refusal].join('\n');
    for (const name of names) {
      expect(everything).not.toContain(secretOf(name));
      expect(everything).not.toContain(Buffer.from(`${keyOf(name)}:${secretOf(name)}`).toString('base64'));
    }
    expect(everything).not.toContain(WRONG_SECRET);
    const pause = firstGlobexAcceptance - Math.min(...globex429At);
    console.info(
      `isolation: sent acme ${acceptedOnce('acme')}, umbrella ${acceptedOnce('umbrella')}, globex ${acceptedOnce('globex')} ` +
        `(429s: ${globex429At.length}, paused ${pause} ms, done after ${finishedAt.globex - startedAt} ms), initech 0 (403); ` +
        `acme done after ${finishedAt.acme - startedAt} ms, umbrella after ${finishedAt.umbrella - startedAt} ms; resent: ` +
        `${names.map((name) => idsOf(batchesOf[name]).filter((id) => (pods[customers[name].pod] as FakeEventsApi).acceptedCount(id) > 1).length).reduce((a, b) => a + b, 0)}`,
    );
  });

  it('sends the refused customer’s waiting upload once their key is fixed and their uploads resumed', async () => {
    // Prepare: the operator stores the right secret and resumes the customer
    await addFeedCustomer(
      { customer: 'initech', apiKey: keyOf('initech'), apiSecret: secretOf('initech'), baseUrl: pods['eu1']?.baseUrl },
      { client: registry },
    );
    const resume = await resumeCustomerUploads(s3, BUCKET, 'initech');

    // Act: what S3 does next, the marker's notification runs the function
    const { value: result, output } = await captureOutput(() =>
      handler(s3Event(BUCKET, 'progress/initech/daily.ndjson.resume'), feedLambdaContext()),
    );

    // Assess
    expect(resume).toEqual({ resumed: ['incoming/initech/daily.ndjson'], complete: 0, running: [] });
    expect(result).toEqual({ objects: 1, sent: 300, rejected: 0, continued: 0 });
    expect(acceptedOnce('initech')).toBe(300);
    expect(output).not.toContain(secretOf('initech'));
  });

  it('keeps an upload for a customer nobody registered, and says which', async () => {
    // Prepare
    const key = 'incoming/hooli/daily.ndjson';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: toNdjson(makeBatches('hooli', 3)) }));

    // Act
    const { value: outcome, output } = await captureOutput(() =>
      handler(s3Event(BUCKET, key), feedLambdaContext()).then(
        () => 'sent',
        (error: unknown) => String(error),
      ),
    );

    // Assess
    expect(outcome).toContain('no feed customer hooli: secret mparticle-feed/customers/hooli does not exist');
    expect(metricsIn(output)).toContainEqual(expect.objectContaining({ Customer: 'hooli', FeedUnknownCustomer: 1 }));
  });

  it('holds a backfill of many files to its per-customer slots, so another customer’s upload does not wait for it', async () => {
    // Prepare
    const backfill = Array.from({ length: BACKFILL_FILES }, (_, index) =>
      makeBatches(`bigco-${index}`, BACKFILL_LINES),
    );
    const daily = makeBatches('smallco', 200);
    for (const [index, batches] of backfill.entries()) {
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `incoming/bigco/backfill-${index}.ndjson`,
          Body: toNdjson(batches),
        }),
      );
    }
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/smallco/daily.ndjson', Body: toNdjson(daily) }),
    );
    backfillDelayMs = 40;
    const startedAt = Date.now();
    const sending: { start: number; end: number }[] = [];
    const seenMarkers = new Set<string>();
    let smallcoDoneAt = 0;
    /** One invocation as Lambda runs it; the backfill's intervals of actual sending are recorded. */
    const invoke = async (key: string): Promise<void> => {
      const start = Date.now();
      const result = await handler(s3Event(BUCKET, key), feedLambdaContext());
      if (key.includes('bigco') && result.objects > 0) sending.push({ start, end: Date.now() });
      if (key.includes('smallco')) smallcoDoneAt = Date.now();
    };
    /** What S3 does with the resume markers the function writes: each new one invokes it. */
    const newMarkers = async (): Promise<string[]> => {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'progress/bigco/' }));
      const fresh = (listed.Contents ?? []).filter(
        (object) =>
          object.Key?.endsWith('.resume') &&
          !seenMarkers.has(`${object.Key}@${object.ETag}@${object.LastModified?.getTime()}`),
      );
      for (const object of fresh) seenMarkers.add(`${object.Key}@${object.ETag}@${object.LastModified?.getTime()}`);
      return fresh.map((object) => object.Key as string);
    };

    // Act: every upload's event at once, then each marker the function writes, until none comes
    await captureOutput(async () => {
      await Promise.all([
        ...backfill.map((_, index) => invoke(`incoming/bigco/backfill-${index}.ndjson`)),
        invoke('incoming/smallco/daily.ndjson'),
      ]);
      for (let round = 0; round < 20; round += 1) {
        const markers = await newMarkers();
        if (markers.length === 0) break;
        await Promise.all(markers.map((marker) => invoke(marker)));
      }
    });
    backfillDelayMs = 0;

    // Assess: every line of every file once, never more than the cap sending at a time, the small upload first
    const us2 = pods['us2'] as FakeEventsApi;
    for (const batches of backfill) expect(idsOf(batches).every((id) => us2.acceptedCount(id) === 1)).toBe(true);
    expect(idsOf(daily).every((id) => us2.acceptedCount(id) === 1)).toBe(true);
    const overlapAt = (t: number) => sending.filter((span) => span.start <= t && t < span.end).length;
    const mostAtOnce = Math.max(...sending.map((span) => overlapAt(span.start)));
    expect(sending).toHaveLength(BACKFILL_FILES);
    expect(mostAtOnce).toBeLessThanOrEqual(MAX_UPLOADS_PER_CUSTOMER);
    const backfillDoneAt = Math.max(...sending.map((span) => span.end));
    expect(smallcoDoneAt).toBeLessThan(backfillDoneAt);
    console.info(
      `fairness: backfill ${BACKFILL_FILES} x ${BACKFILL_LINES} lines done after ${backfillDoneAt - startedAt} ms, ` +
        `at most ${mostAtOnce} of its uploads sending at once; the other customer's 200 lines done after ${smallcoDoneAt - startedAt} ms`,
    );
  });
});
