import { PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';
import { S3_LIMITS } from '../../local/strict-s3-rules';

// The strict layer refuses the S3 requests S3 refuses and the emulator accepts, with S3's own error codes.
let emulator: SqsEmulator;
beforeAll(async () => {
  emulator = await startSqsEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});

async function refusal(send: () => Promise<unknown>): Promise<{ code: string; status: number | undefined }> {
  try {
    await send();
  } catch (error) {
    if (error instanceof S3ServiceException) return { code: error.name, status: error.$metadata.httpStatusCode };
    throw error;
  }
  throw new Error('expected S3 to refuse the request, but it was accepted');
}

const put = (Key: string, Metadata?: Record<string, string>) => () =>
  emulator.s3.send(
    new PutObjectCommand({ Bucket: emulator.bucketName, Key, Body: 'x', ...(Metadata ? { Metadata } : {}) }),
  );

describe('the strict layer refuses what S3 refuses', () => {
  it('refuses an object key over 1,024 bytes (UTF-8) and accepts one of exactly 1,024', async () => {
    // Prepare: 'é' is two bytes in UTF-8, so 513 of them are 1,026 bytes though only 513 characters.
    const longKey = `k/${'é'.repeat(512)}`;

    // Act
    const out = await refusal(put(longKey));
    await put('k'.repeat(S3_LIMITS.keyBytes))();

    // Assess
    expect(out).toEqual({ code: 'KeyTooLongError', status: 400 });
    expect(await emulator.objects()).toContain('k'.repeat(S3_LIMITS.keyBytes));
    expect(await emulator.objects()).not.toContain(longKey);
  });

  it('refuses user metadata over 2 KB (names and values) and accepts 2 KB', async () => {
    // Act
    const out = await refusal(
      put('meta/over', { reason: 'r'.repeat(S3_LIMITS.userMetadataBytes - 'reason'.length + 1) }),
    );
    await put('meta/at', { reason: 'r'.repeat(S3_LIMITS.userMetadataBytes - 'reason'.length) })();

    // Assess
    expect(out).toEqual({ code: 'MetadataTooLarge', status: 400 });
    expect(await emulator.objects()).toEqual(expect.arrayContaining(['meta/at']));
    expect(await emulator.objects()).not.toContain('meta/over');
  });
});

const putIfAbsent = (Key: string, Body: string) => () =>
  emulator.s3.send(new PutObjectCommand({ Bucket: emulator.bucketName, Key, Body, IfNoneMatch: '*' }));

describe("the strict layer honours S3's conditional put (If-None-Match: *), which the emulator ignores", () => {
  it('writes a key that does not exist, and refuses the second put of it with 412 PreconditionFailed', async () => {
    // Act
    await putIfAbsent('cond/once', 'first')();
    const out = await refusal(putIfAbsent('cond/once', 'second'));

    // Assess: the first write stands; a lost race is S3's normal answer, not a refusal to report
    expect(out).toEqual({ code: 'PreconditionFailed', status: 412 });
    expect(await emulator.objectText('cond/once')).toBe('first');
    expect(emulator.refusals.map((r) => r.code)).not.toContain('PreconditionFailed');
  });

  it('decides concurrent conditional puts of one key one at a time: exactly one writer wins', async () => {
    // Act: eight writers race for one key, and one writer each for two other keys at the same time
    const racing = Array.from({ length: 8 }, (_, i) => putIfAbsent('cond/race', `writer ${i}`)());
    const others = ['cond/other-1', 'cond/other-2'].map((key) => putIfAbsent(key, key)());
    const outcomes = await Promise.allSettled([...racing, ...others]);

    // Assess
    const codes = outcomes.map((o) =>
      o.status === 'fulfilled' ? 'written' : o.reason instanceof S3ServiceException ? o.reason.name : String(o.reason),
    );
    expect(codes.slice(0, 8).filter((c) => c === 'written')).toHaveLength(1);
    expect(codes.slice(0, 8).filter((c) => c === 'PreconditionFailed')).toHaveLength(7);
    expect(codes.slice(8)).toEqual(['written', 'written']);
    const winner = codes.indexOf('written');
    expect(await emulator.objectText('cond/race')).toBe(`writer ${winner}`);
  });

  it('leaves a plain put (no condition) free to overwrite', async () => {
    // Act
    await putIfAbsent('cond/plain', 'first')();
    await emulator.s3.send(new PutObjectCommand({ Bucket: emulator.bucketName, Key: 'cond/plain', Body: 'second' }));

    // Assess
    expect(await emulator.objectText('cond/plain')).toBe('second');
  });
});
