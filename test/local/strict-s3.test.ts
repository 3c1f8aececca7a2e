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
