import { createHash } from 'node:crypto';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { resumeMarkerKey } from './feed-bucket-layout';
import type { FeedLimits } from './feed-limits';
import type { FeedDestination } from './file-checkpoint';
import { runFeed, type BulkSender, type FeedRunReport } from './feed-run';
import { textLineSource } from './line-sources';
import type { SendEvent } from './retrying-send';
import { S3Progress } from './s3-progress';
import { writeRejectedObject } from './s3-rejected-output';

/** Objects are read whole (a stream paused for minutes by 429s risks an idle S3 connection); this bounds memory. */
export const DEFAULT_MAX_OBJECT_BYTES = 256 * 1024 * 1024;

export interface S3ObjectLocation {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string | undefined;
  /** Read the object only if it still has this ETag (a resume marker for an upload since replaced is stale). */
  readonly expectedEtag?: string | undefined;
}

export interface S3ObjectFeedOptions {
  readonly s3: S3Client;
  readonly sender: BulkSender;
  /** Where the sender sends: progress made to another destination is not reused. */
  readonly destination?: FeedDestination;
  readonly limits: FeedLimits;
  readonly historicalAfterDays: number;
  readonly concurrency: number;
  /** No request starts after it. */
  readonly deadlineAt?: number;
  /** No exchange runs past it; later than `deadlineAt` by a request timeout, so none under way is cut. */
  readonly exchangeDeadlineAt?: number;
  readonly maxObjectBytes?: number;
  readonly onSendEvent?: (event: SendEvent) => void;
}

/**
 * - finished: every line handled (this invocation or earlier ones);
 * - continued: out of time, progress saved and a resume marker written, so the function runs again;
 * - stopped: `report.stop` says why (the caller fails the invocation; its retry resumes from the progress);
 * - already-finished: an earlier invocation finished this upload (a duplicate event or late marker);
 * - stale: the upload is gone, or a resume marker stands for an upload since replaced by a new one.
 */
export type S3ObjectFeedState = 'finished' | 'continued' | 'stopped' | 'already-finished' | 'stale';

export interface S3ObjectFeedResult {
  readonly state: S3ObjectFeedState;
  readonly report: FeedRunReport | undefined;
  /** Where the rejected batches were written, when there were any. */
  readonly rejectedKey: string | undefined;
  /** Over every invocation that worked on this upload. */
  readonly totals: { readonly sent: number; readonly historical: number; readonly rejected: number };
  readonly invocations: number;
}

/** S3 event keys are URL-encoded with `+` for spaces. */
export function decodeS3EventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * Sends an NDJSON upload's batches, resuming from its progress object, and writes the rejected ones
 * under rejected/. When the deadline comes first it saves progress and writes a resume marker.
 */
export async function feedS3Object(
  location: S3ObjectLocation,
  options: S3ObjectFeedOptions,
): Promise<S3ObjectFeedResult> {
  const object = await readObjectText(options.s3, location, options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES);
  if (object === 'stale') {
    return {
      state: 'stale',
      report: undefined,
      rejectedKey: undefined,
      totals: { sent: 0, historical: 0, rejected: 0 },
      invocations: 0,
    };
  }
  const progress = await S3Progress.open(options.s3, {
    bucket: location.bucket,
    key: location.key,
    etag: object.etag,
    ...(options.destination === undefined ? {} : { destination: options.destination }),
  });
  const result = (
    state: S3ObjectFeedState,
    report: FeedRunReport | undefined,
    rejectedKey?: string,
  ): S3ObjectFeedResult => ({
    state,
    report,
    rejectedKey,
    totals: { ...progress.totals },
    invocations: progress.invocations,
  });
  if (progress.isComplete) return result('already-finished', undefined);

  const handledBefore = progress.handledLines;
  const report = await runFeed({
    sender: options.sender,
    sources: [textLineSource(location.key, object.content)],
    limits: options.limits,
    historicalAfterDays: options.historicalAfterDays,
    concurrency: options.concurrency,
    deadlineAt: options.deadlineAt,
    exchangeDeadlineAt: options.exchangeDeadlineAt,
    store: progress,
    onSendEvent: options.onSendEvent,
  });
  // Continuing needs headway: a function that can never get a request through fails (and is
  // retried, then parked) instead of looping.
  const continues = report.stop?.kind === 'deadline' && progress.handledLines > handledBefore;
  if (!report.stop) progress.markComplete();
  await progress.persist();
  const rejectedKey =
    progress.rejections.length > 0
      ? await writeRejectedObject(options.s3, { ...location, content: object.content }, progress.rejections)
      : undefined;
  if (continues) {
    await options.s3.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: resumeMarkerKey(location.key),
        Body: JSON.stringify({ key: location.key, etag: object.etag, after: progress.invocations }),
        ContentType: 'application/json',
      }),
    );
    return result('continued', report, rejectedKey);
  }
  return result(report.stop ? 'stopped' : 'finished', report, rejectedKey);
}

async function readObjectText(
  s3: S3Client,
  location: S3ObjectLocation,
  maxBytes: number,
): Promise<{ content: string; etag: string } | 'stale'> {
  let answer;
  try {
    const { bucket, key, versionId, expectedEtag } = location;
    answer = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, IfMatch: expectedEtag }),
    );
  } catch (error) {
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    if (location.expectedEtag !== undefined && status === 412) return 'stale';
    // Deleted since the event (or since the operator's resume marker): nothing left to send.
    if (error instanceof NoSuchKey) return 'stale';
    throw error;
  }
  if (!answer.Body) throw new Error(`s3://${location.bucket}/${location.key} has no body`);
  if (answer.ContentLength !== undefined && answer.ContentLength > maxBytes) {
    discard(answer.Body);
    throw new Error(
      `s3://${location.bucket}/${location.key} is ${answer.ContentLength} bytes, over the ${maxBytes}-byte limit: split it into smaller files`,
    );
  }
  const content = await answer.Body.transformToString('utf8');
  // S3 always sends an ETag; an emulator might not, and then the content's own hash tells uploads apart.
  return { content, etag: answer.ETag ?? `sha256:${createHash('sha256').update(content).digest('hex')}` };
}

/** Closes an unread body (a Node stream in Lambda) so its connection is not left hanging. */
function discard(body: unknown): void {
  const destroy = typeof body === 'object' && body !== null ? (body as { destroy?: unknown }).destroy : undefined;
  if (typeof destroy === 'function') destroy.call(body);
}
