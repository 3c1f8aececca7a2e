import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSlot, takeSlot } from '../../lambda/feeds/customer-slots';
import { startConditionalPutGate, type ConditionalPutGate } from './support/conditional-put-gate';

/**
 * Two uploads of one customer ending at the same instant (issue 24, gap 5): the wake-up of a queued upload is
 * claimed with a conditional put, so it is woken once (one resume marker written, one invocation), and the
 * loser wakes the next queued upload instead of nobody. S3 honours the condition; the local emulator does not,
 * so the emulator sits behind a loopback gate that decides conditional puts as S3 documents.
 */

const BUCKET = 'feed-slots-claim-bucket';
const LIMITS = { maxUploads: 2, leaseMs: 60_000 };
let s3Emulator: FauxqsServer;
let gate: ConditionalPutGate;
let s3: S3Client;

beforeAll(async () => {
  s3Emulator = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  gate = await startConditionalPutGate(s3Emulator.address);
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: gate.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  s3?.destroy();
  await gate?.close();
  await s3Emulator?.stop();
});

const slot = (customer: string, uploadKey: string) => ({ s3, bucket: BUCKET, customer, uploadKey });
const markerPuts = (customer: string): string[] =>
  gate.puts.filter((path) => path.startsWith(`/${BUCKET}/progress/${customer}/`) && path.endsWith('.resume'));

describe('waking a queued upload when two uploads of its customer end at once', () => {
  it('wakes it once: one ending upload wins the claim, the other wakes nobody', async () => {
    // Prepare: two uploads hold both slots, a third waits
    const [first, second, third] = ['a', 'b', 'c'].map((name) => slot('acme', `incoming/acme/${name}.ndjson`));
    if (!first || !second || !third) throw new Error('three uploads expected');
    for (const upload of [first, second]) expect((await takeSlot(upload, LIMITS)).state).toBe('granted');
    expect((await takeSlot(third, LIMITS)).state).toBe('queued');

    // Act: both running uploads end in the same instant
    const woken = await Promise.all([releaseSlot(first, true), releaseSlot(second, true)]);

    // Assess
    expect(woken.filter((key) => key === third.uploadKey)).toHaveLength(1);
    expect(woken.filter((key) => key === undefined)).toHaveLength(1);
    expect(markerPuts('acme')).toEqual([`/${BUCKET}/progress/acme/c.ndjson.resume`]);
  });

  it('wakes two queued uploads, one each, when two end at once (the loser takes the next in line)', async () => {
    // Prepare
    const uploads = ['a', 'b', 'c', 'd'].map((name) => slot('globex', `incoming/globex/${name}.ndjson`));
    const states = [];
    for (const upload of uploads) states.push((await takeSlot(upload, LIMITS)).state);
    const [first, second] = uploads;
    if (!first || !second) throw new Error('four uploads expected');

    // Act
    const woken = await Promise.all([releaseSlot(first, true), releaseSlot(second, true)]);

    // Assess
    expect(states).toEqual(['granted', 'granted', 'queued', 'queued']);
    expect([...woken].sort()).toEqual(['incoming/globex/c.ndjson', 'incoming/globex/d.ndjson']);
    expect([...markerPuts('globex')].sort()).toEqual([
      `/${BUCKET}/progress/globex/c.ndjson.resume`,
      `/${BUCKET}/progress/globex/d.ndjson.resume`,
    ]);
  });
});
