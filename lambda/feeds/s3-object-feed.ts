import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BatchRejection } from './feed-batch';
import { FEED_OBJECT_SUFFIX, INCOMING_PREFIX, REJECTED_PREFIX } from './feed-bucket-layout';
import type { FeedLimits } from './feed-limits';
import { runFeed, type BulkSender, type FeedRunReport } from './feed-run';
import { textLineSource } from './line-sources';
import type { SendEvent } from './retrying-send';

/** Objects are read whole (a stream paused for minutes by 429s risks an idle S3 connection); this bounds memory. */
export const DEFAULT_MAX_OBJECT_BYTES = 256 * 1024 * 1024;

export interface S3ObjectLocation {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string | undefined;
}

export interface S3ObjectFeedOptions {
  readonly s3: S3Client;
  readonly sender: BulkSender;
  readonly limits: FeedLimits;
  readonly historicalAfterDays: number;
  readonly concurrency: number;
  readonly deadlineAt?: number;
  readonly maxObjectBytes?: number;
  readonly onSendEvent?: (event: SendEvent) => void;
}

export interface S3ObjectFeedResult {
  readonly report: FeedRunReport;
  /** Where the rejected batches were written, when there were any. */
  readonly rejectedKey: string | undefined;
}

/** S3 event keys are URL-encoded with `+` for spaces. */
export function decodeS3EventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** `incoming/2024/a.ndjson` → `rejected/2024/a.ndjson`; other keys keep their full path under rejected/. */
export function rejectedObjectKey(key: string): string {
  const relative = key.startsWith(INCOMING_PREFIX) ? key.slice(INCOMING_PREFIX.length) : key;
  return `${REJECTED_PREFIX}${relative}${relative.endsWith(FEED_OBJECT_SUFFIX) ? '' : FEED_OBJECT_SUFFIX}`;
}

/**
 * One line per rejected batch: `{"line":n,"reason":"…","batch":{…}}`. The batch is the original
 * text, spliced in rather than re-serialised so 64-bit numbers survive; a line that was not JSON
 * is kept as a string under `text`.
 */
export function renderRejectedNdjson(rejections: readonly BatchRejection[]): string {
  return rejections
    .map((rejection) => {
      const head = `{"line":${rejection.ref.line},"reason":${JSON.stringify(rejection.reason)}`;
      return isJson(rejection.text) ? `${head},"batch":${rejection.text}}\n` : `${head},"text":${JSON.stringify(rejection.text)}}\n`;
    })
    .join('');
}

/** Reads an NDJSON object, sends its batches and writes the rejected ones next to it, under rejected/. */
export async function feedS3Object(location: S3ObjectLocation, options: S3ObjectFeedOptions): Promise<S3ObjectFeedResult> {
  const content = await readObjectText(options.s3, location, options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES);
  const report = await runFeed({
    sender: options.sender,
    sources: [textLineSource(location.key, content)],
    limits: options.limits,
    historicalAfterDays: options.historicalAfterDays,
    concurrency: options.concurrency,
    deadlineAt: options.deadlineAt,
    onSendEvent: options.onSendEvent,
  });
  let rejectedKey: string | undefined;
  if (report.rejected.length > 0) {
    rejectedKey = rejectedObjectKey(location.key);
    await options.s3.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: rejectedKey,
        Body: renderRejectedNdjson(sortByLine(report.rejected)),
        ContentType: 'application/x-ndjson',
      }),
    );
  }
  return { report, rejectedKey };
}

async function readObjectText(s3: S3Client, location: S3ObjectLocation, maxBytes: number): Promise<string> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key, VersionId: location.versionId }));
  if (!answer.Body) throw new Error(`s3://${location.bucket}/${location.key} has no body`);
  if (answer.ContentLength !== undefined && answer.ContentLength > maxBytes) {
    discard(answer.Body);
    throw new Error(`s3://${location.bucket}/${location.key} is ${answer.ContentLength} bytes, over the ${maxBytes}-byte limit: split it into smaller files`);
  }
  return answer.Body.transformToString('utf8');
}

/** Closes an unread body (a Node stream in Lambda) so its connection is not left hanging. */
function discard(body: unknown): void {
  const destroy = typeof body === 'object' && body !== null ? (body as { destroy?: unknown }).destroy : undefined;
  if (typeof destroy === 'function') destroy.call(body);
}

function sortByLine(rejections: readonly BatchRejection[]): BatchRejection[] {
  return [...rejections].sort((a, b) => a.ref.line - b.ref.line);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
