import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import * as v from 'valibot';
import { FirehoseInputError } from '../firehose/errors';
import { ClaimCheckDoneError, ClaimCheckMissingError, ClaimCheckUnavailableError } from './errors';
import { DELIVERY_INFRASTRUCTURE } from './infrastructure';

/**
 * Claim checks: a queue message too large for SQS is kept in S3 and the queue carries a small pointer to it
 * (the pattern of the SQS extended client). The object holds the whole message text as it would have been
 * sent (already SQS-safe, so plain UTF-8). Lifetime: once the call is delivered, the worker replaces the
 * object with an empty marker saying so (`markDone`), so a duplicate of the pointer (SQS delivers at least
 * once) is acknowledged instead of parked as "gone". A parked pointer names a fresh copy of the object
 * (`copy`), so the bucket's lifecycle expiry (DELIVERY_INFRASTRUCTURE.claimCheckRetentionDays, counted from an
 * object's creation) starts again when it is parked and a late redrive still finds the text; the original
 * is then marked done too. Markers and copies expire with the lifecycle like any object.
 */

const pointerSchema = v.object({
  v: v.literal(1),
  claimCheck: v.object({ bucket: v.string(), key: v.string(), bytes: v.number() }),
});

export type ClaimCheck = v.InferOutput<typeof pointerSchema>['claimCheck'];

/** The S3 SDK module and a client, loaded on first use: calls that fit a message never pay for them. */
export type S3Connection = { readonly api: typeof import('@aws-sdk/client-s3'); readonly client: S3Client };

/** S3 metadata key of a marker: `delivered`, or `parked` (the text lives on under the parked copy's key). */
const DONE_METADATA = 'done';

/** The pointer message that stands in the queue for an object. */
export function encodePointer(check: ClaimCheck): string {
  return JSON.stringify({ v: 1, claimCheck: check });
}

/** The pointer a queue message holds, or undefined when it is an ordinary message. Cheap on ordinary ones. */
export function readPointer(body: string): ClaimCheck | undefined {
  if (body.length > 2048 || !body.startsWith('{"v":1,"claimCheck":')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(pointerSchema, value);
  return parsed.success ? parsed.output.claimCheck : undefined;
}

export class ClaimCheckStore {
  constructor(
    private readonly connect: () => Promise<S3Connection>,
    readonly bucket: string,
  ) {}

  /** Stores a message text under a fresh key (never reused: two spills of one call get two objects). */
  async put(text: string): Promise<ClaimCheck> {
    const key = freshKey();
    const bytes = Buffer.byteLength(text);
    try {
      const { api, client } = await this.connect();
      await client.send(
        new api.PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: text,
          ContentType: 'application/json; charset=utf-8',
        }),
      );
    } catch (cause) {
      throw new ClaimCheckUnavailableError('claim-check bucket did not accept the message', cause);
    }
    return { bucket: this.bucket, key, bytes };
  }

  async get(check: ClaimCheck): Promise<string> {
    // Only the configured bucket: a pointer is data from the queue, not an instruction to read anywhere.
    if (check.bucket !== this.bucket)
      throw new FirehoseInputError('claimCheck.bucket', 'is not the configured claim-check bucket');
    const { api, client } = await this.connect();
    try {
      const out = await client.send(new api.GetObjectCommand({ Bucket: this.bucket, Key: check.key }));
      const done = out.Metadata?.[DONE_METADATA];
      if (done) throw new ClaimCheckDoneError(done);
      if (!out.Body) throw new ClaimCheckMissingError();
      return await out.Body.transformToString('utf-8');
    } catch (error) {
      if (error instanceof ClaimCheckMissingError || error instanceof ClaimCheckDoneError) throw error;
      if (error instanceof api.NoSuchKey) throw new ClaimCheckMissingError(error);
      throw new ClaimCheckUnavailableError('could not read the claim-check object', error);
    }
  }

  /**
   * Replaces the object with an empty marker: its text is gone, and a duplicate pointer reads that its
   * delivery is done. A failure leaves the text to the lifecycle expiry (a duplicate is then delivered
   * again, which the idempotency key makes harmless), so it is not an error.
   */
  async markDone(check: ClaimCheck, how: 'delivered' | 'parked'): Promise<boolean> {
    if (check.bucket !== this.bucket) return false;
    try {
      const { api, client } = await this.connect();
      await client.send(
        new api.PutObjectCommand({ Bucket: this.bucket, Key: check.key, Body: '', Metadata: { [DONE_METADATA]: how } }),
      );
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A copy of the object under a fresh key (its lifecycle expiry starts again), or undefined when there is
   * nothing to keep alive (the object is gone or marked done) or the copy failed. Best effort: a parking
   * must never fail for it (the pointer is then parked as it is, as before); and without s3:ListBucket, S3
   * answers a missing object with 403, which cannot be told from other refusals.
   */
  async copy(check: ClaimCheck): Promise<ClaimCheck | undefined> {
    if (check.bucket !== this.bucket) return undefined;
    const key = freshKey();
    try {
      const { api, client } = await this.connect();
      const head = await client.send(new api.HeadObjectCommand({ Bucket: this.bucket, Key: check.key }));
      if (head.Metadata?.[DONE_METADATA]) return undefined;
      await client.send(
        new api.CopyObjectCommand({
          Bucket: this.bucket,
          Key: key,
          CopySource: `${this.bucket}/${encodeURIComponent(check.key)}`,
        }),
      );
    } catch {
      return undefined;
    }
    return { ...check, key };
  }
}

/** A key never used before, under the prefix the functions' permissions allow, dated for people reading the bucket. */
function freshKey(): string {
  return `${DELIVERY_INFRASTRUCTURE.claimCheckPrefix}${new Date().toISOString().slice(0, 10)}/${randomUUID()}.json`;
}

/** The lazily loaded S3 client: on AWS the runtime's SDK copy (not bundled into the front door). */
export function lazyS3Connection(endpoint: string | undefined): () => Promise<S3Connection> {
  let connection: Promise<S3Connection> | undefined;
  return () =>
    (connection ??= import('@aws-sdk/client-s3').then((api) => ({
      api,
      client: new api.S3Client({
        // Local emulators are reached by path (no DNS for `<bucket>.localhost`).
        ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
      }),
    })));
}
