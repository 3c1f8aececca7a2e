import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseSlot, takeSlot } from '../../lambda/feeds/customer-slots';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';

/**
 * Two uploads of one customer ending at the same instant (issue 24, gap 5): the wake-up of a queued upload is
 * claimed with a conditional put, so it is woken once (one resume marker written, one invocation), and the
 * loser wakes the next queued upload instead of nobody. S3 honours the condition; the local emulator does not,
 * so the S3 client talks to it through the strict layer (local/strict-aws-proxy.ts), as `npm start` does,
 * which decides conditional puts as S3 documents.
 */

const LIMITS = { maxUploads: 2, leaseMs: 60_000 };
let emulator: SqsEmulator;
let s3: S3Client;
/** Every put the emulator accepted, by path (`/bucket/key`), in order. */
const puts: string[] = [];

beforeAll(async () => {
  emulator = await startSqsEmulator();
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  // Counted on the client once S3 answered 200: a put refused (412) throws before it is counted.
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === PutObjectCommand.name) {
        const input = args.input as { Bucket?: string; Key?: string };
        puts.push(`/${input.Bucket}/${input.Key}`);
      }
      return out;
    },
    { step: 'initialize', name: 'countAcceptedPuts' },
  );
});

afterAll(async () => {
  s3?.destroy();
  await emulator?.stop();
});

const slot = (customer: string, uploadKey: string) => ({ s3, bucket: emulator.bucketName, customer, uploadKey });
const markerPuts = (customer: string): string[] =>
  puts.filter((path) => path.startsWith(`/${emulator.bucketName}/progress/${customer}/`) && path.endsWith('.resume'));

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
    expect(markerPuts('acme')).toEqual([`/${emulator.bucketName}/progress/acme/c.ndjson.resume`]);
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
      `/${emulator.bucketName}/progress/globex/c.ndjson.resume`,
      `/${emulator.bucketName}/progress/globex/d.ndjson.resume`,
    ]);
  });
});
