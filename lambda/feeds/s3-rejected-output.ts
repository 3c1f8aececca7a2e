import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BatchRejection } from './feed-batch';
import { FEED_OBJECT_SUFFIX, INCOMING_PREFIX, REJECTED_PREFIX } from './feed-bucket-layout';
import { textLineSource } from './line-sources';
import type { StoredLineRejection } from './s3-progress';

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
      return isJson(rejection.text)
        ? `${head},"batch":${rejection.text}}\n`
        : `${head},"text":${JSON.stringify(rejection.text)}}\n`;
    })
    .join('');
}

/**
 * Writes every rejection of the upload so far (all invocations), sorted by line, to rejected/.
 * The progress object keeps only line numbers and reasons; the batch text comes from the upload.
 */
export async function writeRejectedObject(
  s3: S3Client,
  upload: { readonly bucket: string; readonly key: string; readonly content: string },
  rejections: readonly StoredLineRejection[],
): Promise<string> {
  const reasons = new Map(rejections.map((rejection) => [rejection.line, rejection.reason]));
  const full: BatchRejection[] = [];
  for await (const { line, text } of textLineSource(upload.key, upload.content).lines()) {
    const reason = reasons.get(line);
    if (reason !== undefined)
      full.push({ ref: { source: upload.key, line }, reason, origin: 'local', text: text.trim() });
  }
  const key = rejectedObjectKey(upload.key);
  const body = renderRejectedNdjson(full);
  await s3.send(
    new PutObjectCommand({ Bucket: upload.bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }),
  );
  return key;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
